/**
 * The identity's secrets (export, backup phrase, password, two-factor checks, the recovery phrase)
 * and moving the account to a new key.
 */
import type { IdentityInfo } from './common.ts'

/** Whether the account committed to a recovery phrase (doc/accounts.md), and recoveries made. */
export interface RecoveryStatusResponse {
  committed: boolean
  recoveries: number
}

export interface RecoveryPhraseSetupRequest extends SecondFactorField {
  password: string
}

/** 24 words to show once; the user types them back to commit (CommitRecoveryPhraseRequest). */
export interface RecoveryPhraseSetupResponse {
  recoveryPhrase: string
}

export interface CommitRecoveryPhraseRequest extends SecondFactorField {
  password: string
  phrase: string
}

export interface RecoverKeyRequest extends SecondFactorField {
  password: string
  /** The recovery phrase (a new account's phrase from init, or the one set up later). */
  phrase: string
}

export interface RotateKeyRequest extends SecondFactorField {
  password: string
}

/** The identity under its new key (a new PeerId), and how far the news went. */
export interface RotateKeyResponse extends IdentityInfo {
  previousPeerId: string
  /** 24 words that restore the new key: the old phrase now restores only the retired key. */
  backupPhrase: string
  /** Friends whose node has the rotation, or whose mailbox holds it. */
  reached: number
  /** Peer ids of friends it could not be handed to in time. */
  waiting: string[]
}

/** While two-factor checks are on: the authenticator's 6-digit code of now, or a recovery code. */
export interface SecondFactorField {
  code?: string
}

export interface ExportKeyRequest extends SecondFactorField {
  /** The identity's password. */
  password: string
  /** Seal the copy with another password instead. @default the identity's password */
  exportPassword?: string
}

/** A sealed key file, as `tokenim key export` writes it; `tokenim key import` reads it back. */
export interface ExportKeyResponse {
  /** A name to save it under. */
  fileName: string
  /** The file's text (JSON). */
  keyFile: string
}

export interface BackupPhraseRequest extends SecondFactorField {
  password: string
}

export interface BackupPhraseResponse {
  /** The 24 words: the same phrase shown when the identity was created (it encodes the seed). */
  backupPhrase: string
}

/**
 * Seals the identity under a new password; the key stays the same, and so does everything
 * sealed with it. WeakPasswordError when the new one is too easy to guess.
 */
export interface ChangePasswordRequest extends SecondFactorField {
  /** The current password (counts towards its lockout). */
  password: string
  newPassword: string
}

export interface ChangePasswordResponse {
  changed: true
}

/**
 * Two-factor checks (TOTP, RFC 6238: SHA-1, 6 digits, 30 s). Wrong codes have a lockout of
 * their own (TwoFactorLockedError, 429 with `retryAfterMs`), with the waits of passwords.
 */
export type TwoFactorStatusResponse =
  | { enabled: false }
  | { enabled: true; recoveryCodesLeft: number; failures: number; retryAfterMs: number }

export interface TwoFactorSetupResponse {
  /** The TOTP secret, base32, to type into an authenticator app by hand. */
  secret: string
  /** `otpauth://totp/TokenIM:...`, for a QR code. */
  uri: string
}

export interface EnableTwoFactorRequest {
  password: string
  /** The secret of TwoFactorSetupResponse. */
  secret: string
  /** A code the authenticator app made from it: proves the app has it. */
  code: string
}

export interface EnableTwoFactorResponse {
  /** Ten one-time codes for a lost authenticator: shown once, kept only as hashes. */
  recoveryCodes: string[]
}

export interface DisableTwoFactorRequest {
  password: string
  code: string
}
