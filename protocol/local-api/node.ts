/**
 * The node process: its status, its state before an identity runs (none, locked, running), and the
 * routes that create, restore or unlock one.
 */
import type { IdentityInfo } from './common.ts'
import type { FriendView } from './friends.ts'
import type { RelayLinkStatus } from './relays.ts'

export interface NodeStatus extends IdentityInfo {
  listenAddresses: string[]
  connections: number
  peers: string[]
  dataDir: string
  apiUrl: string | null
  startedAt: number
  version: string
  /** The relays the node was told to keep connected to. */
  relays: RelayLinkStatus[]
  /**
   * A DHT peer holds our latest prekey bundle: someone who never met us can start a
   * conversation while we are offline. False until a DHT server is reached.
   */
  prekeysPublished: boolean
  /** Every friend and how the node reaches it now, as `GET /v1/friends` lists them. */
  friends: FriendView[]
}

/**
 * What the node process is doing. A node started with `--web` and no password waits for
 * the web client: with no identity yet (`no-identity`) or with one sealed (`locked`); once
 * an identity is created, restored or unlocked, the node runs behind the same API.
 */
export type NodeState = 'no-identity' | 'locked' | 'running'

/** GET /v1/state: answered in every state. */
export interface StateResponse {
  state: NodeState
  /** `locked` only: wrong passwords in a row since the last success. */
  failures?: number
  /** `locked` only: wait before the next unlock attempt is allowed (0: now). */
  retryAfterMs?: number
  /**
   * `no-identity` only: a phrase was handed out (IdentityPhraseResponse) and not yet typed
   * back into an identity; asking again gives the same words while the node runs.
   */
  phrasePending?: boolean
}

/** The password the identity will be sealed with: checked for strength before any words. */
export interface IdentityPhraseRequest {
  password: string
}

/**
 * The 24 words of a new account, before it exists: the web client shows them, has some typed
 * back, then creates the identity from them (RestoreIdentityRequest). Nothing is written.
 */
export interface IdentityPhraseResponse {
  backupPhrase: string
}

/** The web client's address with the new token (in the fragment). */
export interface RotateApiTokenResponse {
  webUrl: string
}

export interface CreateIdentityRequest {
  password: string
}

/** The backup phrase is in this answer only: the node keeps no copy of it. */
export interface CreateIdentityResponse extends IdentityInfo {
  backupPhrase: string
}

export interface RestoreIdentityRequest {
  /** The 24-word backup phrase. */
  phrase: string
  /** The new password that seals the restored identity. */
  password: string
}

export interface UnlockRequest {
  password: string
}
