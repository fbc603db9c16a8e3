/**
 * The decisions of two-factor checks, apart from the files and locks that keep their state
 * (those are the keystore's): which code a person typed, whether it is valid now and not used
 * before, which recovery code it strikes off, and what an enrolment seals.
 */
import { TwoFactorCodeReusedError, TwoFactorCodeWrongError } from '../errors.ts'
import { atRestSecret, type Identity } from './identity.ts'
import type { LockoutState } from './lockout-record.ts'
import {
  findRecoveryCode,
  generateRecoveryCodes,
  isRecoveryCodeShape,
  recoveryCodeDigest,
} from './recovery-codes.ts'
import type { KeystoreContents } from './sealed-key.ts'
import { totpStepOf } from './totp.ts'
import type { AttemptVerdict } from './unlock-lockout.ts'

/** Two-factor checks as the keystore reports them, without the password. */
export type TwoFactorStatus =
  | { enabled: false }
  | {
      enabled: true
      /** Recovery codes not used yet. */
      recoveryCodesLeft: number
      /** Wrong codes in a row, and the wait before the next one is tried. */
      failures: number
      retryAfterMs: number
    }

/** An enrolment not yet confirmed: nothing is stored until a first code proves the app has it. */
export interface TwoFactorSetup {
  /** The TOTP secret, base32, for typing into an app by hand. */
  secret: string
  /** The `otpauth://totp/...` URI, for a QR code. */
  uri: string
}

export function isRecoveryCode(code: string): boolean {
  return isRecoveryCodeShape(code)
}

/**
 * The verdict on a TOTP code: valid within a step of now, and for a later step than the last
 * one accepted (a code seen over a shoulder or replayed from a log is refused).
 */
export function totpVerdict(
  secret: Uint8Array,
  code: string,
  nowMs: number,
  state: LockoutState,
): AttemptVerdict<void> {
  const step = totpStepOf(secret, code, nowMs)
  if (step == null) return { ok: false, error: new TwoFactorCodeWrongError() }
  if (step <= (state.lastStep ?? 0)) return { ok: false, error: new TwoFactorCodeReusedError() }
  return { ok: true, value: undefined, lastStep: step }
}

/** The contents with `code` struck off its recovery codes; undefined when it is not one of them. */
export function withoutRecoveryCode(
  contents: KeystoreContents,
  code: string,
): KeystoreContents | undefined {
  const twoFactor = contents.twoFactor
  if (twoFactor == null) return undefined
  const index = findRecoveryCode(atRestSecret(contents.identity), twoFactor.recoveryCodes, code)
  if (index === -1) return undefined
  const recoveryCodes = twoFactor.recoveryCodes.filter((_, i) => i !== index)
  return { ...contents, twoFactor: { ...twoFactor, recoveryCodes } }
}

/** What turning checks on seals, and the recovery codes to show once (only their hashes are kept). */
export function enrolment(
  identity: Identity,
  secret: Uint8Array,
): { contents: KeystoreContents; recoveryCodes: string[] } {
  const recoveryCodes = generateRecoveryCodes()
  const digests = recoveryCodes.map((code) => recoveryCodeDigest(atRestSecret(identity), code))
  return { contents: { identity, twoFactor: { secret, recoveryCodes: digests } }, recoveryCodes }
}
