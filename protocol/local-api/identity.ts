/**
 * The identity's secrets (export, backup phrase, password, two-factor checks, the recovery phrase)
 * and moving the account to a new key.
 */
import { z } from 'zod'
import { IdentityInfo } from './common.ts'
import { IDENTITY_API_PATHS } from './paths.ts'
import { apiRoute, named, nonEmpty } from './route.ts'

/** Whether the account committed to a recovery phrase (doc/accounts.md), and recoveries made. */
export const RecoveryStatusResponse = named(
  'RecoveryStatusResponse',
  z.object({
    committed: z.boolean(),
    recoveries: z.number(),
  }),
)
export type RecoveryStatusResponse = z.infer<typeof RecoveryStatusResponse>

/** While two-factor checks are on: the authenticator's 6-digit code of now, or a recovery code. */
export const SecondFactorField = named(
  'SecondFactorField',
  z.object({
    code: z.string().optional(),
  }),
)
export type SecondFactorField = z.infer<typeof SecondFactorField>

export const RecoveryPhraseSetupRequest = named(
  'RecoveryPhraseSetupRequest',
  SecondFactorField.extend({
    password: nonEmpty(),
  }),
)
export type RecoveryPhraseSetupRequest = z.infer<typeof RecoveryPhraseSetupRequest>

/** 24 words to show once; the user types them back to commit (CommitRecoveryPhraseRequest). */
export const RecoveryPhraseSetupResponse = named(
  'RecoveryPhraseSetupResponse',
  z.object({
    recoveryPhrase: z.string(),
  }),
)
export type RecoveryPhraseSetupResponse = z.infer<typeof RecoveryPhraseSetupResponse>

export const CommitRecoveryPhraseRequest = named(
  'CommitRecoveryPhraseRequest',
  SecondFactorField.extend({
    password: nonEmpty(),
    phrase: nonEmpty(),
  }),
)
export type CommitRecoveryPhraseRequest = z.infer<typeof CommitRecoveryPhraseRequest>

export const RecoverKeyRequest = named(
  'RecoverKeyRequest',
  SecondFactorField.extend({
    password: nonEmpty(),
    /** The recovery phrase (a new account's phrase from init, or the one set up later). */
    phrase: nonEmpty(),
  }),
)
export type RecoverKeyRequest = z.infer<typeof RecoverKeyRequest>

export const RotateKeyRequest = named(
  'RotateKeyRequest',
  SecondFactorField.extend({
    password: nonEmpty(),
  }),
)
export type RotateKeyRequest = z.infer<typeof RotateKeyRequest>

/** The identity under its new key (a new PeerId), and how far the news went. */
export const RotateKeyResponse = named(
  'RotateKeyResponse',
  IdentityInfo.extend({
    previousPeerId: z.string(),
    /** 24 words that restore the new key: the old phrase now restores only the retired key. */
    backupPhrase: z.string(),
    /** Friends whose node has the rotation, or whose mailbox holds it. */
    reached: z.number(),
    /** Peer ids of friends it could not be handed to in time. */
    waiting: z.array(z.string()),
  }),
)
export type RotateKeyResponse = z.infer<typeof RotateKeyResponse>

export const ExportKeyRequest = named(
  'ExportKeyRequest',
  SecondFactorField.extend({
    /** The identity's password. */
    password: nonEmpty(),
    /** Seal the copy with another password instead. @default the identity's password */
    exportPassword: z.string().optional(),
  }),
)
export type ExportKeyRequest = z.infer<typeof ExportKeyRequest>

/** A sealed key file, as `tokenim key export` writes it; `tokenim key import` reads it back. */
export const ExportKeyResponse = named(
  'ExportKeyResponse',
  z.object({
    /** A name to save it under. */
    fileName: z.string(),
    /** The file's text (JSON). */
    keyFile: z.string(),
  }),
)
export type ExportKeyResponse = z.infer<typeof ExportKeyResponse>

export const BackupPhraseRequest = named(
  'BackupPhraseRequest',
  SecondFactorField.extend({
    password: nonEmpty(),
  }),
)
export type BackupPhraseRequest = z.infer<typeof BackupPhraseRequest>

export const BackupPhraseResponse = named(
  'BackupPhraseResponse',
  z.object({
    /** The 24 words: the same phrase shown when the identity was created (it encodes the seed). */
    backupPhrase: z.string(),
  }),
)
export type BackupPhraseResponse = z.infer<typeof BackupPhraseResponse>

/**
 * Seals the identity under a new password; the key stays the same, and so does everything
 * sealed with it. WeakPasswordError when the new one is too easy to guess.
 */
export const ChangePasswordRequest = named(
  'ChangePasswordRequest',
  SecondFactorField.extend({
    /** The current password (counts towards its lockout). */
    password: nonEmpty(),
    newPassword: nonEmpty(),
  }),
)
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>

export const ChangePasswordResponse = named(
  'ChangePasswordResponse',
  z.object({
    changed: z.literal(true),
  }),
)
export type ChangePasswordResponse = z.infer<typeof ChangePasswordResponse>

/**
 * Two-factor checks (TOTP, RFC 6238: SHA-1, 6 digits, 30 s). Wrong codes have a lockout of
 * their own (TwoFactorLockedError, 429 with `retryAfterMs`), with the waits of passwords.
 */
export const TwoFactorStatusResponse = named(
  'TwoFactorStatusResponse',
  z.union([
    z.object({ enabled: z.literal(false) }),
    z.object({
      enabled: z.literal(true),
      recoveryCodesLeft: z.number(),
      failures: z.number(),
      retryAfterMs: z.number(),
    }),
  ]),
)
export type TwoFactorStatusResponse = z.infer<typeof TwoFactorStatusResponse>

export const TwoFactorSetupResponse = named(
  'TwoFactorSetupResponse',
  z.object({
    /** The TOTP secret, base32, to type into an authenticator app by hand. */
    secret: z.string(),
    /** `otpauth://totp/TokenIM:...`, for a QR code. */
    uri: z.string(),
  }),
)
export type TwoFactorSetupResponse = z.infer<typeof TwoFactorSetupResponse>

export const EnableTwoFactorRequest = named(
  'EnableTwoFactorRequest',
  z.object({
    password: nonEmpty(),
    /** The secret of TwoFactorSetupResponse. */
    secret: nonEmpty(),
    /** A code the authenticator app made from it: proves the app has it. */
    code: nonEmpty(),
  }),
)
export type EnableTwoFactorRequest = z.infer<typeof EnableTwoFactorRequest>

export const EnableTwoFactorResponse = named(
  'EnableTwoFactorResponse',
  z.object({
    /** Ten one-time codes for a lost authenticator: shown once, kept only as hashes. */
    recoveryCodes: z.array(z.string()),
  }),
)
export type EnableTwoFactorResponse = z.infer<typeof EnableTwoFactorResponse>

export const DisableTwoFactorRequest = named(
  'DisableTwoFactorRequest',
  z.object({
    password: nonEmpty(),
    code: nonEmpty(),
  }),
)
export type DisableTwoFactorRequest = z.infer<typeof DisableTwoFactorRequest>

/**
 * The identity's secrets and its key: each a sensitive action (the password, and a code while
 * two-factor checks are on), served in every state (KeystoreMissingError, invalid, while no
 * identity exists).
 */
export const IDENTITY_ROUTES = {
  exportKey: apiRoute({
    method: 'POST',
    path: IDENTITY_API_PATHS.exportKey,
    summary: 'A sealed copy of the identity key, as a key file',
    body: ExportKeyRequest,
    response: ExportKeyResponse,
    errors: ['locked', 'conflict'],
    served: 'always',
  }),
  backupPhrase: apiRoute({
    method: 'POST',
    path: IDENTITY_API_PATHS.backupPhrase,
    summary: "The identity's 24-word backup phrase",
    body: BackupPhraseRequest,
    response: BackupPhraseResponse,
    errors: ['locked', 'conflict'],
    served: 'always',
  }),
  changePassword: apiRoute({
    method: 'POST',
    path: IDENTITY_API_PATHS.password,
    summary: 'Seals the identity under a new password',
    body: ChangePasswordRequest,
    response: ChangePasswordResponse,
    errors: ['locked', 'conflict'],
    served: 'always',
  }),
  twoFactor: apiRoute({
    method: 'GET',
    path: IDENTITY_API_PATHS.twoFactor,
    summary: 'Whether two-factor checks are on',
    response: TwoFactorStatusResponse,
    errors: ['invalid', 'conflict'],
    served: 'always',
  }),
  twoFactorSetup: apiRoute({
    method: 'POST',
    path: IDENTITY_API_PATHS.twoFactorSetup,
    summary: 'A new TOTP secret; nothing is stored yet',
    response: TwoFactorSetupResponse,
    errors: ['invalid', 'locked', 'conflict'],
    served: 'always',
  }),
  twoFactorEnable: apiRoute({
    method: 'POST',
    path: IDENTITY_API_PATHS.twoFactorEnable,
    summary: 'Turns two-factor checks on with a code from the secret',
    body: EnableTwoFactorRequest,
    response: EnableTwoFactorResponse,
    errors: ['locked', 'conflict'],
    served: 'always',
  }),
  twoFactorDisable: apiRoute({
    method: 'POST',
    path: IDENTITY_API_PATHS.twoFactorDisable,
    summary: 'Turns two-factor checks off',
    body: DisableTwoFactorRequest,
    response: TwoFactorStatusResponse,
    errors: ['locked', 'conflict'],
    served: 'always',
  }),
  recovery: apiRoute({
    method: 'GET',
    path: IDENTITY_API_PATHS.recovery,
    summary: 'Whether the account committed to a recovery phrase',
    response: RecoveryStatusResponse,
    errors: ['invalid', 'conflict'],
    served: 'always',
  }),
  recoverySetup: apiRoute({
    method: 'POST',
    path: IDENTITY_API_PATHS.recoverySetup,
    summary: 'A recovery phrase to show once; nothing is stored yet',
    body: RecoveryPhraseSetupRequest,
    response: RecoveryPhraseSetupResponse,
    errors: ['locked', 'conflict'],
    served: 'always',
  }),
  recoveryCommit: apiRoute({
    method: 'POST',
    path: IDENTITY_API_PATHS.recoveryCommit,
    summary: 'Commits to the recovery phrase typed back',
    body: CommitRecoveryPhraseRequest,
    response: RecoveryStatusResponse,
    errors: ['locked', 'conflict'],
    served: 'always',
  }),
  rotate: apiRoute({
    method: 'POST',
    path: IDENTITY_API_PATHS.rotate,
    summary: 'Moves the account to a new key and tells every friend',
    body: RotateKeyRequest,
    response: RotateKeyResponse,
    errors: ['locked', 'conflict'],
    served: 'always',
  }),
  recover: apiRoute({
    method: 'POST',
    path: IDENTITY_API_PATHS.recover,
    summary: 'Moves the account to a new key by its recovery phrase',
    body: RecoverKeyRequest,
    response: RotateKeyResponse,
    errors: ['locked', 'conflict'],
    served: 'always',
  }),
}
