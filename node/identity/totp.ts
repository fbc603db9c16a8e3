/**
 * Time-based one-time codes (TOTP, RFC 6238) as authenticator apps show them: HMAC-SHA1 over
 * the number of 30-second steps since the epoch, 6 digits, a 160-bit secret (RFC 4226's
 * recommended length). The arithmetic is the `otpauth` library's; this module fixes the
 * parameters, says which time step a code belongs to (so a used step can be refused), and
 * writes the `otpauth://` URI an app scans.
 */
import { Secret, TOTP } from 'otpauth'
import { randomBytes } from '../../protocol/crypto/index.ts'
import { InvalidTwoFactorSecretError } from '../errors.ts'

export const TOTP_ALGORITHM = 'SHA1'
export const TOTP_DIGITS = 6
export const TOTP_PERIOD_SECONDS = 30
export const TOTP_SECRET_BYTES = 20
/** Steps accepted on either side of now, for a clock that is a little off (RFC 6238, 5.2). */
export const TOTP_WINDOW_STEPS = 1
const ISSUER = 'TokenIM'

export interface TotpParams {
  algorithm: string
  digits: number
  period: number
}

export const TOTP_PARAMS: Readonly<TotpParams> = Object.freeze({
  algorithm: TOTP_ALGORITHM,
  digits: TOTP_DIGITS,
  period: TOTP_PERIOD_SECONDS,
})

export function generateTotpSecret(): Uint8Array {
  return randomBytes(TOTP_SECRET_BYTES)
}

/** The secret as authenticator apps type it: base32, no padding. */
export function totpSecretText(secret: Uint8Array): string {
  return toSecret(secret).base32
}

/** Reads a secret typed or sent back as base32 (any case, spaces allowed). */
export function totpSecretFromText(text: string): Uint8Array {
  let bytes: Uint8Array
  try {
    bytes = Secret.fromBase32(text.toUpperCase()).bytes
  } catch {
    throw new InvalidTwoFactorSecretError('The two-factor secret is not base32 text.')
  }
  if (bytes.length !== TOTP_SECRET_BYTES) {
    throw new InvalidTwoFactorSecretError(
      `The two-factor secret has ${bytes.length} bytes; it must have ${TOTP_SECRET_BYTES}. Start the enrolment again.`,
    )
  }
  return bytes
}

/** The URI an authenticator app reads from a QR code: `otpauth://totp/TokenIM:<account>?...`. */
export function totpUri(secret: Uint8Array, account: string): string {
  return new TOTP({
    issuer: ISSUER,
    label: account,
    secret: toSecret(secret),
    ...TOTP_PARAMS,
  }).toString()
}

/** The code for `timeMs`; tests and the RFC's vectors choose other parameters. */
export function totpCode(
  secret: Uint8Array,
  timeMs: number,
  params: TotpParams = TOTP_PARAMS,
): string {
  return TOTP.generate({ secret: toSecret(secret), timestamp: timeMs, ...params })
}

/** The time step `code` belongs to, within TOTP_WINDOW_STEPS of `nowMs`; undefined if none. */
export function totpStepOf(secret: Uint8Array, code: string, nowMs: number): number | undefined {
  const token = normalizeTotpCode(code)
  if (token == null) return undefined
  const delta = TOTP.validate({
    token,
    secret: toSecret(secret),
    timestamp: nowMs,
    window: TOTP_WINDOW_STEPS,
    ...TOTP_PARAMS,
  })
  if (delta == null) return undefined
  return TOTP.counter({ period: TOTP_PERIOD_SECONDS, timestamp: nowMs }) + delta
}

/** The 6 digits of a code as people type it ("123 456", "123-456"); undefined if it is not one. */
export function normalizeTotpCode(code: string): string | undefined {
  const digits = code.replace(/[\s-]/g, '')
  return new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(digits) ? digits : undefined
}

function toSecret(bytes: Uint8Array): Secret {
  return new Secret({ buffer: Uint8Array.from(bytes).buffer })
}
