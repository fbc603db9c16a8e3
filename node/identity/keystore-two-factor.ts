/**
 * The keystore's two-factor checks: turning them on and off, and the code every sensitive
 * action must bring while they are on. The decisions are `two-factor.ts`'s; this module keeps
 * their state, in the sealed keystore (secret, recovery codes) and in the lockout record
 * (wrong codes in a row, the last step used), so a code is checked, counted and struck off
 * inside one transaction of that record and two processes cannot both use it.
 */
import {
  TwoFactorAlreadyEnabledError,
  TwoFactorCodeWrongError,
  TwoFactorLockedError,
  TwoFactorNotEnabledError,
  TwoFactorRequiredError,
} from '../errors.ts'
import { peerIdOf } from './identity.ts'
import type { SecondFactor } from './keystore.ts'
import { type LockoutRecord, SECOND_FACTOR_ATTEMPTS } from './lockout-record.ts'
import type { KeystoreContents, SealedKeyFile } from './sealed-key.ts'
import { generateTotpSecret, totpSecretText, totpStepOf, totpUri } from './totp.ts'
import {
  enrolment,
  isRecoveryCode,
  type TwoFactorSetup,
  type TwoFactorStatus,
  totpVerdict,
  withoutRecoveryCode,
} from './two-factor.ts'
import { UnlockLockout } from './unlock-lockout.ts'

/** A keystore unlocked for one operation: what it holds, and the bytes it was read from. */
export interface Unlocked {
  contents: KeystoreContents
  file: Uint8Array
}

/** What the two-factor checks use of the keystore they guard. */
export interface KeystoreAccess {
  /** The file's header, checked; readable without the password. */
  header(): Promise<SealedKeyFile>
  /** The password alone, with its lockout. */
  unlock(password: string): Promise<Unlocked>
  /** The password, then the code (`KeystoreTwoFactor.check`). */
  authorize(password: string, secondFactor: SecondFactor): Promise<Unlocked>
  /** Writes `next` if the keystore still holds `expected`, in a transaction of the record. */
  replaceUnchanged(expected: Uint8Array, next: Uint8Array): Promise<void>
  /** The same, for a caller already inside a transaction. */
  writeUnchanged(expected: Uint8Array, next: Uint8Array): Promise<void>
  seal(contents: KeystoreContents, password: string): Promise<Uint8Array>
  now(): number
}

export class KeystoreTwoFactor {
  readonly #keystore: KeystoreAccess
  readonly #attempts: UnlockLockout

  constructor(keystore: KeystoreAccess, record: LockoutRecord) {
    this.#keystore = keystore
    this.#attempts = new UnlockLockout({
      record: record.withTable(SECOND_FACTOR_ATTEMPTS),
      now: () => keystore.now(),
      lockedError: (retryAfterMs) => new TwoFactorLockedError(retryAfterMs),
    })
  }

  async status(): Promise<TwoFactorStatus> {
    const header = await this.#keystore.header()
    if (header.twoFactor == null) return { enabled: false }
    const { failures, retryAfterMs } = await this.#attempts.status(true)
    const recoveryCodesLeft = header.twoFactor.recoveryCodes.length
    return { enabled: true, recoveryCodesLeft, failures, retryAfterMs }
  }

  async setup(): Promise<TwoFactorSetup> {
    const header = await this.#keystore.header()
    if (header.twoFactor != null) throw new TwoFactorAlreadyEnabledError()
    const peerId = peerIdOf({ publicKey: Buffer.from(header.publicKey, 'hex') }).toString()
    const secret = generateTotpSecret()
    // The app lists it as "TokenIM: <the peer id's last 8 characters>", as export files are named.
    return { secret: totpSecretText(secret), uri: totpUri(secret, peerId.slice(-8)) }
  }

  async enable(
    password: string,
    totpSecret: Uint8Array,
    code: string,
  ): Promise<{ recoveryCodes: string[] }> {
    if ((await this.#keystore.header()).twoFactor != null) throw new TwoFactorAlreadyEnabledError()
    const { contents, file } = await this.#keystore.unlock(password)
    const step = totpStepOf(totpSecret, code, this.#keystore.now())
    if (step == null) throw new TwoFactorCodeWrongError()
    const enrolled = enrolment(contents.identity, totpSecret)
    const next = await this.#keystore.seal(enrolled.contents, password)
    // The record of wrong codes first (a version-3 keystore without one reads as locked),
    // with the confirming code's step, which may then not be used again.
    await this.#attempts.reset(step)
    await this.#keystore.replaceUnchanged(file, next)
    return { recoveryCodes: enrolled.recoveryCodes }
  }

  async disable(password: string, secondFactor: SecondFactor): Promise<void> {
    if ((await this.#keystore.header()).twoFactor == null) throw new TwoFactorNotEnabledError()
    const { contents, file } = await this.#keystore.authorize(password, secondFactor)
    const next = await this.#keystore.seal({ identity: contents.identity }, password)
    await this.#keystore.replaceUnchanged(file, next)
  }

  /** Throws TwoFactorRequiredError before the password is tried, if checks are on and no code came. */
  async requireCode({ code }: SecondFactor): Promise<void> {
    const wanted = (await this.#keystore.header()).twoFactor != null
    if (wanted && !code?.trim()) throw new TwoFactorRequiredError()
  }

  /** The code of a sensitive action, once the password has unlocked the keystore. */
  async check(unlocked: Unlocked, password: string, { code }: SecondFactor): Promise<Unlocked> {
    const twoFactor = unlocked.contents.twoFactor
    if (twoFactor == null) return unlocked
    // Turned on by another process since the header was read.
    if (code == null || code.trim() === '') throw new TwoFactorRequiredError()
    if (isRecoveryCode(code)) return this.#useRecoveryCode(unlocked, password, code)
    await this.#attempts.attempt(true, (state) =>
      totpVerdict(twoFactor.secret, code, this.#keystore.now(), state),
    )
    return unlocked
  }

  /**
   * Strikes a recovery code off: checked, counted and written inside one transaction of the
   * lockout record, so two processes cannot both use the same code.
   */
  async #useRecoveryCode(unlocked: Unlocked, password: string, code: string): Promise<Unlocked> {
    return this.#attempts.attempt(true, async () => {
      const contents = withoutRecoveryCode(unlocked.contents, code)
      if (contents == null) return { ok: false, error: new TwoFactorCodeWrongError() }
      const file = await this.#keystore.seal(contents, password)
      await this.#keystore.writeUnchanged(unlocked.file, file)
      return { ok: true, value: { contents, file } }
    })
  }
}
