import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  Keystore,
  LOCKOUT_FILE,
  LOCKOUT_FREE_FAILURES,
  LOCKOUT_MAX_DELAY_MS,
  lockoutDelayMs,
} from '../../node/identity/index.ts'
import { LockoutRecord } from '../../node/identity/lockout-record.ts'
import { serializeSealedKeyFile } from '../../node/identity/sealed-key.ts'
import { attemptTogether, nextLine, startAttempt } from '../helpers/lockout-attempts.ts'
import { withTimeout } from '../helpers/wait.ts'

const HOLDER = join(import.meta.dirname, '../helpers/lockout-holder-child.ts')

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

describe('LockoutRecord', () => {
  it('commits once a reader that meets its COMMIT lets go (SQLite answers SQLITE_BUSY first)', async () => {
    const record = new LockoutRecord(join(dir, 'lockout.db'))
    await record.transact(() => ({ next: { failures: 1, notBefore: 0 }, result: undefined }))
    // Another process's BEGIN IMMEDIATE holds a shared lock for an instant; a reader in a
    // transaction holds one for as long as we like.
    const reader = new DatabaseSync(record.path)
    reader.exec('BEGIN')
    reader.prepare('SELECT failures FROM lockout').get()
    await record.transact(() => {
      // Let go only after the first COMMIT has met the shared lock.
      setImmediate(() => reader.exec('COMMIT'))
      return { next: { failures: 2, notBefore: 0 }, result: undefined }
    })
    reader.close()
    expect(await record.read()).toEqual({ failures: 2, notBefore: 0 })
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
    expect((await stat(join(dir, LOCKOUT_FILE))).mode & 0o777).toBe(0o600)

    const restarted = new Keystore(dir, { scrypt: FAST, now })
    expect((await restarted.lockoutStatus()).failures).toBe(7)
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
    await failTimes(keystore, LOCKOUT_FREE_FAILURES + 12)
    clock -= 10 * 24 * 3600 * 1000
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

  it('counts exactly across keystores opened separately on one folder', async () => {
    await createKeystore()
    const names = await Promise.all(
      Array.from({ length: 10 }, () =>
        failureName(new Keystore(dir, { scrypt: FAST, now }).unlock(WRONG)),
      ),
    )
    expect(names.filter((name) => name === 'WrongPasswordError')).toHaveLength(5)
    expect(names.filter((name) => name === 'KeystoreLockedError')).toHaveLength(5)
    expect(await new Keystore(dir, { now }).lockoutStatus()).toEqual({
      failures: 5,
      retryAfterMs: 1000,
    })
  })

  it('counts exactly across processes that try at the same moment', async () => {
    await createKeystore()
    const children = Array.from({ length: 8 }, () => startAttempt(dir, WRONG, clock))
    try {
      const names = await attemptTogether(children)
      expect(names.filter((name) => name === 'WrongPasswordError')).toHaveLength(5)
      expect(names.filter((name) => name === 'KeystoreLockedError')).toHaveLength(3)
      expect(await new Keystore(dir, { now }).lockoutStatus()).toEqual({
        failures: 5,
        retryAfterMs: 1000,
      })
    } finally {
      for (const child of children) child.kill()
    }
  }, 60_000)

  it('waits for a process holding the record, and undoes its write when it dies', async () => {
    const keystore = await createKeystore()
    const holder = spawn(process.execPath, [HOLDER, join(dir, LOCKOUT_FILE)])
    try {
      expect(await nextLine(holder)).toBe('holding')
      let settled = false
      const attempt = failureName(keystore.unlock(WRONG)).finally(() => {
        settled = true
      })
      // The attempt cannot count itself while the holder has the lock.
      await new Promise((resolve) => setImmediate(resolve))
      expect(settled).toBe(false)
      holder.kill('SIGKILL')
      expect(await withTimeout(attempt, 10_000, 'attempt after the holder died')).toBe(
        'WrongPasswordError',
      )
      // The kernel dropped the dead holder's lock; its uncommitted 99 was rolled back.
      expect((await keystore.lockoutStatus()).failures).toBe(1)
    } finally {
      holder.kill('SIGKILL')
    }
  })

  it('gives up with KeystoreBusyError, counting nothing, while another process holds the record', async () => {
    await createKeystore()
    const holder = spawn(process.execPath, [HOLDER, join(dir, LOCKOUT_FILE)])
    try {
      expect(await nextLine(holder)).toBe('holding')
      const keystore = new Keystore(dir, { now, lockWaitMs: 200 })
      expect(await failureName(keystore.unlock(WRONG))).toBe('KeystoreBusyError')
    } finally {
      holder.kill('SIGKILL')
    }
    expect((await new Keystore(dir, { now }).lockoutStatus()).failures).toBe(0)
  })

  it('lets parallel attempts through one at a time', async () => {
    const keystore = await createKeystore()
    const names = await Promise.all(
      Array.from({ length: 8 }, () => failureName(keystore.unlock(WRONG))),
    )
    expect(names.filter((name) => name === 'WrongPasswordError')).toHaveLength(5)
    expect(names.filter((name) => name === 'KeystoreLockedError')).toHaveLength(3)
  })

  it('fails closed when the record is deleted: the longest wait, then one attempt at a time', async () => {
    const keystore = await createKeystore()
    await failTimes(keystore, LOCKOUT_FREE_FAILURES + 2)
    await rm(join(dir, LOCKOUT_FILE))
    expect((await keystore.lockoutStatus()).retryAfterMs).toBe(LOCKOUT_MAX_DELAY_MS)
    const err = await keystore.unlock(PASSWORD).catch((e) => e)
    expect(err.name).toBe('KeystoreLockedError')
    expect(err.retryAfterMs).toBe(LOCKOUT_MAX_DELAY_MS)

    // Deleting it again only starts the longest wait again.
    clock += 60_000
    await rm(join(dir, LOCKOUT_FILE))
    expect((await keystore.unlock(PASSWORD).catch((e) => e)).retryAfterMs).toBe(
      LOCKOUT_MAX_DELAY_MS,
    )
    expect((await keystore.lockoutStatus()).failures).toBeGreaterThanOrEqual(7)
    clock += LOCKOUT_MAX_DELAY_MS
    await keystore.unlock(PASSWORD)
    expect(await keystore.lockoutStatus()).toEqual({ failures: 0, retryAfterMs: 0 })
  })

  it('fails closed when the record is damaged, and replaces it', async () => {
    const keystore = await createKeystore()
    await writeFile(join(dir, LOCKOUT_FILE), 'not a database, not a database, not a database')
    const err = await keystore.unlock(PASSWORD).catch((e) => e)
    expect(err.retryAfterMs).toBe(LOCKOUT_MAX_DELAY_MS)
    clock += LOCKOUT_MAX_DELAY_MS
    await keystore.unlock(PASSWORD)
    expect(await keystore.lockoutStatus()).toEqual({ failures: 0, retryAfterMs: 0 })
  })

  it('gains nothing from lowering the keystore version to drop the record', async () => {
    const keystore = await createKeystore()
    const file = JSON.parse(await readFile(keystore.path, 'utf8'))
    expect(file.version).toBe(2)
    await writeFile(keystore.path, serializeSealedKeyFile({ ...file, version: 1 }))
    await rm(join(dir, LOCKOUT_FILE))
    // The version is authenticated: not even the right password opens the lowered file.
    expect(await failureName(keystore.unlock(PASSWORD))).toBe('WrongPasswordError')
  })

  it('keeps the count of a keystore from before the record, and upgrades it on unlock', async () => {
    const keystore = await createKeystore()
    const older = join(dir, 'older')
    await mkdir(older)
    await keystore.export(PASSWORD, join(older, 'identity.key'))
    await writeFile(
      join(older, 'identity.lockout.json'),
      JSON.stringify({ failures: 6, notBefore: clock + 2000 }),
    )
    const upgraded = new Keystore(older, { scrypt: FAST, now })
    expect((await upgraded.unlock(PASSWORD).catch((e) => e)).retryAfterMs).toBe(2000)
    clock += 2000
    await upgraded.unlock(PASSWORD)
    expect(JSON.parse(await readFile(upgraded.path, 'utf8')).version).toBe(2)
    await expect(stat(join(older, 'identity.lockout.json'))).rejects.toThrow(/ENOENT/)
    expect(await upgraded.lockoutStatus()).toEqual({ failures: 0, retryAfterMs: 0 })
  })

  it('resets when a new identity is restored or created', async () => {
    const keystore = await createKeystore()
    await failTimes(keystore, LOCKOUT_FREE_FAILURES)
    await keystore.create(PASSWORD, { replace: true })
    expect(await keystore.lockoutStatus()).toEqual({ failures: 0, retryAfterMs: 0 })
  })
})
