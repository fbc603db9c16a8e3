/**
 * Two-factor checks: TOTP against RFC 6238's test vectors, enrolment confirmed by a first code,
 * every sensitive action asking for a code, replays refused, recovery codes used once, wrong
 * codes locked out (across keystores, processes and restarts, and apart from the password's
 * count), and a header that cannot be edited back to "off".
 */
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  Keystore,
  LOCKOUT_FILE,
  LOCKOUT_FREE_FAILURES,
  LOCKOUT_MAX_DELAY_MS,
  RECOVERY_CODE_COUNT,
  TOTP_PERIOD_SECONDS,
  totpCode,
  totpSecretFromText,
} from '../../node/identity/index.ts'
import { parseSealedKeyFile, serializeSealedKeyFile } from '../../node/identity/sealed-key.ts'
import { totpStepOf } from '../../node/identity/totp.ts'
import { attemptTogether, startAttempt } from '../helpers/lockout-attempts.ts'
import { outcomeOf } from '../helpers/outcome.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const FAST = { N: 2 ** 10, r: 8, p: 1 }
const PASSWORD = 'correct horse battery staple'
const NEW_PASSWORD = 'violet lantern under rain'
const STEP_MS = TOTP_PERIOD_SECONDS * 1000

let dir: Awaited<ReturnType<typeof makeTempDir>>
let clock: number
const now = () => clock

beforeEach(async () => {
  dir = await makeTempDir('tokenim-two-factor-')
  // The start of a time step, so that "now" and "the next step" are plain to read.
  clock = 1_700_000_010_000 - (1_700_000_010_000 % STEP_MS)
})
afterEach(() => dir.remove())

const ascii = (text: string) => new TextEncoder().encode(text)

describe('TOTP (RFC 6238, Appendix B)', () => {
  const times = [59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000]
  const vectors = {
    SHA1: {
      seed: ascii('12345678901234567890'),
      codes: ['94287082', '07081804', '14050471', '89005924', '69279037', '65353130'],
    },
    SHA256: {
      seed: ascii('12345678901234567890123456789012'),
      codes: ['46119246', '68084774', '67062674', '91819424', '90698825', '77737706'],
    },
    SHA512: {
      seed: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
      codes: ['90693936', '25091201', '99943326', '93441116', '38618901', '47863826'],
    },
  }
  for (const [algorithm, { seed, codes }] of Object.entries(vectors)) {
    it(`gives the RFC's codes for ${algorithm}`, () => {
      const made = times.map((t) => totpCode(seed, t * 1000, { algorithm, digits: 8, period: 30 }))
      expect(made).toEqual(codes)
    })
  }

  it('accepts a code one step either side of now, not two, and names its step', () => {
    const secret = ascii('12345678901234567890')
    const step = Math.floor(clock / STEP_MS)
    for (const offset of [-1, 0, 1]) {
      const code = totpCode(secret, clock + offset * STEP_MS)
      expect(totpStepOf(secret, code, clock)).toBe(step + offset)
    }
    expect(totpStepOf(secret, totpCode(secret, clock + 2 * STEP_MS), clock)).toBeUndefined()
    expect(totpStepOf(secret, 'abcdef', clock)).toBeUndefined()
  })
})

/** A keystore with two-factor checks on; its TOTP secret and recovery codes. */
async function enrolled(keystore = new Keystore(dir.path, { scrypt: FAST, now })) {
  await keystore.create(PASSWORD)
  const setup = await keystore.twoFactorSetup()
  expect(setup.uri).toMatch(
    /^otpauth:\/\/totp\/TokenIM:\w{8}\?issuer=TokenIM&secret=[A-Z2-7]{32}&algorithm=SHA1&digits=6&period=30$/,
  )
  const secret = totpSecretFromText(setup.secret)
  // A wrong first code turns nothing on.
  expect(await outcomeOf(keystore.enableTwoFactor(PASSWORD, setup.secret, '000000'))).toBe(
    'TwoFactorCodeWrongError',
  )
  expect(await keystore.twoFactorStatus()).toEqual({ enabled: false })
  const { recoveryCodes } = await keystore.enableTwoFactor(
    PASSWORD,
    setup.secret,
    totpCode(secret, clock),
  )
  return { keystore, secret, recoveryCodes }
}

/** The code of the next time step, moving the clock there. */
function nextCode(secret: Uint8Array): string {
  clock += STEP_MS
  return totpCode(secret, clock)
}

describe('Keystore two-factor checks', () => {
  it('once on, every sensitive action needs a valid code', async () => {
    const { keystore, secret, recoveryCodes } = await enrolled()
    expect(recoveryCodes).toHaveLength(RECOVERY_CODE_COUNT)
    expect(new Set(recoveryCodes).size).toBe(RECOVERY_CODE_COUNT)
    expect(await keystore.twoFactorStatus()).toEqual({
      enabled: true,
      recoveryCodesLeft: RECOVERY_CODE_COUNT,
      failures: 0,
      retryAfterMs: 0,
    })
    const file = parseSealedKeyFile(await readFile(keystore.path), keystore.path)
    expect(file.version).toBe(3)
    // Only keyed hashes of the recovery codes are kept, and no part of the secret.
    const text = await readFile(keystore.path, 'utf8')
    for (const code of recoveryCodes) expect(text).not.toContain(code.replace('-', ''))
    expect(text).not.toContain(Buffer.from(secret).toString('hex'))

    const out = join(dir.path, 'out.key')
    const actions = {
      export: (code?: string) => keystore.export(PASSWORD, out, { code, replace: true }),
      phrase: (code?: string) => keystore.backupPhrase(PASSWORD, { code }),
      guard: (code?: string) => keystore.authorizeSensitiveAction(PASSWORD, { code }),
    }
    for (const action of Object.values(actions)) {
      expect(await outcomeOf(action())).toBe('TwoFactorRequiredError')
      expect(await outcomeOf(action(nextCode(secret)))).toBe('ok')
    }
    // Unlocking to run the node needs no code.
    await keystore.unlock(PASSWORD)
    // Neither the missing codes nor the password were counted as failures.
    expect((await keystore.lockoutStatus()).failures).toBe(0)
    expect(await keystore.twoFactorStatus()).toMatchObject({ failures: 0 })
  })

  it('refuses a code used before, within its window', async () => {
    const { keystore, secret } = await enrolled()
    // The code that turned the checks on is used.
    expect(
      await outcomeOf(keystore.backupPhrase(PASSWORD, { code: totpCode(secret, clock) })),
    ).toBe('TwoFactorCodeReusedError')
    const code = nextCode(secret)
    await keystore.backupPhrase(PASSWORD, { code })
    clock += 10_000
    expect(await outcomeOf(keystore.backupPhrase(PASSWORD, { code }))).toBe(
      'TwoFactorCodeReusedError',
    )
    // An older step's code, still inside the window, is refused too.
    expect(
      await outcomeOf(keystore.backupPhrase(PASSWORD, { code: totpCode(secret, clock - STEP_MS) })),
    ).toBe('TwoFactorCodeReusedError')
    // Another keystore on the folder (another process) knows the same.
    const other = new Keystore(dir.path, { scrypt: FAST, now })
    expect(await outcomeOf(other.backupPhrase(PASSWORD, { code }))).toBe('TwoFactorCodeReusedError')
    await other.backupPhrase(PASSWORD, { code: nextCode(secret) })
  })

  it('takes each recovery code once', async () => {
    const { keystore, recoveryCodes } = await enrolled()
    const [first, second] = recoveryCodes
    await keystore.backupPhrase(PASSWORD, { code: first.toUpperCase().replace('-', ' ') })
    expect(await keystore.twoFactorStatus()).toMatchObject({
      recoveryCodesLeft: RECOVERY_CODE_COUNT - 1,
    })
    expect(await outcomeOf(keystore.backupPhrase(PASSWORD, { code: first }))).toBe(
      'TwoFactorCodeWrongError',
    )
    // Two processes with the same code: one wins.
    const outcomes = await Promise.all(
      [0, 1].map(() =>
        outcomeOf(
          new Keystore(dir.path, { scrypt: FAST, now }).backupPhrase(PASSWORD, { code: second }),
        ),
      ),
    )
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1)
    expect(await keystore.twoFactorStatus()).toMatchObject({
      recoveryCodesLeft: RECOVERY_CODE_COUNT - 2,
    })
  })

  it('locks out wrong codes with a count of their own, kept across restarts', async () => {
    const { keystore, secret } = await enrolled()
    for (let i = 0; i < LOCKOUT_FREE_FAILURES; i++) {
      expect(await outcomeOf(keystore.backupPhrase(PASSWORD, { code: '123456' }))).toBe(
        'TwoFactorCodeWrongError',
      )
    }
    // The right password did not wipe the count, and the right code now waits too.
    const locked = await keystore
      .backupPhrase(PASSWORD, { code: totpCode(secret, clock + 1000) })
      .catch((err) => err)
    expect(locked.name).toBe('TwoFactorLockedError')
    expect(locked.retryAfterMs).toBe(1000)
    expect(locked.message).toMatch(/two-factor codes/)
    const restarted = new Keystore(dir.path, { scrypt: FAST, now })
    expect(await restarted.twoFactorStatus()).toMatchObject({
      failures: LOCKOUT_FREE_FAILURES,
      retryAfterMs: 1000,
    })
    expect((await restarted.lockoutStatus()).failures).toBe(0)
    await restarted.backupPhrase(PASSWORD, { code: nextCode(secret) })
    expect(await restarted.twoFactorStatus()).toMatchObject({ failures: 0 })
  })

  it('counts exactly across processes that try wrong codes at the same moment', async () => {
    const { keystore } = await enrolled()
    for (let i = 0; i < 3; i++) await outcomeOf(keystore.backupPhrase(PASSWORD, { code: '123456' }))
    // Five processes, so that the password's own count (an attempt counts before its
    // password is tried) lets them all through: the codes' count must take them in turn.
    const children = Array.from({ length: 5 }, () =>
      startAttempt(dir.path, PASSWORD, clock, '123456'),
    )
    try {
      const names = await attemptTogether(children)
      expect(names.filter((n) => n === 'TwoFactorCodeWrongError')).toHaveLength(2)
      expect(names.filter((n) => n === 'TwoFactorLockedError')).toHaveLength(3)
    } finally {
      for (const child of children) child.kill()
    }
    expect(await new Keystore(dir.path, { now }).twoFactorStatus()).toMatchObject({
      failures: 5,
      retryAfterMs: 1000,
    })
  }, 60_000)

  it('fails closed when the record of wrong codes is deleted', async () => {
    const { keystore, secret } = await enrolled()
    const db = new DatabaseSync(join(dir.path, LOCKOUT_FILE))
    db.exec('DROP TABLE second_factor')
    db.close()
    const locked = await keystore
      .backupPhrase(PASSWORD, { code: nextCode(secret) })
      .catch((err) => err)
    expect(locked.name).toBe('TwoFactorLockedError')
    expect(locked.retryAfterMs).toBe(LOCKOUT_MAX_DELAY_MS)
    // Deleting the whole file locks the password as well.
    await rm(join(dir.path, LOCKOUT_FILE))
    expect(await outcomeOf(keystore.backupPhrase(PASSWORD, { code: nextCode(secret) }))).toBe(
      'KeystoreLockedError',
    )
  })

  it('cannot be turned off, nor a recovery code added, by editing the file', async () => {
    const { keystore } = await enrolled()
    const original = await readFile(keystore.path)
    const file = parseSealedKeyFile(original, keystore.path)
    const { twoFactor, ...rest } = file
    const off = { ...rest, version: 2 as const, ciphertext: file.ciphertext.slice(0, 96) }
    await writeFile(keystore.path, serializeSealedKeyFile(off))
    expect(await outcomeOf(keystore.unlock(PASSWORD))).toBe('WrongPasswordError')
    const recoveryCodes = [...twoFactor!.recoveryCodes.slice(1), 'ab'.repeat(16)]
    const added = { ...file, twoFactor: { ...twoFactor!, recoveryCodes } }
    await writeFile(keystore.path, serializeSealedKeyFile(added))
    expect(await outcomeOf(keystore.unlock(PASSWORD))).toBe('WrongPasswordError')
    await writeFile(keystore.path, original)
    await keystore.unlock(PASSWORD)
  })

  it('keeps the checks through a password change, which needs a code', async () => {
    const { keystore, secret } = await enrolled()
    expect(await outcomeOf(keystore.changePassword(PASSWORD, NEW_PASSWORD))).toBe(
      'TwoFactorRequiredError',
    )
    await keystore.changePassword(PASSWORD, NEW_PASSWORD, { code: nextCode(secret) })
    expect(await outcomeOf(keystore.backupPhrase(NEW_PASSWORD))).toBe('TwoFactorRequiredError')
    await keystore.backupPhrase(NEW_PASSWORD, { code: nextCode(secret) })
    expect(await keystore.twoFactorStatus()).toMatchObject({ enabled: true })
  })

  it('keeps the authenticator and the recovery codes through a key rotation', async () => {
    const { keystore, secret, recoveryCodes } = await enrolled()
    expect(await outcomeOf(keystore.rotate(PASSWORD))).toBe('TwoFactorRequiredError')
    const rotated = await keystore.rotate(PASSWORD, { code: nextCode(secret) })
    expect(await keystore.backupPhrase(PASSWORD, { code: recoveryCodes[0] })).toBe(
      rotated.backupPhrase,
    )
    await keystore.backupPhrase(PASSWORD, { code: nextCode(secret) })
    expect(await keystore.twoFactorStatus()).toMatchObject({
      recoveryCodesLeft: RECOVERY_CODE_COUNT - 1,
    })
  })

  it('turns off with a code, and is then asked for none', async () => {
    const { keystore, secret } = await enrolled()
    expect(await outcomeOf(keystore.twoFactorSetup())).toBe('TwoFactorAlreadyEnabledError')
    expect(await outcomeOf(keystore.disableTwoFactor(PASSWORD, {}))).toBe('TwoFactorRequiredError')
    await keystore.disableTwoFactor(PASSWORD, { code: nextCode(secret) })
    expect(await keystore.twoFactorStatus()).toEqual({ enabled: false })
    expect(parseSealedKeyFile(await readFile(keystore.path), keystore.path).version).toBe(2)
    await keystore.backupPhrase(PASSWORD)
    expect(await outcomeOf(keystore.disableTwoFactor(PASSWORD, {}))).toBe(
      'TwoFactorNotEnabledError',
    )
  })
})
