/**
 * The local API routes of the identity's secrets (paths in protocol/local-api.ts): each passes
 * the keystore's check of sensitive actions, the password and, while two-factor checks are
 * on, a code.
 */
import {
  type BackupPhraseResponse,
  type ChangePasswordResponse,
  type EnableTwoFactorResponse,
  type ExportKeyResponse,
  IDENTITY_API_PATHS,
  type RecoveryPhraseSetupResponse,
  type RecoveryStatusResponse,
  type TwoFactorSetupResponse,
  type TwoFactorStatusResponse,
} from '../../protocol/local-api.ts'
import { ApiError, optionalStringField, type Routes, stringField } from '../api/local-api-server.ts'
import {
  KeystoreBusyError,
  KeystoreChangedError,
  KeystoreLockedError,
  TwoFactorAlreadyEnabledError,
  TwoFactorNotEnabledError,
} from '../errors.ts'
import { peerIdOf } from './identity.ts'
import type { Keystore, SecondFactor } from './keystore.ts'

export function identityRoutes(keystore: Keystore): Routes {
  return {
    [`POST ${IDENTITY_API_PATHS.exportKey}`]: async ({ body }): Promise<ExportKeyResponse> => {
      const password = stringField(body, 'password')
      const exportPassword = optionalStringField(body, 'exportPassword')
      const bytes = await answerLockout(() =>
        keystore.exportBytes(password, { exportPassword, ...secondFactorOf(body) }),
      )
      const peerId = peerIdOf({ publicKey: await keystore.publicKey() }).toString()
      return {
        fileName: `tokenim-${peerId.slice(-8)}.key`,
        keyFile: new TextDecoder().decode(bytes),
      }
    },
    [`POST ${IDENTITY_API_PATHS.backupPhrase}`]: async ({
      body,
    }): Promise<BackupPhraseResponse> => ({
      backupPhrase: await answerLockout(() =>
        keystore.backupPhrase(stringField(body, 'password'), secondFactorOf(body)),
      ),
    }),
    [`POST ${IDENTITY_API_PATHS.password}`]: async ({ body }): Promise<ChangePasswordResponse> => {
      const password = stringField(body, 'password')
      const newPassword = stringField(body, 'newPassword')
      await answerLockout(() =>
        keystore.changePassword(password, newPassword, secondFactorOf(body)),
      )
      return { changed: true }
    },
    [`GET ${IDENTITY_API_PATHS.recovery}`]: (): Promise<RecoveryStatusResponse> =>
      keystore.recoveryStatus(),
    [`POST ${IDENTITY_API_PATHS.recoverySetup}`]: ({
      body,
    }): Promise<RecoveryPhraseSetupResponse> =>
      answerLockout(() =>
        keystore.recoveryPhraseSetup(stringField(body, 'password'), secondFactorOf(body)),
      ),
    [`GET ${IDENTITY_API_PATHS.twoFactor}`]: (): Promise<TwoFactorStatusResponse> =>
      keystore.twoFactorStatus(),
    [`POST ${IDENTITY_API_PATHS.twoFactorSetup}`]: (): Promise<TwoFactorSetupResponse> =>
      answerLockout(() => keystore.twoFactorSetup()),
    [`POST ${IDENTITY_API_PATHS.twoFactorEnable}`]: async ({
      body,
    }): Promise<EnableTwoFactorResponse> => {
      const password = stringField(body, 'password')
      const secret = stringField(body, 'secret')
      const code = stringField(body, 'code')
      return answerLockout(() => keystore.enableTwoFactor(password, secret, code))
    },
    [`POST ${IDENTITY_API_PATHS.twoFactorDisable}`]: async ({
      body,
    }): Promise<TwoFactorStatusResponse> => {
      const password = stringField(body, 'password')
      await answerLockout(() => keystore.disableTwoFactor(password, secondFactorOf(body)))
      return keystore.twoFactorStatus()
    },
  }
}

/**
 * Runs a password or code check; while a lockout holds, answers 429 with the wait in
 * `retryAfterMs`, 503 while another process keeps the lockout's record busy, and 409 when
 * the keystore is not in the state the request needs (changed by another process meanwhile,
 * two-factor checks already on or off).
 */
export async function answerLockout<T>(check: () => Promise<T>): Promise<T> {
  try {
    return await check()
  } catch (err) {
    if (err instanceof KeystoreLockedError) {
      throw new ApiError(429, err.name, err.message, { retryAfterMs: err.retryAfterMs })
    }
    if (err instanceof KeystoreBusyError) throw new ApiError(503, err.name, err.message)
    if (
      err instanceof KeystoreChangedError ||
      err instanceof TwoFactorAlreadyEnabledError ||
      err instanceof TwoFactorNotEnabledError
    ) {
      throw new ApiError(409, err.name, err.message)
    }
    throw err
  }
}

export function secondFactorOf(body: unknown): SecondFactor {
  return { code: optionalStringField(body, 'code') }
}
