/**
 * Keystore cost with the default scrypt parameters. Unlocking should take 0.3 to 1 s: slow
 * enough to make guessing expensive, quick enough for a person to wait. The baseline is a
 * bare node:crypto scrypt with the same parameters, so the ratio shows what the keystore
 * adds on top (file read, checks, AES-GCM, Ed25519 public key).
 */
import { randomBytes, scrypt } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_SCRYPT_PARAMS, Keystore } from '../node/identity/index.ts'

const ROUNDS = 5
const PASSWORD = 'correct horse battery staple'

async function medianMs(operation: () => Promise<unknown>): Promise<number> {
  const times: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now()
    await operation()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}

function bareScrypt(): Promise<Buffer> {
  const { N, r, p } = DEFAULT_SCRYPT_PARAMS
  return new Promise((resolve, reject) => {
    scrypt(PASSWORD, randomBytes(32), 32, { N, r, p, maxmem: 256 * N * r }, (err, key) =>
      err == null ? resolve(key) : reject(err),
    )
  })
}

export default {
  name: 'keystore',
  async run() {
    const { N, r, p } = DEFAULT_SCRYPT_PARAMS
    const params = `N=2^${Math.log2(N)}, r=${r}, p=${p}`
    const dir = await mkdtemp(join(tmpdir(), 'tokenim-bench-keystore-'))
    try {
      const keystore = new Keystore(dir)
      const scryptMs = await medianMs(bareScrypt)
      const createMs = await medianMs(() => keystore.create(PASSWORD, { replace: true }))
      const unlockMs = await medianMs(() => keystore.unlock(PASSWORD))
      const baseline = { name: `crypto.scrypt ${params}`, value: scryptMs }
      return [
        {
          name: `keystore unlock (${params}), median of ${ROUNDS}`,
          value: unlockMs,
          unit: 'ms',
          baseline,
        },
        {
          name: `keystore create (${params}), median of ${ROUNDS}`,
          value: createMs,
          unit: 'ms',
          baseline,
        },
      ]
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  },
}
