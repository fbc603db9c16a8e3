/**
 * What every answer of the local API shares: where the API is (api.json), the identity it speaks
 * for, and the error body with its kinds.
 */
import { z } from 'zod'
import { named } from './route.ts'

/** What a running node writes to `api.json` in its data dir (mode 0600); clients read it. */
export interface ApiInfo {
  url: string
  token: string
  pid: number
  peerId: string
}

export const IdentityInfo = named(
  'IdentityInfo',
  z.object({
    peerId: z.string(),
    /** Ed25519 public key, hex. */
    publicKey: z.string(),
    /** Human-checkable fingerprint of the public key. */
    fingerprint: z.string(),
  }),
)
export type IdentityInfo = z.infer<typeof IdentityInfo>

/** What went wrong, for a client to act on; each kind has one HTTP status (`ERROR_KIND_STATUS`). */
export const ApiErrorKind = z.enum([
  'invalid',
  'forbidden',
  'not-found',
  'conflict',
  'locked',
  'rate-limited',
  'internal',
  'unavailable',
])
export type ApiErrorKind = z.infer<typeof ApiErrorKind>

/** Body of every non-2xx answer. `name` is stable; `message` is for people. */
export const ApiErrorBody = named(
  'ApiErrorBody',
  z.object({
    error: z.object({
      name: z.string(),
      kind: ApiErrorKind,
      message: z.string(),
      /** KeystoreLockedError (429) only: wait this long before the next attempt. */
      retryAfterMs: z.number().optional(),
      /** VerificationRequiredError (403) only: the sign-up verifications the relay accepts. */
      methods: z.array(z.string()).optional(),
    }),
  }),
)
export type ApiErrorBody = z.infer<typeof ApiErrorBody>
