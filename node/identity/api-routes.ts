/** The local API routes of the identity's secrets (paths in protocol/local-api.ts). */
import {
  type BackupPhraseResponse,
  type ChangePasswordResponse,
  type ExportKeyResponse,
  IDENTITY_API_PATHS,
} from '../../protocol/local-api.ts'
import { ApiError, type Routes, stringField } from '../api/local-api-server.ts'
import { KeystoreBusyError, KeystoreChangedError, KeystoreLockedError } from '../errors.ts'
import { peerIdOf } from './identity.ts'
import type { Keystore } from './keystore.ts'

export function identityRoutes(keystore: Keystore): Routes {
  return {
    [`POST ${IDENTITY_API_PATHS.exportKey}`]: async ({ body }): Promise<ExportKeyResponse> => {
      const password = stringField(body, 'password')
      const exportPassword = (body as { exportPassword?: unknown }).exportPassword
      if (exportPassword != null && typeof exportPassword !== 'string') {
        throw new ApiError(400, 'InvalidRequest', '"exportPassword" must be a string')
      }
      const bytes = await answerLockout(() =>
        keystore.exportBytes(password, exportPassword || undefined),
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
      backupPhrase: await answerLockout(() => keystore.backupPhrase(stringField(body, 'password'))),
    }),
    [`POST ${IDENTITY_API_PATHS.password}`]: async ({ body }): Promise<ChangePasswordResponse> => {
      const password = stringField(body, 'password')
      const newPassword = stringField(body, 'newPassword')
      await answerLockout(() => keystore.changePassword(password, newPassword))
      return { changed: true }
    },
  }
}

/**
 * Runs a password check; while the lockout holds, answers 429 with the wait in `retryAfterMs`,
 * 503 while another process keeps the lockout's record busy, and 409 when another process
 * changed the keystore under a change.
 */
export async function answerLockout<T>(check: () => Promise<T>): Promise<T> {
  try {
    return await check()
  } catch (err) {
    if (err instanceof KeystoreLockedError) {
      throw new ApiError(429, err.name, err.message, { retryAfterMs: err.retryAfterMs })
    }
    if (err instanceof KeystoreBusyError) throw new ApiError(503, err.name, err.message)
    if (err instanceof KeystoreChangedError) throw new ApiError(409, err.name, err.message)
    throw err
  }
}
