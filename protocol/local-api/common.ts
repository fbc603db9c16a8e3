/**
 * What every answer of the local API shares: where the API is (api.json), the identity it speaks
 * for, and the error body with its kinds.
 */

/** What a running node writes to `api.json` in its data dir (mode 0600); clients read it. */
export interface ApiInfo {
  url: string
  token: string
  pid: number
  peerId: string
}

export interface IdentityInfo {
  peerId: string
  /** Ed25519 public key, hex. */
  publicKey: string
  /** Human-checkable fingerprint of the public key. */
  fingerprint: string
}

/** What went wrong, for a client to act on; each kind has one HTTP status (node/api/error-status.ts). */
export type ApiErrorKind =
  | 'invalid'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'locked'
  | 'rate-limited'
  | 'internal'
  | 'unavailable'

/** Body of every non-2xx answer. `name` is stable; `message` is for people. */
export interface ApiErrorBody {
  error: {
    name: string
    kind: ApiErrorKind
    message: string
    /** KeystoreLockedError (429) only: wait this long before the next attempt. */
    retryAfterMs?: number
  }
}
