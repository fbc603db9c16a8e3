/**
 * The local API's paths, one constant per area, and the event stream's constants: what clients
 * need at run time (the web client among them), with no schema code.
 */

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

/** Our profile as friends and rooms see it (doc/friends.md, "Profiles"). */
export const PROFILE_API_PATHS = {
  /** GET -> OwnProfileResponse; PUT SetOwnProfileRequest -> OwnProfileResponse. */
  own: '/v1/profile',
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

export const API_PATHS = {
  /** GET -> the OpenAPI 3.1 document of this API, in every state (with the token). */
  openapi: '/v1/openapi.json',
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
  /** POST RoomMessageActionRequest (`text`) -> RoomMessageView. */
  roomsMessagesEdit: '/v1/rooms/messages/edit',
  /** POST RoomMessageActionRequest -> RoomMessageView. */
  roomsMessagesRecall: '/v1/rooms/messages/recall',
  /** POST RoomMessageActionRequest (`emoji`) -> RoomMessageView. */
  roomsMessagesReact: '/v1/rooms/messages/react',
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
  /** GET ?peer=&id= -> MessageDevicesResponse: our text's state on each of the peer's devices. */
  messageDevices: '/v1/messages/devices',
  /** POST MessageActionRequest (`text`) -> MessageView: edits our message. */
  messagesEdit: '/v1/messages/edit',
  /** POST MessageActionRequest -> MessageView: recalls (deletes for everyone) our message. */
  messagesRecall: '/v1/messages/recall',
  /** POST MessageActionRequest (`emoji`) -> MessageView: sets or removes our reaction. */
  messagesReact: '/v1/messages/react',
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

/** The WebSocket subprotocol of the event stream. */
export const EVENTS_SUBPROTOCOL = 'tokenim'

/** A browser cannot set headers on a WebSocket, so it may offer the token as a subprotocol. */
export const TOKEN_SUBPROTOCOL_PREFIX = 'tokenim-token.'

/** Name of the file, in the node's data dir, that holds its ApiInfo while it runs. */
export const API_INFO_FILE = 'api.json'

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
  /** GET -> PresenceSettings; PUT PresenceSettingsChange -> PresenceSettings. */
  presence: '/v1/presence',
  /** POST TypingRequest -> {}. */
  typing: '/v1/presence/typing',
} as const

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

/** The relays the node keeps connected to, and its saved relay list (`<dataDir>/config.json`). */
export const RELAY_API_PATHS = {
  /** GET -> RelayListResponse. */
  list: '/v1/relays',
  /** POST RelayAddressRequest -> RelayListResponse: connects now and saves it. */
  add: '/v1/relays/add',
  /** POST RelayAddressRequest (a multiaddr or the relay's peer id) -> RelayListResponse. */
  remove: '/v1/relays/remove',
} as const

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
   * POST HistoryTransferRequest -> HistoryTransferStatus: ask another device of the account
   * for its 1:1 history; GET -> HistoryTransferStatus: where that transfer stands.
   */
  history: '/v1/devices/history',
  /**
   * POST RevokeDeviceWithPhraseRequest -> DeviceListResponse: another device of the account
   * revoked with the account's recovery phrase instead of the password (a lost device).
   */
  revokeWithPhrase: '/v1/devices/revoke-with-phrase',
  /**
   * POST RevokeDeviceRequest -> DeviceListResponse: another device of the account revoked (a
   * sensitive action: the password, and a two-factor code while the checks are on).
   */
  revoke: '/v1/devices/revoke',
} as const

/** Voice calls (doc/calls.md). */
export const CALL_API_PATHS = {
  /** GET ?peer= -> CallLogResponse: the calls with a peer, oldest first. */
  log: '/v1/calls',
  /** GET -> CurrentCallResponse: the call ringing or under way, if any (a page that reloads). */
  current: '/v1/calls/current',
  /** GET -> IceServersResponse: the STUN and TURN servers the browser gathers candidates with. */
  iceServers: '/v1/calls/ice-servers',
  /** POST StartCallRequest -> CallView: rings a friend with the browser's offer. */
  start: '/v1/calls/start',
  /** POST CallAnswerRequest -> CallView: accepts a call ringing here. */
  answer: '/v1/calls/answer',
  /** POST CallCandidatesRequest -> CallView: the browser's ICE candidates, for the peer. */
  candidates: '/v1/calls/candidates',
  /** POST CallIdRequest -> CallView: ends a call (before an answer: cancels it). */
  hangup: '/v1/calls/hangup',
  /** POST CallIdRequest -> CallView: refuses a call ringing here. */
  decline: '/v1/calls/decline',
} as const
