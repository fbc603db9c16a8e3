import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  Keystore,
  LOCKOUT_FILE,
  LOCKOUT_FREE_FAILURES,
  LOCKOUT_MAX_DELAY_MS,
  lockoutDelayMs,
} from '../../node/identity/index.ts'

const FAST = { N: 2 ** 10, r: 8, p: 1 }
const PASSWORD = 'correct horse battery staple'
const WRONG = 'not the right password'

let dir: string
let clock: number
const now = () => clock

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokenim-lockout-'))
  clock = 1_700_000_000_000
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function createKeystore(): Promise<Keystore> {
  const keystore = new Keystore(dir, { scrypt: FAST, now })
  await keystore.create(PASSWORD)
  return keystore
}

async function failureName(attempt: Promise<unknown>): Promise<string> {
  return attempt.then(
    () => 'unlocked',
    (err) => err.name,
  )
}

/** Wrong passwords, each after waiting out (on the fake clock) any delay. */
async function failTimes(keystore: Keystore, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    clock += (await keystore.lockoutStatus()).retryAfterMs
    expect(await failureName(keystore.unlock(WRONG))).toBe('WrongPasswordError')
  }
}

describe('lockoutDelayMs', () => {
  it('is free for 5 failures, then doubles from 1 s up to 15 min', () => {
    expect([0, 1, 4].map(lockoutDelayMs)).toEqual([0, 0, 0])
    expect([5, 6, 7, 8].map(lockoutDelayMs)).toEqual([1000, 2000, 4000, 8000])
    expect(lockoutDelayMs(14)).toBe(512_000)
    expect(lockoutDelayMs(15)).toBe(LOCKOUT_MAX_DELAY_MS)
    expect(lockoutDelayMs(1000)).toBe(15 * 60 * 1000)
  })
})

describe('Keystore lockout', () => {
  it('refuses at once, even the right password, while the delay runs', async () => {
    const keystore = await createKeystore()
    await failTimes(keystore, LOCKOUT_FREE_FAILURES)
    const locked = await keystore.unlock(PASSWORD).catch((e) => e)
    expect(locked.name).toBe('KeystoreLockedError')
    expect(locked.retryAfterMs).toBe(1000)
    expect(locked.message).toMatch(/1 s/)

    clock += 400
    expect((await keystore.unlock(WRONG).catch((e) => e)).retryAfterMs).toBe(600)
    // Refused attempts do not count as failures.
    expect(await keystore.lockoutStatus()).toEqual({ failures: 5, retryAfterMs: 600 })

    clock += 600
    await failTimes(keystore, 1)
    expect(await keystore.lockoutStatus()).toEqual({ failures: 6, retryAfterMs: 2000 })
    clock += 1999
    expect(await failureName(keystore.unlock(PASSWORD))).toBe('KeystoreLockedError')
    clock += 1
    await keystore.unlock(PASSWORD)
  })

  it('survives a restart', async () => {
    const first = await createKeystore()
    await failTimes(first, LOCKOUT_FREE_FAILURES + 2)
    const lockoutFile = join(dir, LOCKOUT_FILE)
    expect((await stat(lockoutFile)).mode & 0o777).toBe(0o600)
    expect(JSON.parse(await readFile(lockoutFile, 'utf8')).failures).toBe(7)

    const restarted = new Keystore(dir, { scrypt: FAST, now })
    const err = await restarted.unlock(PASSWORD).catch((e) => e)
    expect(err.name).toBe('KeystoreLockedError')
    expect(err.retryAfterMs).toBe(4000)
  })

  it('starts again from zero after a success', async () => {
    const keystore = await createKeystore()
    await failTimes(keystore, LOCKOUT_FREE_FAILURES)
    clock += 1000
    await keystore.unlock(PASSWORD)
    expect(await keystore.lockoutStatus()).toEqual({ failures: 0, retryAfterMs: 0 })
    await failTimes(keystore, LOCKOUT_FREE_FAILURES - 1)
    expect((await keystore.lockoutStatus()).retryAfterMs).toBe(0)
  })

  it('caps the wait at 15 minutes, also when the clock goes backwards', async () => {
    const keystore = await createKeystore()
    await writeFile(
      join(dir, LOCKOUT_FILE),
      JSON.stringify({ failures: 40, notBefore: clock + 10 * 24 * 3600 * 1000 }),
    )
    const err = await keystore.unlock(PASSWORD).catch((e) => e)
    expect(err.retryAfterMs).toBe(LOCKOUT_MAX_DELAY_MS)
    expect(err.message).toMatch(/15 min/)
  })

  it('counts export attempts but not damaged files', async () => {
    const keystore = await createKeystore()
    const out = join(dir, 'out.key')
    for (let i = 0; i < LOCKOUT_FREE_FAILURES; i++) {
      expect(await failureName(keystore.export(WRONG, out))).toBe('WrongPasswordError')
    }
    expect(await failureName(keystore.export(PASSWORD, out))).toBe('KeystoreLockedError')

    clock += 1000
    const original = await readFile(keystore.path)
    await writeFile(keystore.path, original.subarray(0, 100))
    expect(await failureName(keystore.unlock(WRONG))).toBe('KeystoreCorruptedError')
    expect((await keystore.lockoutStatus()).failures).toBe(LOCKOUT_FREE_FAILURES)
    await writeFile(keystore.path, original)
    await keystore.unlock(PASSWORD)
  })

  it('lets parallel attempts through one at a time', async () => {
    const keystore = await createKeystore()
    const names = await Promise.all(
      Array.from({ length: 8 }, () => failureName(keystore.unlock(WRONG))),
    )
    expect(names.filter((name) => name === 'WrongPasswordError')).toHaveLength(5)
    expect(names.filter((name) => name === 'KeystoreLockedError')).toHaveLength(3)
  })

  it('reads a damaged lockout record as the threshold, not as locked', async () => {
    const keystore = await createKeystore()
    await writeFile(join(dir, LOCKOUT_FILE), '{"failures":')
    expect(await keystore.lockoutStatus()).toEqual({
      failures: LOCKOUT_FREE_FAILURES,
      retryAfterMs: 0,
    })
    await failTimes(keystore, 1)
    expect((await keystore.lockoutStatus()).retryAfterMs).toBe(2000)
  })

  it('resets when a new identity is restored or created', async () => {
    const keystore = await createKeystore()
    await failTimes(keystore, LOCKOUT_FREE_FAILURES)
    await keystore.create(PASSWORD, { replace: true })
    expect(await keystore.lockoutStatus()).toEqual({ failures: 0, retryAfterMs: 0 })
  })
})
