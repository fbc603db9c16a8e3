/**
 * The identity's secrets (export, backup phrase, password, two-factor checks, the recovery phrase)
 * and moving the account to a new key.
 */
import { z } from 'zod'
import { IdentityInfo } from './common.ts'
import { named } from './route.ts'

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
    password: z.string(),
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
    password: z.string(),
    phrase: z.string(),
  }),
)
export type CommitRecoveryPhraseRequest = z.infer<typeof CommitRecoveryPhraseRequest>

export const RecoverKeyRequest = named(
  'RecoverKeyRequest',
  SecondFactorField.extend({
    password: z.string(),
    /** The recovery phrase (a new account's phrase from init, or the one set up later). */
    phrase: z.string(),
  }),
)
export type RecoverKeyRequest = z.infer<typeof RecoverKeyRequest>

export const RotateKeyRequest = named(
  'RotateKeyRequest',
  SecondFactorField.extend({
    password: z.string(),
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
    password: z.string(),
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
    password: z.string(),
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
    password: z.string(),
    newPassword: z.string(),
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
    password: z.string(),
    /** The secret of TwoFactorSetupResponse. */
    secret: z.string(),
    /** A code the authenticator app made from it: proves the app has it. */
    code: z.string(),
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
    password: z.string(),
    code: z.string(),
  }),
)
export type DisableTwoFactorRequest = z.infer<typeof DisableTwoFactorRequest>
