/**
 * The contract of a node's local control API, shared by the node that serves it and every
 * client (CLI, terminal chat, web client). Types and constants only.
 * Over 500 lines on purpose: the whole contract stays in this one file, so a client's
 * author reads one place, and it holds no logic to split.
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

/** One configured relay, as the node's bootstrap sees it. */
export interface RelayLinkStatus {
  /** The relay's multiaddr, ending in /p2p/<peer id>. */
  address: string
  peerId: string
  connected: boolean
  /** When the current connection opened (ms since epoch), or null. */
  connectedAt: number | null
  /** Dials failed since the last successful connection. */
  failedDials: number
  /** When the next redial is due (ms since epoch), or null when none is scheduled. */
  nextDialAt: number | null
  /** The node's address through this relay's circuit, or null while it has none. */
  circuitAddress: string | null
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

/**
 * Where an outgoing 1:1 message is, in this order: `queued` (kept by the sender's node),
 * `stored` (left in the offline mailbox, on `replicas.confirmed` of `replicas.total` peers),
 * `delivered` (the recipient's node has stored it), `read` (the recipient marked it read).
 * `failed` only when it can never be delivered; `failure` says why.
 */
export type DeliveryState = 'queued' | 'stored' | 'delivered' | 'read' | 'failed'

/**
 * Why an outgoing message is still `queued`, as the node knows it now: `prekeys` (no session
 * with the recipient yet: their prekey bundle, which they publish once online, is being looked
 * for), `awaiting-ack` (sent over a connection, the recipient's node has not confirmed yet),
 * `depositing` (being put in the offline mailbox), `unreachable` (neither the recipient nor
 * the mailbox could be reached: it goes to the mailbox as soon as a relay or DHT server answers).
 */
export type QueuedReasonCode = 'prekeys' | 'awaiting-ack' | 'depositing' | 'unreachable'

export interface QueuedReason {
  code: QueuedReasonCode
  /** The same, for people. */
  message: string
}

export interface MailboxReplicas {
  confirmed: number
  total: number
}

/** One 1:1 text, either way. */
export interface MessageView {
  /** 16 random bytes, hex. */
  id: string
  /** The other party. */
  peerId: string
  direction: 'in' | 'out'
  /** Position in its sender's conversation with the recipient, from 1. */
  seq: number
  text: string
  /** The sender's clock, ms since the Unix epoch. */
  sentAt: number
  /** This node's clock when it stored the message (incoming) or queued it (outgoing). */
  storedAt: number
  /** Outgoing messages only. */
  state?: DeliveryState
  replicas?: MailboxReplicas
  failure?: string
  /** Outgoing `queued` messages in a history page: why they wait. */
  queuedReason?: QueuedReason
  /** How the sender styled the text; absent: the default look. */
  style?: MessageStyle
  /** A file or image sent with the text (the text is then a caption, possibly empty). */
  attachment?: AttachmentView
  /**
   * Set on the line a node adds when the peer changed its key (a key rotation its node took):
   * no text of the peer's, but a notice in the conversation, `text` saying it in words.
   */
  keyChange?: KeyChangeView
  /**
   * An outgoing text our account sent from another of its devices (that device's peer id);
   * its delivery state is known on that device only.
   */
  sentFrom?: string
  /** The message this one answers (doc/message-actions.md); history pages fill in the rest. */
  replyTo?: QuoteView
  /** Set once its author edited it: when, on the author's clock. */
  editedAt?: number
  /** Its author recalled it: `text` is empty and no style or file is left. */
  recalled?: boolean
  /** One emoji per person who reacted. */
  reactions?: ReactionView[]
}

/** The message a reply answers, as shown above it. */
export interface QuoteView {
  id: string
  /** The rest is absent when the message is not on this node (deleted, or never here). */
  direction?: 'in' | 'out'
  /** Rooms: the author's peer id. */
  from?: string
  /** At most MAX_QUOTE_PREVIEW_LENGTH characters. */
  text?: string
  recalled?: boolean
  /** The file's name when the message carries one. */
  attachmentName?: string
}

export interface ReactionView {
  emoji: string
  /** Our own reaction. */
  mine: boolean
  /** Rooms: who reacted (peer id). */
  from?: string
}

/** The peer's account moved to a new key; the conversation goes on under it. */
export interface KeyChangeView {
  /** The peer id of the key it replaced. */
  previousPeerId: string
  /** The new key's fingerprint (safety number), to compare with the peer's. */
  fingerprint: string
}

/** Style attributes of a text, carried end to end for clients to render. */
export interface MessageStyle {
  bold?: boolean
  italic?: boolean
  /** `#rrggbb`. */
  color?: string
  /** Font size in points, 6..72. */
  size?: number
}

/**
 * Where an attachment's transfer stands: `pending` (waiting until both ends are online),
 * `transferring`, `complete` (received and its hash checked; for the sender: the recipient
 * has it), `failed` (`failure` says why).
 */
export type AttachmentState = 'pending' | 'transferring' | 'complete' | 'failed'

/** A file sent with a 1:1 message. Its bytes: `GET /v1/files?sha256=` once complete. */
export interface AttachmentView {
  /** 16 random bytes, hex: names the transfer. */
  fileId: string
  name: string
  mime: string
  size: number
  /** SHA-256 of the whole file, hex: its name in the local file store. */
  sha256: string
  /** Images whose header tells. */
  width?: number
  height?: number
  /** True when the file came whole inside the message (small files). */
  inline: boolean
  /** Filled by the conversation routes. */
  state?: AttachmentState
}

export interface MessageStateChange {
  id: string
  peerId: string
  state: DeliveryState
  replicas?: MailboxReplicas
  failure?: string
}

/** Our text to a peer with several devices: its state there, and on each device. */
export interface MessageDevicesResponse {
  id: string
  peerId: string
  /** On at least one of the peer's devices. */
  state: DeliveryState
  /** The peer's own device (its peer id) first, then its account's other devices. */
  devices: Array<{ peerId: string; state: DeliveryState }>
}

export interface SendMessageRequest {
  /** A peer id, a hex Ed25519 public key, or a username. */
  to: string
  text: string
  style?: MessageStyle
  /** The id of the message (either side's) this one answers. */
  replyTo?: string
}

/**
 * An action on message `id` of the conversation with `peer` (doc/message-actions.md):
 * `POST /v1/messages/edit` with `text` (our own messages), `/recall` (ours, within
 * RECALL_WINDOW_MS of sending), `/react` with `emoji` ('' removes ours). Each answers the
 * message as it is now (MessageView); `message:updated` follows on both sides.
 */
export interface MessageActionRequest {
  /** A peer id, a hex Ed25519 public key, or a username. */
  peer: string
  id: string
  text?: string
  emoji?: string
}

export interface SendMessageResponse {
  id: string
  peerId: string
  seq: number
  state: DeliveryState
}

export interface ConversationSummary {
  peerId: string
  /** Incoming texts shown but not yet marked read. */
  unread: number
  /** Incoming texts stored but not shown yet: they wait for an earlier one that is missing. */
  held: number
  latest: MessageView | null
}

export interface InboxResponse {
  /** Most recent activity first. */
  conversations: ConversationSummary[]
}

export interface HistoryResponse {
  peerId: string
  /** Oldest first: each direction in seq order, as shown. */
  messages: MessageView[]
  held: number
  unread: number
  /** Pass as `before` for the page of older messages; null when there is none. */
  nextBefore: number | null
}

export interface MarkReadRequest {
  /** A peer id, a hex Ed25519 public key, or a username. */
  peer: string
}

export interface MarkReadResponse {
  peerId: string
  /** Seq of the last incoming text now marked read (0 when none). */
  readUpToSeq: number
}

/** Events a node streams over `GET /v1/events` (WebSocket). */
export interface NodeEventMap {
  'node:started': { peerId: string; listenAddresses: string[] }
  /** An attachment transfer moved on (throttled: a few times a second at most). */
  'transfer:progress': TransferView
  /** An attachment arrived whole and its hash matched; or, for the sender, the recipient has it. */
  'transfer:complete': TransferView
  /** An attachment transfer was given up; `failure` says why. */
  'transfer:failed': TransferView
  'node:stopping': { reason: string }
  'peer:connected': { peerId: string }
  'peer:disconnected': { peerId: string }
  /** A room message became visible (decrypted, valid, everything it links is here). */
  'room:message': RoomMessageView
  /** A room's member list, roles or name changed. */
  'room:members': RoomMembersChange
  /** The same identity was started on another device; this one may miss messages. */
  'session:signed-in-elsewhere': SignedInElsewhereEvent
  /** A text from a peer is stored and shown (in its conversation's order). */
  'message:received': MessageView
  /**
   * A message changed (doc/message-actions.md): edited, recalled, reacted to, by either side;
   * the whole message as it is now.
   */
  'message:updated': MessageView
  /** An outgoing message moved to a new delivery state. */
  'message:state': MessageStateChange
  /** Someone asked to be our friend (or renewed a pending request). */
  'friend:request': FriendRequestView
  /** A friendship started: we accepted a request, or ours was accepted. */
  'friend:accepted': FriendView
  /** Our request was declined. */
  'friend:rejected': PeerRef
  /** A friendship ended or a pending request was withdrawn; `by` says which side did it. */
  'friend:removed': FriendRemovedEvent
  /** A friend's account moved to a new key (a rotation signed by the key we knew). */
  'friend:key-changed': FriendKeyChangedEvent
  /** A friend came online or went offline. */
  'presence:changed': PresenceView
  /** A connection to a friend opened or closed, and the node now reaches it another way. */
  'friend:reach': FriendReachView
  /** A friend's node sent (or the DHT gave) a newer device list: its devices now. */
  'friend:devices': FriendDevicesEvent
  /** The device link shown on this device moved on (a device proved the code, confirmed, linked, failed). */
  'device:link': DeviceLinkStatus
}

export type NodeEventType = keyof NodeEventMap

/** An event as the node emits it in its process; the local API's stream numbers it. */
export interface EmittedNodeEvent<T extends NodeEventType = NodeEventType> {
  type: T
  at: number
  data: NodeEventMap[T]
}

export interface NodeEventMessage<T extends NodeEventType = NodeEventType>
  extends EmittedNodeEvent<T> {
  /**
   * Its number in the event stream, 1, 2, 3… A client that reconnects with
   * `/v1/events?since=<seq>&epoch=<epoch>` gets the events after it first.
   */
  seq: number
  /** Names the stream `seq` counts in: it changes when the node's process restarts. */
  epoch: string
}

/** Conversations: the list, opening one, searching the history, deleting (doc/attachments.md). */
export const CONVERSATION_API_PATHS = {
  /** GET -> ConversationListResponse. */
  list: '/v1/conversations',
  /** POST OpenConversationRequest -> OpenConversationResponse (marks it read). */
  open: '/v1/conversations/open',
  /** GET ?q=&limit=&before= -> ConversationSearchResponse. */
  search: '/v1/conversations/search',
  /** POST DeleteConversationRequest -> DeleteConversationResponse. */
  delete: '/v1/conversations/delete',
  /** GET -> MutedConversationsResponse. */
  mutes: '/v1/conversations/mutes',
  /** POST MuteConversationRequest -> MutedConversationsResponse. */
  mute: '/v1/conversations/mute',
} as const

/** Attachments (doc/attachments.md). */
export const FILE_API_PATHS = {
  /** POST SendFileRequest -> SendFileResponse: a file the node reads from its own disk. */
  send: '/v1/files/send',
  /** POST ?to=&name=&text= with the file's bytes as the body -> SendFileResponse. */
  upload: '/v1/files/upload',
  /** GET ?sha256= -> the file's bytes, with its content type; `&thumbnail=1`: its thumbnail. */
  file: '/v1/files',
  /** GET -> TransferListResponse. */
  transfers: '/v1/files/transfers',
} as const

/** One conversation in the list: a 1:1 chat or a room. */
export interface ConversationListItem {
  kind: 'direct' | 'room'
  /** The peer id (direct) or the room id (room). */
  id: string
  /** The room's name; the peer id for a 1:1 chat. */
  name: string
  unread: number
  /** Messages stored but waiting for an earlier one before they are shown. */
  held: number
  /** This node's time of the last message (1:1), the author's (rooms); null when none. */
  lastMessageAt: number | null
  preview: MessagePreview | null
}

/** The start of a conversation's last message, for the list. */
export interface MessagePreview {
  /** At most 100 characters, whitespace collapsed. */
  text: string
  mine: boolean
  sentAt: number
  /** Rooms: the author's peer id. */
  from?: string
  attachment?: { name: string; mime: string }
  style?: MessageStyle
}

export interface ConversationListResponse {
  /** Most recent message first. */
  conversations: ConversationListItem[]
}

/** A conversation muted or unmuted: `direct:<peer id>` or `room:<room id>`. */
export interface MuteConversationRequest {
  conversation: string
  muted: boolean
}

export interface MutedConversationsResponse {
  /** `direct:<peer id>` and `room:<room id>`, at most MAX_MUTED_CONVERSATIONS. */
  muted: string[]
}

/** Exactly one of `peer` (a username, peer id or hex key) and `roomId`. */
export interface OpenConversationRequest {
  peer?: string
  roomId?: string
  /** Messages of the latest page. @default 50 */
  limit?: number
}

export type OpenConversationResponse =
  | { kind: 'direct'; conversation: ConversationListItem; history: HistoryResponse }
  | { kind: 'room'; conversation: ConversationListItem; history: RoomHistoryResponse }

export type ConversationSearchHit =
  | { kind: 'direct'; peerId: string; message: MessageView }
  | { kind: 'room'; roomId: string; message: RoomMessageView }

export interface ConversationSearchResponse {
  query: string
  /** Newest first. */
  hits: ConversationSearchHit[]
  /** Pass as `before` for older hits; null when there are none. */
  nextBefore: string | null
}

export interface DeleteConversationRequest {
  peer: string
  /**
   * Only these messages (delete for me), at most MAX_HISTORY_PAGE ids; absent: the whole
   * conversation.
   */
  ids?: string[]
}

export interface DeleteConversationResponse {
  peerId: string
  /** Messages deleted from this node (the peer keeps its copy). */
  deleted: number
}

export interface SendFileRequest {
  /** A username, peer id or hex public key. */
  to: string
  /** Absolute path of a file on the node's machine. */
  path: string
  /** A caption sent with it. */
  text?: string
}

export interface SendFileResponse {
  /** The DM that carries the file (inline) or its offer. */
  messageId: string
  transfer: TransferView
}

/** One attachment transfer, either way. */
export interface TransferView {
  fileId: string
  /** The other party. */
  peerId: string
  direction: 'in' | 'out'
  name: string
  mime: string
  size: number
  sha256: string
  width?: number
  height?: number
  inline: boolean
  state: AttachmentState
  /** Chunks the receiver holds (in), or chunks sent so far (out). */
  chunks: number
  totalChunks: number
  /** Bytes the receiver holds (in), or sent so far (out). */
  bytes: number
  failure?: string
  /** A received image's thumbnail, once made: `GET /v1/files?sha256=&thumbnail=1`. */
  thumbnail?: ThumbnailView
  /**
   * Why an incoming transfer is not moving now, in words for the user (the sender is away,
   * or reachable only through a relay, which carries no files); absent while it moves.
   */
  waiting?: string
}

/** A small copy of an image (longest side at most 256 px) for clients to show in place. */
export interface ThumbnailView {
  mime: 'image/jpeg' | 'image/png'
  width: number
  height: number
  size: number
}

export interface TransferListResponse {
  /** Newest first. */
  transfers: TransferView[]
}

export const API_PATHS = {
  status: '/v1/status',
  id: '/v1/id',
  stop: '/v1/stop',
  /**
   * WebSocket of NodeEventMessage; `?since=<seq>&epoch=<epoch>` replays what came after
   * (410 EventsGoneError when those are no longer kept or the node restarted).
   */
  events: '/v1/events',
  /** GET -> RoomListResponse; POST CreateRoomRequest -> CreateRoomResponse. */
  rooms: '/v1/rooms',
  /** POST JoinRoomRequest -> RoomSummary. */
  roomsJoin: '/v1/rooms/join',
  /** POST RoomRequest -> RoomSummary. */
  roomsLeave: '/v1/rooms/leave',
  /** GET ?room= -> RoomInviteResponse. */
  roomsInvite: '/v1/rooms/invite',
  /** GET ?room= -> RoomMembersResponse. */
  roomsMembers: '/v1/rooms/members',
  /** POST RoomMemberRequest -> RoomMembersResponse. */
  roomsRemove: '/v1/rooms/remove',
  /** POST RoomRoleRequest -> RoomMembersResponse. */
  roomsRole: '/v1/rooms/role',
  /** POST RenameRoomRequest -> RoomSummary. */
  roomsRename: '/v1/rooms/rename',
  /** POST SendRoomMessageRequest -> RoomMessageView; GET ?room=&limit=&before= -> RoomHistoryResponse. */
  roomsMessages: '/v1/rooms/messages',
  /** POST RoomRequest -> RoomSummary (unread 0). */
  roomsRead: '/v1/rooms/read',
  /** GET -> StateResponse, in every state. */
  state: '/v1/state',
  /**
   * POST -> RotateApiTokenResponse, in every state: a new API token, kept for later starts and
   * required at once (the old one is refused and its event streams closed).
   */
  apiToken: '/v1/api/token',
  /** POST CreateIdentityRequest -> CreateIdentityResponse (`no-identity` only), then runs. */
  identity: '/v1/identity',
  /** POST RestoreIdentityRequest -> IdentityInfo (not `running`), then runs. */
  identityRestore: '/v1/identity/restore',
  /**
   * POST IdentityPhraseRequest -> IdentityPhraseResponse (`no-identity` only): a new
   * account's phrase, kept in memory only (the same one until an identity exists); the
   * identity is made from it by `identityRestore` once the user typed it back.
   */
  identityPhrase: '/v1/identity/phrase',
  /**
   * POST LinkNewDeviceRequest -> LinkSasView (`no-identity` only): links this new device to
   * an account shown on an existing device; answered once both devices show the SAS.
   */
  identityLink: '/v1/identity/link',
  /** POST ConfirmDeviceLinkRequest -> IdentityInfo (of this device), then runs. */
  identityLinkConfirm: '/v1/identity/link/confirm',
  /** POST UnlockRequest -> IdentityInfo (`locked` only), then runs; 429 while locked out. */
  unlock: '/v1/unlock',
  /** POST SendMessageRequest -> SendMessageResponse. */
  messages: '/v1/messages',
  /** POST MessageActionRequest (`text`) -> MessageView: edits our message. */
  messagesEdit: '/v1/messages/edit',
  /** POST MessageActionRequest -> MessageView: recalls (deletes for everyone) our message. */
  messagesRecall: '/v1/messages/recall',
  /** POST MessageActionRequest (`emoji`) -> MessageView: sets or removes our reaction. */
  messagesReact: '/v1/messages/react',
  /** GET ?peer=&id= -> MessageDevicesResponse: our text's state on each of the peer's devices. */
  messageDevices: '/v1/messages/devices',
  /** GET -> InboxResponse. */
  inbox: '/v1/inbox',
  /** GET ?peer=&limit=&before= -> HistoryResponse. */
  history: '/v1/history',
  /** POST MarkReadRequest -> MarkReadResponse. */
  conversationsRead: '/v1/conversations/read',
} as const

/** The username directory's routes (see doc/usernames.md). */
export const DIRECTORY_API_PATHS = {
  /** POST RegisterNameRequest -> NameView (registers or renews). */
  register: '/v1/directory/register',
  /** POST ReleaseNameRequest -> NameView (the release record). */
  release: '/v1/directory/release',
  /** GET ?name=alice or ?name=alice@<relay peer id> -> LookupView. */
  lookup: '/v1/directory/lookup',
  /** GET ?prefix=&limit=&relay= -> SearchView. */
  search: '/v1/directory/search',
  /** PUT SetProfileRequest -> ProfileView (what was published). */
  profile: '/v1/directory/profile',
  /** GET -> NamesView: this node's own names. */
  names: '/v1/directory/names',
  /** GET ?relay= -> SignupPolicyView: what a relay requires before it grants a name. */
  signupPolicy: '/v1/directory/signup-policy',
  /** POST StartVerificationRequest -> VerificationView: sends the code, or gives the login URL. */
  verify: '/v1/directory/verify',
  /** GET ?id=&relay= -> VerificationView: whether a login completed. */
  verification: '/v1/directory/verification',
} as const

/** Sign-up verifications a relay may require (anti-spam; none becomes the user's identity). */
export type SignupMethod = 'email' | 'sms' | 'oidc'

export interface SignupPolicyView {
  relayPeerId: string
  /** Any one of these is required before a new name is granted; empty: none. */
  methods: SignupMethod[]
  /** Digits of an e-mail or phone code. */
  codeLength: number
  /** The OpenID provider's name, when `oidc` is accepted. */
  oidcProvider?: string
  inviteRequired: boolean
  /** Leading zero bits of proof of work the node does by itself; 0: none. */
  workBits: number
}

export interface StartVerificationRequest {
  method: SignupMethod
  /** The e-mail address, or the phone number with its country code (+44...); none for oidc. */
  address?: string
  /** Relay multiaddr or peer id; default: the first connected relay. */
  relay?: string
}

export interface VerificationView {
  /** Hex; give it back with the claim (RegisterNameRequest.verification). */
  id: string
  /** The relay it was started on: register there. */
  relayPeerId: string
  method: SignupMethod
  /** ms since the Unix epoch. */
  expiresAt: number
  /** Where the code went, partly masked. */
  sentTo?: string
  /** oidc: the URL the person opens to log in. */
  authorizationUrl?: string
  /** oidc: the login completed; register now. */
  completed: boolean
}

/** A name as a relay vouches for it, already verified by the node. */
export interface NameView {
  /** Normalized name, e.g. `alice`. */
  name: string
  /** `name@<relay peer id>`: names are scoped to the relay that issued them. */
  scopedName: string
  /** The owner's PeerId and Ed25519 public key (hex). */
  peerId: string
  publicKey: string
  relayPeerId: string
  /** ms since the Unix epoch. */
  issuedAt: number
  expiresAt: number
}

/** Public profile fields; each only when its owner published it. */
export interface ProfileView {
  displayName?: string
  bio?: string
  /** Hex SHA-256 of the avatar image. */
  avatarHash?: string
  email?: string
  gender?: string
  age?: number
}

export interface LookupView extends NameView {
  /** `relay`: answered by the issuing relay; `dht`: the relay was unreachable, the DHT's copy. */
  source: 'relay' | 'dht'
  profile?: ProfileView
}

export interface SearchView {
  results: Array<NameView & { profile: ProfileView }>
}

export interface NamesView {
  names: NameView[]
}

export interface RegisterNameRequest {
  name: string
  /** Relay multiaddr (ending in /p2p/<id>) or peer id; default: the first connected relay. */
  relay?: string
  inviteCode?: string
  /** A sign-up verification started on that relay (VerificationView.id), and its code. */
  verification?: { id: string; code?: string }
}

export interface ReleaseNameRequest {
  /** Default: this node's only name. */
  name?: string
  relay?: string
}

export interface SetProfileRequest extends ProfileView {
  relay?: string
}

export interface SignedInElsewhereEvent {
  reason: string
  /** The relay that reported the newer session. */
  relayPeerId: string
  /** This session's announcement counter and the newer one's (decimal strings). */
  counter: string
  newerCounter: string
  /** Where the newer session said it can be reached. */
  newerMultiaddrs: string[]
}

/** The WebSocket subprotocol of the event stream. */
export const EVENTS_SUBPROTOCOL = 'tokenim'
/** A browser cannot set headers on a WebSocket, so it may offer the token as a subprotocol. */
export const TOKEN_SUBPROTOCOL_PREFIX = 'tokenim-token.'

/** Name of the file, in the node's data dir, that holds its ApiInfo while it runs. */
export const API_INFO_FILE = 'api.json'

/** A member's standing in a room. */
export type RoomRole = 'owner' | 'admin' | 'member'

export interface RoomMemberView {
  /** Ed25519 public key, hex. */
  publicKey: string
  peerId: string
  role: RoomRole
  /** Whether the member is online; null until presence is known. */
  online: boolean | null
}

/** One room message, as every member shows it. */
export interface RoomMessageView {
  roomId: string
  /** The event id: SHA-256 of the signed event, hex. */
  id: string
  /** The author's public key, hex. */
  author: string
  authorPeerId: string
  text: string
  /** The author's clock, ms since the Unix epoch (shown; never used for order). */
  sentAt: number
  /** Lamport clock; history is ordered by (lamport, author, id). */
  lamport: number
  mine: boolean
  /**
   * Set on the line a member's key change leaves in the room (its MOVE_KEY): `author` is the
   * new key, `text` says it in words.
   */
  keyChange?: KeyChangeView
}

export interface RoomSummary {
  /** 64 hex digits: the id of the room's signed CREATE event. */
  roomId: string
  name: string
  inviteOnly: boolean
  /** Our role, or null once we left or were removed. */
  role: RoomRole | null
  members: number
  /** Unread messages from others. */
  unread: number
  /** Messages waiting for a key or an earlier event before they can be shown. */
  held: number
  lastMessage: RoomMessageView | null
  /** sentAt of the last message, for the conversation list; null when there is none. */
  lastMessageAt: number | null
}

export interface RoomListResponse {
  /** Most recent activity first. */
  rooms: RoomSummary[]
}

export interface CreateRoomRequest {
  name: string
  /** Joining needs an invite code (not just the room id). @default false */
  inviteOnly?: boolean
}

export interface CreateRoomResponse {
  roomId: string
  /** base64url invite code: room id, the invite secret (invite-only rooms) and our key. */
  invite: string
  room: RoomSummary
}

export interface JoinRoomRequest {
  /** A room id (open rooms) or an invite code. */
  room: string
  /** Peer ids of members to ask for the room, besides the inviter the code names. */
  via?: string[]
}

export interface RoomRequest {
  roomId: string
}

export interface RoomMemberRequest {
  roomId: string
  /** The member's peer id or hex public key. */
  member: string
}

export interface RoomRoleRequest extends RoomMemberRequest {
  role: 'admin' | 'member'
}

export interface RenameRoomRequest {
  roomId: string
  name: string
}

export interface SendRoomMessageRequest {
  roomId: string
  text: string
}

export interface RoomInviteResponse {
  roomId: string
  invite: string
}

export interface RoomMembersResponse {
  roomId: string
  name: string
  members: RoomMemberView[]
}

export type RoomMembersChange = RoomMembersResponse

export interface RoomHistoryResponse {
  roomId: string
  /** Oldest first, in the room's total order. */
  messages: RoomMessageView[]
  held: number
  unread: number
  /**
   * The id of this page's oldest message: pass it as `before` for the page of older ones;
   * null when there is none. Messages that arrive late take their place without shifting it.
   */
  nextBefore: string | null
}

/** The friends and presence routes (see doc/friends.md). */
export const FRIENDS_API_PATHS = {
  /** GET -> FriendListResponse: friends with their presence. */
  list: '/v1/friends',
  /** GET -> FriendRequestsResponse: pending requests, both directions. */
  requests: '/v1/friends/requests',
  /** POST AddFriendRequest -> AddFriendResponse. */
  add: '/v1/friends/add',
  /** POST FriendPeerRequest -> FriendView. */
  accept: '/v1/friends/accept',
  /** POST FriendPeerRequest -> PeerRef. */
  reject: '/v1/friends/reject',
  /** POST FriendPeerRequest -> PeerRef (a friend, or our pending request withdrawn). */
  remove: '/v1/friends/remove',
  /** POST FriendPeerRequest -> BlockedView. */
  block: '/v1/friends/block',
  /** POST FriendPeerRequest -> PeerRef. */
  unblock: '/v1/friends/unblock',
  /** GET -> BlockedListResponse. */
  blocked: '/v1/friends/blocked',
  /** GET -> PresenceSettings; PUT PresenceSettings -> PresenceSettings. */
  presence: '/v1/presence',
} as const

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

/**
 * The identity's secrets, each behind the password (and its lockout), and, while two-factor
 * checks are on, a code (`code` in each request: TwoFactorRequiredError without one):
 * answered while an identity exists.
 */
export const IDENTITY_API_PATHS = {
  /** POST ExportKeyRequest -> ExportKeyResponse. */
  exportKey: '/v1/identity/export',
  /** POST BackupPhraseRequest -> BackupPhraseResponse. */
  backupPhrase: '/v1/identity/backup-phrase',
  /** POST ChangePasswordRequest -> ChangePasswordResponse. */
  password: '/v1/identity/password',
  /** GET -> TwoFactorStatusResponse. */
  twoFactor: '/v1/identity/two-factor',
  /** POST (no body) -> TwoFactorSetupResponse: a new secret; nothing is stored yet. */
  twoFactorSetup: '/v1/identity/two-factor/setup',
  /** POST EnableTwoFactorRequest -> EnableTwoFactorResponse. */
  twoFactorEnable: '/v1/identity/two-factor/enable',
  /** POST DisableTwoFactorRequest -> TwoFactorStatusResponse. */
  twoFactorDisable: '/v1/identity/two-factor/disable',
  /**
   * POST RotateKeyRequest -> RotateKeyResponse (while the node runs): a new account key; the
   * node tells every friend, then starts again under the new key behind the same API.
   */
  rotate: '/v1/identity/rotate',
  /** GET -> RecoveryStatusResponse: whether the account committed to a recovery phrase. */
  recovery: '/v1/identity/recovery',
  /** POST RecoveryPhraseSetupRequest -> RecoveryPhraseSetupResponse; nothing is stored yet. */
  recoverySetup: '/v1/identity/recovery/setup',
  /** POST CommitRecoveryPhraseRequest -> RecoveryStatusResponse: the phrase typed back. */
  recoveryCommit: '/v1/identity/recovery/commit',
  /**
   * POST RecoverKeyRequest -> RotateKeyResponse (while the node runs): a new account key by a
   * recovery statement signed with the phrase's recovery key; the node starts again under the
   * new key and tells every friend from it.
   */
  recover: '/v1/identity/recover',
} as const

/** Recovery through friends (doc/accounts.md, "Recovery on the node"). */
export const RECOVERY_API_PATHS = {
  /** POST SetRecoveryFriendsRequest -> SetRecoveryFriendsResponse (daemon; a sensitive action). */
  friends: '/v1/recovery/friends',
  /** GET -> { kept: KeptShareView[] }: shares this node keeps for friends. */
  kept: '/v1/recovery/kept',
  /** GET -> { requests: RecoveryRequestView[] }: requests waiting for this user's answer. */
  requests: '/v1/recovery/requests',
  /** POST AnswerRecoveryRequest -> { answered: true }. */
  answer: '/v1/recovery/requests/answer',
  /** POST AskRecoveryRequest -> { asked: AskedFriendView[] } (on a new machine). */
  ask: '/v1/recovery/ask',
  /** GET -> { asked: AskedFriendView[] }: our requests and their answers. */
  asked: '/v1/recovery/asked',
  /** POST { password, code? } -> RotateKeyResponse (daemon): rebuild, take the account, tell friends. */
  complete: '/v1/recovery/complete',
} as const

export interface SetRecoveryFriendsRequest extends SecondFactorField {
  password: string
  /** The recovery phrase: its secret is what is split. */
  phrase: string
  threshold: number
  /** Friends: usernames, peer ids or hex keys. */
  friends: string[]
}

export interface SetRecoveryFriendsResponse {
  threshold: number
  friends: string[]
}

export interface KeptShareView {
  /** The friend who gave it (peer id). */
  friend: string
  /** The account it recovers (peer id). */
  account: string
  threshold: number
  at: number
}

export interface RecoveryRequestView {
  requestId: string
  /** The account asked about (peer id): the friend whose share we keep. */
  account: string
  /** The key asking (peer id): the friend's new machine, if the code matches. */
  requester: string
  /** Six digits to compare with the friend out of band before releasing. */
  code: string
  at: number
}

export interface AnswerRecoveryRequest {
  requestId: string
  release: boolean
}

export interface AskRecoveryRequest {
  /** The account to recover: the peer id (or hex key) friends know it by. */
  account: string
  friends: string[]
}

export interface AskedFriendView {
  requestId: string
  /** The friend asked (peer id). */
  peer: string
  /** The code that friend's screen shows: read it to them. */
  code: string
  state: 'asked' | 'released' | 'declined'
}

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

/** The relays the node keeps connected to, and its saved relay list (`<dataDir>/config.json`). */
export const RELAY_API_PATHS = {
  /** GET -> RelayListResponse. */
  list: '/v1/relays',
  /** POST RelayAddressRequest -> RelayListResponse: connects now and saves it. */
  add: '/v1/relays/add',
  /** POST RelayAddressRequest (a multiaddr or the relay's peer id) -> RelayListResponse. */
  remove: '/v1/relays/remove',
} as const

export interface RelayEntry extends RelayLinkStatus {
  /** In the saved list, so used at every start; false: given with `--relay` for this run only. */
  saved: boolean
}

export interface RelayListResponse {
  relays: RelayEntry[]
}

export interface RelayAddressRequest {
  /** A relay multiaddr ending in /p2p/<peer id> (remove: also the bare peer id). */
  address: string
}

/** This account's devices (doc/accounts.md): the list this node signs and publishes. */
export const DEVICES_API_PATHS = {
  /** GET -> DeviceListResponse. */
  list: '/v1/devices',
  /** POST RenameDeviceRequest -> DeviceListResponse: this device gets a new name. */
  rename: '/v1/devices/rename',
  /**
   * POST StartDeviceLinkRequest -> DeviceLinkStatus: a new one-time link code (a sensitive
   * action: the password, and a two-factor code while the checks are on); GET ->
   * DeviceLinkStatus: where the link stands.
   */
  link: '/v1/devices/link',
  /** POST ConfirmDeviceLinkRequest -> DeviceLinkStatus: the person's answer to the SAS. */
  linkConfirm: '/v1/devices/link/confirm',
  /**
   * POST RevokeDeviceRequest -> DeviceListResponse: another device of the account revoked (a
   * sensitive action: the password, and a two-factor code while the checks are on).
   */
  revoke: '/v1/devices/revoke',
} as const

export interface RevokeDeviceRequest {
  /** The device's name or peer id. */
  device: string
  password: string
  /** A two-factor code, while the checks are on. */
  code?: string
}

export interface DeviceView {
  name: string
  /** The device key as a libp2p peer id. */
  peerId: string
  /** The device key, 64 hex characters. */
  publicKey: string
  /** When the device was certified, ms since the Unix epoch. */
  createdAt: number
  /** True for the device this node runs on. */
  thisDevice: boolean
}

export interface DeviceListResponse {
  /** The account key (what friends know) as a peer id. */
  account: string
  /** Grows by one with each change. */
  version: number
  devices: DeviceView[]
  /**
   * On a linked device only: how many friends of the account its link handed over. A linked
   * device shows the account's devices but does not message yet (doc/accounts.md).
   */
  linkedFriends?: number
}

export interface RenameDeviceRequest {
  /** 1..64 bytes of UTF-8. */
  name: string
}

export interface StartDeviceLinkRequest {
  password: string
  /** While two-factor checks are on: the authenticator's code or a recovery code. */
  code?: string
}

export interface ConfirmDeviceLinkRequest {
  /** True when both devices show the same SAS. */
  accept: boolean
}

/** The short authentication string both devices of a link show. */
export interface LinkSasView {
  /** Six digits. */
  digits: string
  emoji: Array<{ symbol: string; name: string }>
}

/**
 * A device link on the existing device: `waiting` (the code is shown), `confirm` (a device
 * proved the code: compare the SAS), `linking` (confirmed on both, handing over), `linked`,
 * `failed` (see `error`), or `none` (no code was made since the node started).
 */
export interface DeviceLinkStatus {
  state: 'none' | 'waiting' | 'confirm' | 'linking' | 'linked' | 'failed'
  /** The one-time code's text (also for the QR code), while it is open. */
  code?: string
  /** When the code expires, ms since the Unix epoch. */
  expiresAt?: number
  sas?: LinkSasView
  /** The new device's name and peer id, once it proved the code. */
  deviceName?: string
  devicePeerId?: string
  /** Whether this device's person confirmed the SAS. */
  confirmed?: boolean
  /** Why the link failed, or the last refused attempt while waiting. */
  error?: { name: string; message: string }
}

/**
 * The first run of a new device: link it to an account shown on an existing device
 * (POST /v1/identity/link, then /v1/identity/link/confirm).
 */
export interface LinkNewDeviceRequest {
  /** The one-time code the existing device shows. */
  code: string
  /** The password that will seal this device's keys. */
  password: string
  /** What to call this device. @default the host name */
  deviceName?: string
}
