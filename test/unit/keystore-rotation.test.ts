/**
 * Key rotation in the keystore: a new key sealed with the same password, a statement signed
 * by the old and new key that the key-chain resolver accepts, two-factor checks kept and
 * asked for, and a crash at any step leaving the old or the new key usable, never neither.
 */
import { readFile } from 'node:fs/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AtRestSealer } from '../../node/at-rest-sealer.ts'
import {
  KEY_CHAIN_FILE,
  Keystore,
  PENDING_ROTATION_FILE,
  type RotationSteps,
  totpCode,
  totpSecretFromText,
} from '../../node/identity/index.ts'
import { DURABLE_STEPS } from '../../node/identity/key-rotation.ts'
import { openKeyStatement, resolveKeyChain } from '../../protocol/accounts/index.ts'
import { outcomeOf } from '../helpers/outcome.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const FAST = { N: 2 ** 10, r: 8, p: 1 }
const PASSWORD = 'correct horse battery staple'

let dir: Awaited<ReturnType<typeof makeTempDir>>
let clock: number
const now = () => clock

beforeEach(async () => {
  dir = await makeTempDir('tokenim-rotation-')
  clock = 1_700_000_000_000
})
afterEach(() => dir.remove())

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

describe('Keystore.rotate', () => {
  it('seals a new key under the same password, signed over by the old one', async () => {
    const keystore = new Keystore(dir.path, { scrypt: FAST, now })
    const { identity: original } = await keystore.create(PASSWORD)

    const rotated = await keystore.rotate(PASSWORD)

    expect(hex(rotated.retired)).toBe(hex(original.publicKey))
    expect(hex(rotated.identity.publicKey)).not.toBe(hex(original.publicKey))
    expect(hex((await keystore.unlock(PASSWORD)).privateKey)).toBe(hex(rotated.identity.privateKey))
    expect(hex(await keystore.publicKey())).toBe(hex(rotated.identity.publicKey))
    expect(await keystore.backupPhrase(PASSWORD)).toBe(rotated.backupPhrase)

    const statement = openKeyStatement('rotation', rotated.statement)
    expect(statement.sequence).toBe(1)
    // The new account's commitment, kept unchanged.
    expect(hex(statement.nextRecovery)).toBe(hex((await keystore.keyChain()).commitment))
    expect(statement.nextRecovery).toHaveLength(32)
    const chain = await keystore.keyChain()
    expect(hex(chain.account)).toBe(hex(original.publicKey))
    expect(hex(chain.current)).toBe(hex(rotated.identity.publicKey))
    expect(chain.retired.map(hex)).toEqual([hex(original.publicKey)])
    // What a friend who knows only the original key concludes from the statement.
    const seen = resolveKeyChain({ account: original.publicKey, commitment: chain.commitment }, [
      { kind: 'rotation', record: rotated.statement },
    ])
    expect(hex(seen.current)).toBe(hex(rotated.identity.publicKey))
  })

  it('keeps the data folder readable: what the original key sealed opens after rotations', async () => {
    const keystore = new Keystore(dir.path, { scrypt: FAST, now })
    const { identity: original } = await keystore.create(PASSWORD)
    const sealed = new AtRestSealer(original, 'test').seal('k', new Uint8Array([1, 2, 3]))
    await keystore.rotate(PASSWORD)
    await keystore.rotate(PASSWORD)
    const unlocked = await new Keystore(dir.path, { scrypt: FAST, now }).unlock(PASSWORD)
    expect(hex(unlocked.publicKey)).not.toBe(hex(original.publicKey))
    expect([...new AtRestSealer(unlocked, 'test').open('k', sealed)]).toEqual([1, 2, 3])
  })

  it('chains rotations: each next sequence from the key before', async () => {
    const keystore = new Keystore(dir.path, { scrypt: FAST, now })
    const { identity: original } = await keystore.create(PASSWORD)
    const first = await keystore.rotate(PASSWORD)
    const second = await keystore.rotate(PASSWORD)
    const statement = openKeyStatement('rotation', second.statement)
    expect(statement.sequence).toBe(2)
    expect(hex(statement.oldKey)).toBe(hex(first.identity.publicKey))
    const chain = await new Keystore(dir.path, { scrypt: FAST, now }).keyChain()
    expect(chain.rotations.map(hex)).toEqual([hex(first.statement), hex(second.statement)])
    expect(chain.retired.map(hex)).toEqual([hex(original.publicKey), hex(first.identity.publicKey)])
    expect(chain.sequence).toBe(2)
  })

  it('is a sensitive action: a wrong password changes nothing', async () => {
    const keystore = new Keystore(dir.path, { scrypt: FAST, now })
    const { identity } = await keystore.create(PASSWORD)
    expect(await outcomeOf(keystore.rotate('not the password'))).toBe('WrongPasswordError')
    expect(hex(await keystore.publicKey())).toBe(hex(identity.publicKey))
    expect((await keystore.keyChain()).rotations).toHaveLength(0)
  })

  it('asks for a two-factor code while the checks are on, and keeps them on the new key', async () => {
    const keystore = new Keystore(dir.path, { scrypt: FAST, now })
    await keystore.create(PASSWORD)
    const setup = await keystore.twoFactorSetup()
    const secret = totpSecretFromText(setup.secret)
    const { recoveryCodes } = await keystore.enableTwoFactor(
      PASSWORD,
      setup.secret,
      totpCode(secret, clock),
    )
    expect(await outcomeOf(keystore.rotate(PASSWORD))).toBe('TwoFactorRequiredError')
    clock += 30_000
    const rotated = await keystore.rotate(PASSWORD, { code: totpCode(secret, clock) })
    expect((await keystore.twoFactorStatus()).enabled).toBe(true)
    // Recovery codes are keyed hashes: they still match after the key changed.
    expect(await keystore.backupPhrase(PASSWORD, { code: recoveryCodes[0] })).toBe(
      rotated.backupPhrase,
    )
    expect(await outcomeOf(keystore.backupPhrase(PASSWORD))).toBe('TwoFactorRequiredError')
    clock += 30_000
    expect(await keystore.backupPhrase(PASSWORD, { code: totpCode(secret, clock) })).toBe(
      rotated.backupPhrase,
    )
  })

  it('a new identity saved over a rotated one drops the old chain', async () => {
    const keystore = new Keystore(dir.path, { scrypt: FAST, now })
    await keystore.create(PASSWORD)
    await keystore.rotate(PASSWORD)
    const { identity } = await keystore.create(PASSWORD, { replace: true })
    const chain = await keystore.keyChain()
    expect(hex(chain.current)).toBe(hex(identity.publicKey))
    expect(chain.rotations).toHaveLength(0)
  })
})

describe('a crash during a rotation', () => {
  const steps = Object.keys(DURABLE_STEPS) as Array<keyof RotationSteps>

  for (const failing of steps) {
    for (const when of ['before', 'after'] as const) {
      it(`${when} ${failing}: the old or the new key opens, and the chain agrees`, async () => {
        const { identity: original } = await new Keystore(dir.path, {
          scrypt: FAST,
          now,
        }).create(PASSWORD)
        const crashing = new Keystore(dir.path, {
          scrypt: FAST,
          now,
          rotationSteps: crashAt(failing, when),
        })
        expect(await outcomeOf(crashing.rotate(PASSWORD))).toBe('SimulatedCrash')
        const pendingWritten = failing !== 'writePending' || when === 'after'

        // A new process on the folder, writing normally.
        const restarted = new Keystore(dir.path, { scrypt: FAST, now })
        const unlocked = await restarted.unlock(PASSWORD)
        const chain = await restarted.keyChain()
        expect(hex(chain.current)).toBe(hex(unlocked.publicKey))
        if (pendingWritten) {
          // Once the new key is written down, the rotation completes.
          expect(hex(unlocked.publicKey)).not.toBe(hex(original.publicKey))
          expect(chain.retired.map(hex)).toEqual([hex(original.publicKey)])
        } else {
          expect(hex(unlocked.publicKey)).toBe(hex(original.publicKey))
          expect(chain.rotations).toHaveLength(0)
        }
        await expect(readFile(`${dir.path}/${PENDING_ROTATION_FILE}`)).rejects.toThrow()
        // And the next rotation works from there.
        const next = await restarted.rotate(PASSWORD)
        expect(hex(next.retired)).toBe(hex(unlocked.publicKey))
        expect(
          JSON.parse(await readFile(`${dir.path}/${KEY_CHAIN_FILE}`, 'utf8')).rotations,
        ).toHaveLength(pendingWritten ? 2 : 1)
      })
    }
  }
})

class SimulatedCrash extends Error {
  override name = 'SimulatedCrash'
}

/** Durable steps, but the process "dies" before or after `failing`: nothing more is written. */
function crashAt(failing: keyof RotationSteps, when: 'before' | 'after'): RotationSteps {
  const step = DURABLE_STEPS[failing] as (path: string, data: Uint8Array) => Promise<void>
  const crash = async (path: string, data: Uint8Array) => {
    if (when === 'after') await step(path, data)
    throw new SimulatedCrash(`crashed ${when} ${failing}`)
  }
  return { ...DURABLE_STEPS, [failing]: crash }
}
