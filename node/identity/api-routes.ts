/**
 * The local API routes of the identity's secrets (declared in protocol/local-api/identity.ts): each passes
 * the keystore's check of sensitive actions, the password and, while two-factor checks are
 * on, a code.
 */
import { IDENTITY_ROUTES } from '../../protocol/local-api/identity.ts'
import { serve } from '../api/declared-route.ts'
import { ApiError, type Routes } from '../api/local-api-server.ts'
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
  const routes = IDENTITY_ROUTES
  return {
    ...serve(routes.exportKey, async ({ body }) => {
      const bytes = await answerLockout(() =>
        keystore.exportBytes(body.password, {
          exportPassword: body.exportPassword || undefined,
          ...secondFactorOf(body),
        }),
      )
      const peerId = peerIdOf({ publicKey: await keystore.publicKey() }).toString()
      return {
        fileName: `tokenim-${peerId.slice(-8)}.key`,
        keyFile: new TextDecoder().decode(bytes),
      }
    }),
    ...serve(routes.backupPhrase, async ({ body }) => ({
      backupPhrase: await answerLockout(() =>
        keystore.backupPhrase(body.password, secondFactorOf(body)),
      ),
    })),
    ...serve(routes.changePassword, async ({ body }) => {
      await answerLockout(() =>
        keystore.changePassword(body.password, body.newPassword, secondFactorOf(body)),
      )
      return { changed: true as const }
    }),
    ...serve(routes.recovery, () => keystore.recoveryStatus()),
    ...serve(routes.recoverySetup, ({ body }) =>
      answerLockout(() => keystore.recoveryPhraseSetup(body.password, secondFactorOf(body))),
    ),
    ...serve(routes.twoFactor, () => keystore.twoFactorStatus()),
    ...serve(routes.twoFactorSetup, () => answerLockout(() => keystore.twoFactorSetup())),
    ...serve(routes.twoFactorEnable, ({ body }) =>
      answerLockout(() => keystore.enableTwoFactor(body.password, body.secret, body.code)),
    ),
    ...serve(routes.twoFactorDisable, async ({ body }) => {
      await answerLockout(() => keystore.disableTwoFactor(body.password, secondFactorOf(body)))
      return keystore.twoFactorStatus()
    }),
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

/** The two-factor code of a request (an empty one counts as none). */
export function secondFactorOf(body: { code?: string }): SecondFactor {
  return { code: body.code || undefined }
}
