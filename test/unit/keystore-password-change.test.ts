/**
 * Changing the keystore's password: the same identity sealed again, the old password checked
 * with its lockout, the new one checked for strength, and a change made by another process
 * never lost.
 */
import { readFile } from 'node:fs/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  identityFromBackupPhrase,
  Keystore,
  LOCKOUT_FREE_FAILURES,
} from '../../node/identity/index.ts'
import { outcomeOf } from '../helpers/outcome.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const FAST = { N: 2 ** 10, r: 8, p: 1 }
const PASSWORD = 'correct horse battery staple'
const NEW_PASSWORD = 'violet lantern under rain'
const THIRD_PASSWORD = 'copper kettle on the moor'

let dir: Awaited<ReturnType<typeof makeTempDir>>
let clock: number
const now = () => clock

beforeEach(async () => {
  dir = await makeTempDir('tokenim-password-change-')
  clock = 1_700_000_000_000
})
afterEach(() => dir.remove())

describe('Keystore.changePassword', () => {
  it('seals the same identity under the new password; the old one no longer opens it', async () => {
    const keystore = new Keystore(dir.path, { scrypt: FAST, now })
    const { identity, backupPhrase } = await keystore.create(PASSWORD)
    const before = await readFile(keystore.path, 'utf8')

    await keystore.changePassword(PASSWORD, NEW_PASSWORD)

    expect(await readFile(keystore.path, 'utf8')).not.toBe(before)
    expect(await outcomeOf(keystore.unlock(PASSWORD))).toBe('WrongPasswordError')
    const unlocked = await keystore.unlock(NEW_PASSWORD)
    expect(Buffer.from(unlocked.privateKey).equals(Buffer.from(identity.privateKey))).toBe(true)
    expect(identityFromBackupPhrase(await keystore.backupPhrase(NEW_PASSWORD)).publicKey).toEqual(
      identityFromBackupPhrase(backupPhrase).publicKey,
    )
    expect(JSON.parse(await readFile(keystore.path, 'utf8')).version).toBe(2)
  })

  it('refuses a wrong current password, counts it, and leaves the file as it was', async () => {
    const keystore = new Keystore(dir.path, { scrypt: FAST, now })
    await keystore.create(PASSWORD)
    const before = await readFile(keystore.path, 'utf8')
    expect(await outcomeOf(keystore.changePassword('not the password', NEW_PASSWORD))).toBe(
      'WrongPasswordError',
    )
    expect((await keystore.lockoutStatus()).failures).toBe(1)
    expect(await readFile(keystore.path, 'utf8')).toBe(before)
    await keystore.unlock(PASSWORD)
  })

  it('meets the lockout: after five wrong passwords even the right one waits', async () => {
    const keystore = new Keystore(dir.path, { scrypt: FAST, now })
    await keystore.create(PASSWORD)
    for (let i = 0; i < LOCKOUT_FREE_FAILURES; i++) {
      expect(await outcomeOf(keystore.changePassword('wrong', NEW_PASSWORD))).toBe(
        'WrongPasswordError',
      )
    }
    expect(await outcomeOf(keystore.changePassword(PASSWORD, NEW_PASSWORD))).toBe(
      'KeystoreLockedError',
    )
    clock += (await keystore.lockoutStatus()).retryAfterMs
    await keystore.changePassword(PASSWORD, NEW_PASSWORD)
    expect((await keystore.lockoutStatus()).failures).toBe(0)
  })

  it('refuses a weak new password before trying the current one', async () => {
    const keystore = new Keystore(dir.path, { scrypt: FAST, now })
    await keystore.create(PASSWORD)
    expect(await outcomeOf(keystore.changePassword(PASSWORD, 'short'))).toBe('WeakPasswordError')
    expect((await keystore.lockoutStatus()).failures).toBe(0)
    await keystore.unlock(PASSWORD)
  })

  it('loses no change when two processes change the password at once', async () => {
    await new Keystore(dir.path, { scrypt: FAST, now }).create(PASSWORD)
    // Two keystores on one folder stand for two processes: each reads, unseals, reseals.
    const first = new Keystore(dir.path, { scrypt: FAST, now })
    const second = new Keystore(dir.path, { scrypt: FAST, now })
    const outcomes = await Promise.all([
      outcomeOf(first.changePassword(PASSWORD, NEW_PASSWORD)),
      outcomeOf(second.changePassword(PASSWORD, THIRD_PASSWORD)),
    ])
    // Exactly one wins; the other finds the file changed (or, if it came late, its
    // password already replaced). Without the compare, both said "ok" and one was lost.
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1)
    expect(['KeystoreChangedError', 'WrongPasswordError']).toContain(
      outcomes.find((o) => o !== 'ok'),
    )
    const winner = outcomes[0] === 'ok' ? NEW_PASSWORD : THIRD_PASSWORD
    await first.unlock(winner)
  })
})
