/** Friends, friend requests, blocking and presence (doc/friends.md). */

/** Another user, as friends and requests name them. */
export interface PeerRef {
  peerId: string
  /** Ed25519 public key, hex. */
  publicKey: string
  /** `name@<relay peer id>`, only once the directory confirmed it names this key. */
  name: string | null
}

export interface FriendView extends PeerRef {
  /** When the friendship started, ms since the Unix epoch. */
  since: number
  /** False while the friend appears offline, does not run, or was not heard from yet. */
  online: boolean
  /** When a heartbeat last came from the friend (ms since epoch), or null. */
  lastSeen: number | null
  /** How the node reaches the friend right now. */
  reach: PeerReach
  /**
   * The friend's devices, from the newest device list the node holds for it ("alice · 2
   * devices"); absent while it holds none (a node from before device lists, or a lookup still
   * under way).
   */
  devices?: FriendDevicesView
}

/** What a friend's device list says, as friend views show it. */
export interface FriendDevicesView {
  count: number
  /** The devices' names, in the list's order. */
  names: string[]
  /** The list's version. */
  version: number
}

/**
 * How a node reaches a peer now: `direct` over a connection of its own (the same LAN, a
 * public address, or a punched hole), `relay` through a relay's circuit (limited in bytes
 * and time by the relay), `mailbox` with no connection at all (messages wait, encrypted,
 * in the DHT until the peer collects them).
 */
export interface PeerReach {
  via: 'direct' | 'relay' | 'mailbox'
  /** The relay's peer id, when `via` is `relay`. */
  relay?: string
  /** The address of the connection in use (absent for `mailbox`). */
  address?: string
}

/** `friend:reach`: the way the node reaches a friend changed. */
export interface FriendDevicesEvent {
  peerId: string
  devices: FriendDevicesView
}

export interface FriendReachView {
  peerId: string
  reach: PeerReach
}

export interface FriendRequestView extends PeerRef {
  direction: 'in' | 'out'
  /** 16 random bytes, hex: names the request in its answer. */
  requestId: string
  /** At most MAX_FRIEND_NOTE_LENGTH (200) characters. */
  note: string
  /** When it was sent (out) or received (in), ms since the Unix epoch. */
  at: number
}

export interface FriendListResponse {
  /** Online friends first, then by name or peer id. */
  friends: FriendView[]
}

export interface FriendRequestsResponse {
  incoming: FriendRequestView[]
  outgoing: FriendRequestView[]
}

export interface AddFriendRequest {
  /** A username (`alice` or `alice@<relay peer id>`), a peer id or a hex public key. */
  to: string
  /** At most MAX_FRIEND_NOTE_LENGTH (200) characters. @default '' */
  note?: string
}

/**
 * `requested`: the request is on its way (it waits in the mailbox if the peer is offline).
 * `accepted`: the peer had asked us first, so this accepted its request.
 */
export type AddFriendResponse =
  | { status: 'requested'; request: FriendRequestView }
  | { status: 'accepted'; friend: FriendView }

export interface FriendPeerRequest {
  /** A username, a peer id or a hex public key. */
  peer: string
}

/** The friend under its new key, and the key it had. */
export interface FriendKeyChangedEvent extends PeerRef {
  previousPeerId: string
  previousPublicKey: string
}

export interface FriendRemovedEvent extends PeerRef {
  by: 'me' | 'peer'
  /** True when it was only a pending request that ended. */
  pending: boolean
}

export interface BlockedView extends PeerRef {
  /** ms since the Unix epoch. */
  since: number
}

export interface BlockedListResponse {
  blocked: BlockedView[]
}

export interface PresenceView extends PeerRef {
  online: boolean
  lastSeen: number | null
}

export interface PresenceSettings {
  /** Send no heartbeats: friends see us offline while the node still runs. */
  appearOffline: boolean
}
