/** Friends, friend requests, blocking and presence (doc/friends.md). */
import { z } from 'zod'
import { FRIENDS_API_PATHS } from './paths.ts'
import { PersonProfile } from './profiles.ts'
import { apiRoute, named, nonBlank } from './route.ts'

/** Another user, as friends and requests name them. */
export const PeerRef = named(
  'PeerRef',
  z.object({
    peerId: z.string(),
    /** Ed25519 public key, hex. */
    publicKey: z.string(),
    /** `name@<relay peer id>`, only once the directory confirmed it names this key. */
    name: z.string().nullable(),
  }),
)
export type PeerRef = z.infer<typeof PeerRef>

/** What a friend's device list says, as friend views show it. */
export const FriendDevicesView = named(
  'FriendDevicesView',
  z.object({
    count: z.number(),
    /** The devices' names, in the list's order. */
    names: z.array(z.string()),
    /** The list's version. */
    version: z.number(),
  }),
)
export type FriendDevicesView = z.infer<typeof FriendDevicesView>

/**
 * How a node reaches a peer now: `direct` over a connection of its own (the same LAN, a
 * public address, or a punched hole), `relay` through a relay's circuit (limited in bytes
 * and time by the relay), `mailbox` with no connection at all (messages wait, encrypted,
 * in the DHT until the peer collects them).
 */
export const PeerReach = named(
  'PeerReach',
  z.object({
    via: z.enum(['direct', 'relay', 'mailbox']),
    /** The relay's peer id, when `via` is `relay`. */
    relay: z.string().optional(),
    /** The address of the connection in use (absent for `mailbox`). */
    address: z.string().optional(),
  }),
)
export type PeerReach = z.infer<typeof PeerReach>

/**
 * One device of a friend's account as presence sees it. The node keeps one presence stream per
 * account and tries the account's other devices only when it has none, so a device that does
 * not open a stream to us itself shows `online: false` while another of its devices is heard.
 */
export const DevicePresenceView = named(
  'DevicePresenceView',
  z.object({
    peerId: z.string(),
    /** The device's name in the account's device list. */
    name: z.string(),
    online: z.boolean(),
    /** When a heartbeat last came from this device (ms since epoch), or null. */
    lastSeen: z.number().nullable(),
  }),
)
export type DevicePresenceView = z.infer<typeof DevicePresenceView>

export const FriendView = named(
  'FriendView',
  PeerRef.extend({
    /** When the friendship started, ms since the Unix epoch. */
    since: z.number(),
    /** False while the friend appears offline, does not run, or was not heard from yet. */
    online: z.boolean(),
    /** When a heartbeat last came from the friend (ms since epoch), or null. */
    lastSeen: z.number().nullable(),
    /** How the node reaches the friend right now. */
    reach: PeerReach,
    /**
     * The friend's devices, from the newest device list the node holds for it ("alice · 2
     * devices"); absent while it holds none (a node from before device lists, or a lookup still
     * under way).
     */
    devices: FriendDevicesView.optional(),
    /** The friend's own profile (display name, avatar), once its node sent one. */
    profile: PersonProfile.optional(),
    /**
     * Each current device of the friend's account, online or not; absent while the node holds
     * no device list for it. `online` is true while any of them is.
     */
    devicePresence: z.array(DevicePresenceView).optional(),
  }),
)
export type FriendView = z.infer<typeof FriendView>

/** `friend:reach`: the way the node reaches a friend changed. */
export const FriendDevicesEvent = named(
  'FriendDevicesEvent',
  z.object({
    peerId: z.string(),
    devices: FriendDevicesView,
  }),
)
export type FriendDevicesEvent = z.infer<typeof FriendDevicesEvent>

export const FriendReachView = named(
  'FriendReachView',
  z.object({
    peerId: z.string(),
    reach: PeerReach,
  }),
)
export type FriendReachView = z.infer<typeof FriendReachView>

export const FriendRequestView = named(
  'FriendRequestView',
  PeerRef.extend({
    direction: z.enum(['in', 'out']),
    /** 16 random bytes, hex: names the request in its answer. */
    requestId: z.string(),
    /** At most MAX_FRIEND_NOTE_LENGTH (200) characters. */
    note: z.string(),
    /** When it was sent (out) or received (in), ms since the Unix epoch. */
    at: z.number(),
  }),
)
export type FriendRequestView = z.infer<typeof FriendRequestView>

export const FriendListResponse = named(
  'FriendListResponse',
  z.object({
    /** Online friends first, then by name or peer id. */
    friends: z.array(FriendView),
  }),
)
export type FriendListResponse = z.infer<typeof FriendListResponse>

export const FriendRequestsResponse = named(
  'FriendRequestsResponse',
  z.object({
    incoming: z.array(FriendRequestView),
    outgoing: z.array(FriendRequestView),
  }),
)
export type FriendRequestsResponse = z.infer<typeof FriendRequestsResponse>

export const AddFriendRequest = named(
  'AddFriendRequest',
  z.object({
    /** A username (`alice` or `alice@<relay peer id>`), a peer id or a hex public key. */
    to: nonBlank(),
    /** At most MAX_FRIEND_NOTE_LENGTH (200) characters. @default '' */
    note: z.string().optional(),
  }),
)
export type AddFriendRequest = z.infer<typeof AddFriendRequest>

/**
 * `requested`: the request is on its way (it waits in the mailbox if the peer is offline).
 * `accepted`: the peer had asked us first, so this accepted its request.
 */
export const AddFriendResponse = named(
  'AddFriendResponse',
  z.union([
    z.object({ status: z.literal('requested'), request: FriendRequestView }),
    z.object({ status: z.literal('accepted'), friend: FriendView }),
  ]),
)
export type AddFriendResponse = z.infer<typeof AddFriendResponse>

export const FriendPeerRequest = named(
  'FriendPeerRequest',
  z.object({
    /** A username, a peer id or a hex public key. */
    peer: nonBlank(),
  }),
)
export type FriendPeerRequest = z.infer<typeof FriendPeerRequest>

/** The friend under its new key, and the key it had. */
export const FriendKeyChangedEvent = named(
  'FriendKeyChangedEvent',
  PeerRef.extend({
    previousPeerId: z.string(),
    previousPublicKey: z.string(),
  }),
)
export type FriendKeyChangedEvent = z.infer<typeof FriendKeyChangedEvent>

export const FriendRemovedEvent = named(
  'FriendRemovedEvent',
  PeerRef.extend({
    by: z.enum(['me', 'peer']),
    /** True when it was only a pending request that ended. */
    pending: z.boolean(),
  }),
)
export type FriendRemovedEvent = z.infer<typeof FriendRemovedEvent>

export const BlockedView = named(
  'BlockedView',
  PeerRef.extend({
    /** ms since the Unix epoch. */
    since: z.number(),
  }),
)
export type BlockedView = z.infer<typeof BlockedView>

export const BlockedListResponse = named(
  'BlockedListResponse',
  z.object({
    blocked: z.array(BlockedView),
  }),
)
export type BlockedListResponse = z.infer<typeof BlockedListResponse>

export const PresenceView = named(
  'PresenceView',
  PeerRef.extend({
    online: z.boolean(),
    lastSeen: z.number().nullable(),
    /** Each current device of the account (see FriendView); told when any of them changes. */
    devicePresence: z.array(DevicePresenceView).optional(),
  }),
)
export type PresenceView = z.infer<typeof PresenceView>

export const PresenceSettings = named(
  'PresenceSettings',
  z.object({
    /** Send no heartbeats: friends see us offline while the node still runs. */
    appearOffline: z.boolean(),
    /** Tell friends when we write to them, and show when they write to us (both or neither). */
    typingIndicators: z.boolean(),
  }),
)
export type PresenceSettings = z.infer<typeof PresenceSettings>

/** The presence settings to change; those left out stay as they are. */
export const PresenceSettingsChange = named('PresenceSettingsChange', PresenceSettings.partial())
export type PresenceSettingsChange = z.infer<typeof PresenceSettingsChange>

export const TypingRequest = named(
  'TypingRequest',
  z.object({
    /** The friend written to: a peer id, a hex key or a username we know. */
    peer: nonBlank(),
    /**
     * True while the user writes (repeat it every few seconds: it lapses TYPING_IDLE_MS after
     * the last), false once the text is sent or cleared.
     */
    typing: z.boolean(),
  }),
)
export type TypingRequest = z.infer<typeof TypingRequest>

/** A friend started or stopped writing to us. */
export const TypingView = named('TypingView', PeerRef.extend({ typing: z.boolean() }))
export type TypingView = z.infer<typeof TypingView>

/** The friends and presence routes. */
export const FRIENDS_ROUTES = {
  list: apiRoute({
    method: 'GET',
    path: FRIENDS_API_PATHS.list,
    summary: 'Friends with their presence and reach, online first',
    response: FriendListResponse,
  }),
  requests: apiRoute({
    method: 'GET',
    path: FRIENDS_API_PATHS.requests,
    summary: 'Pending friend requests, both directions',
    response: FriendRequestsResponse,
  }),
  add: apiRoute({
    method: 'POST',
    path: FRIENDS_API_PATHS.add,
    summary: 'Asks a user to be our friend (accepts at once when they asked us first)',
    body: AddFriendRequest,
    response: AddFriendResponse,
    errors: ['conflict', 'rate-limited'],
  }),
  accept: apiRoute({
    method: 'POST',
    path: FRIENDS_API_PATHS.accept,
    summary: 'Accepts an incoming request',
    body: FriendPeerRequest,
    response: FriendView,
    errors: ['conflict'],
  }),
  reject: apiRoute({
    method: 'POST',
    path: FRIENDS_API_PATHS.reject,
    summary: 'Declines an incoming request',
    body: FriendPeerRequest,
    response: PeerRef,
  }),
  remove: apiRoute({
    method: 'POST',
    path: FRIENDS_API_PATHS.remove,
    summary: 'Ends a friendship, or withdraws our pending request',
    body: FriendPeerRequest,
    response: PeerRef,
  }),
  block: apiRoute({
    method: 'POST',
    path: FRIENDS_API_PATHS.block,
    summary: 'Blocks a user: nothing of theirs reaches us',
    body: FriendPeerRequest,
    response: BlockedView,
    errors: ['conflict'],
  }),
  unblock: apiRoute({
    method: 'POST',
    path: FRIENDS_API_PATHS.unblock,
    summary: 'Unblocks a user',
    body: FriendPeerRequest,
    response: PeerRef,
  }),
  blocked: apiRoute({
    method: 'GET',
    path: FRIENDS_API_PATHS.blocked,
    summary: 'Blocked users',
    response: BlockedListResponse,
  }),
  presence: apiRoute({
    method: 'GET',
    path: FRIENDS_API_PATHS.presence,
    summary: 'Presence settings',
    response: PresenceSettings,
  }),
  setPresence: apiRoute({
    method: 'PUT',
    path: FRIENDS_API_PATHS.presence,
    summary: 'Changes presence settings (appear offline, typing indicators)',
    body: PresenceSettingsChange,
    response: PresenceSettings,
  }),
  typing: apiRoute({
    method: 'POST',
    path: FRIENDS_API_PATHS.typing,
    summary: 'Tells a friend we are (or stopped) writing to them',
    body: TypingRequest,
    response: z.object({}),
    errors: ['not-found'],
  }),
}
