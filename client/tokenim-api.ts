/**
 * The typed local API, one method per route, shared by the CLI (client/api-client.ts) and the
 * web client (client/web/src/api-client.ts). It knows only protocol/local-api.ts and a
 * transport: each side supplies `request`, which sends JSON and returns the parsed answer or
 * throws its own error type. No Node or browser API is used here.
 */
import {
  type AddFriendRequest,
  type AddFriendResponse,
  API_PATHS,
  type BackupPhraseRequest,
  type BackupPhraseResponse,
  type BlockedListResponse,
  type BlockedView,
  type ChangePasswordRequest,
  type ChangePasswordResponse,
  CONVERSATION_API_PATHS,
  type CommitRecoveryPhraseRequest,
  type ConfirmDeviceLinkRequest,
  type ConversationListResponse,
  type ConversationSearchResponse,
  type CreateIdentityRequest,
  type CreateIdentityResponse,
  type CreateRoomRequest,
  type CreateRoomResponse,
  DEVICES_API_PATHS,
  type DeleteConversationRequest,
  type DeleteConversationResponse,
  type DeviceLinkStatus,
  type DeviceListResponse,
  DIRECTORY_API_PATHS,
  type DisableTwoFactorRequest,
  type EnableTwoFactorRequest,
  type EnableTwoFactorResponse,
  type ExportKeyRequest,
  type ExportKeyResponse,
  FILE_API_PATHS,
  FRIENDS_API_PATHS,
  type FriendListResponse,
  type FriendRequestsResponse,
  type FriendView,
  type HistoryResponse,
  type HistoryTransferRequest,
  type HistoryTransferStatus,
  IDENTITY_API_PATHS,
  type IdentityInfo,
  type IdentityPhraseRequest,
  type IdentityPhraseResponse,
  type InboxResponse,
  type JoinRoomRequest,
  type LinkNewDeviceRequest,
  type LinkSasView,
  type LookupView,
  type MarkReadResponse,
  type MessageActionRequest,
  type MessageStyle,
  type MessageView,
  type MuteConversationRequest,
  type MutedConversationsResponse,
  type NamesView,
  type NameView,
  type NodeStatus,
  type OpenConversationRequest,
  type OpenConversationResponse,
  type OwnProfileResponse,
  type PeerRef,
  PROFILE_API_PATHS,
  type PresenceSettings,
  type PresenceSettingsChange,
  type ProfileView,
  RELAY_API_PATHS,
  type RecoverKeyRequest,
  type RecoveryPhraseSetupRequest,
  type RecoveryPhraseSetupResponse,
  type RecoveryStatusResponse,
  type RegisterNameRequest,
  type RelayAddressRequest,
  type RelayListResponse,
  type ReleaseNameRequest,
  type RestoreIdentityRequest,
  type RevokeDeviceRequest,
  type RevokeDeviceWithPhraseRequest,
  type RoomHistoryResponse,
  type RoomInviteResponse,
  type RoomListResponse,
  type RoomMembersResponse,
  type RoomMessageActionRequest,
  type RoomMessageView,
  type RoomRoleRequest,
  type RoomSummary,
  type RotateApiTokenResponse,
  type RotateKeyRequest,
  type RotateKeyResponse,
  type SearchView,
  type SendFileRequest,
  type SendFileResponse,
  type SendMessageRequest,
  type SendMessageResponse,
  type SendRoomMessageRequest,
  type SetOwnProfileRequest,
  type SetProfileRequest,
  type SignupPolicyView,
  type StartDeviceLinkRequest,
  type StartVerificationRequest,
  type StateResponse,
  type StopResponse,
  type TransferListResponse,
  type TwoFactorSetupResponse,
  type TwoFactorStatusResponse,
  type UnlockRequest,
  type VerificationView,
} from '../protocol/local-api.ts'

export type ApiMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'

/** A page of history: at most `limit` entries, older than `before`. */
export interface PageOptions {
  limit?: number
  before?: number
}

/** A page of a room's history: `before` is the `nextBefore` (a message id) of the page after. */
export interface RoomPageOptions {
  limit?: number
  before?: string
}

/** `path?key=value&...` for the parameters that are set. */
export function withQuery(
  path: string,
  params: Record<string, string | number | undefined | null>,
): string {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value != null) query.set(key, String(value))
  }
  const text = query.toString()
  return text === '' ? path : `${path}?${text}`
}

export abstract class TokenimApi {
  /** Sends one JSON request; resolves with the answer's body, rejects on a non-2xx answer. */
  abstract request<T>(method: ApiMethod, path: string, body?: unknown): Promise<T>

  // The node and its identity

  state(): Promise<StateResponse> {
    return this.request('GET', API_PATHS.state)
  }

  /** A new API token, required at once: every other holder of the old one is refused. */
  replaceApiToken(): Promise<RotateApiTokenResponse> {
    return this.request('POST', API_PATHS.apiToken)
  }

  createIdentity(body: CreateIdentityRequest): Promise<CreateIdentityResponse> {
    return this.request('POST', API_PATHS.identity, body)
  }

  restoreIdentity(body: RestoreIdentityRequest): Promise<IdentityInfo> {
    return this.request('POST', API_PATHS.identityRestore, body)
  }

  /** A new account's phrase before it exists; restoreIdentity with it creates the identity. */
  identityPhrase(body: IdentityPhraseRequest): Promise<IdentityPhraseResponse> {
    return this.request('POST', API_PATHS.identityPhrase, body)
  }

  /** First run of a new device: link it to an account; answers with the SAS to compare. */
  linkNewDevice(body: LinkNewDeviceRequest): Promise<LinkSasView> {
    return this.request('POST', API_PATHS.identityLink, body)
  }

  /** The person's answer to the SAS on the new device; once linked, the node runs. */
  confirmNewDeviceLink(accept: boolean): Promise<IdentityInfo> {
    const body: ConfirmDeviceLinkRequest = { accept }
    return this.request('POST', API_PATHS.identityLinkConfirm, body)
  }

  unlock(body: UnlockRequest): Promise<IdentityInfo> {
    return this.request('POST', API_PATHS.unlock, body)
  }

  status(): Promise<NodeStatus> {
    return this.request('GET', API_PATHS.status)
  }

  id(): Promise<IdentityInfo> {
    return this.request('GET', API_PATHS.id)
  }

  stop(): Promise<StopResponse> {
    return this.request('POST', API_PATHS.stop)
  }

  // 1:1 messages and conversations

  sendMessage(
    to: string,
    text: string,
    style?: MessageStyle,
    options: { replyTo?: string; forwarded?: boolean } = {},
  ): Promise<SendMessageResponse> {
    const body: SendMessageRequest = { to, text }
    if (style != null) body.style = style
    if (options.replyTo != null) body.replyTo = options.replyTo
    if (options.forwarded === true) body.forwarded = true
    return this.request('POST', API_PATHS.messages, body)
  }

  /** Edits our message `id` to `peer` (doc/message-actions.md). */
  editMessage(peer: string, id: string, text: string): Promise<MessageView> {
    const body: MessageActionRequest = { peer, id, text }
    return this.request('POST', API_PATHS.messagesEdit, body)
  }

  /** Recalls (deletes for everyone) our message `id`, within RECALL_WINDOW_MS of sending. */
  recallMessage(peer: string, id: string): Promise<MessageView> {
    const body: MessageActionRequest = { peer, id }
    return this.request('POST', API_PATHS.messagesRecall, body)
  }

  /** Sets our reaction on message `id`; '' removes it. */
  reactToMessage(peer: string, id: string, emoji: string): Promise<MessageView> {
    const body: MessageActionRequest = { peer, id, emoji }
    return this.request('POST', API_PATHS.messagesReact, body)
  }

  inbox(): Promise<InboxResponse> {
    return this.request('GET', API_PATHS.inbox)
  }

  history(peer: string, page: PageOptions = {}): Promise<HistoryResponse> {
    return this.request('GET', withQuery(API_PATHS.history, { peer, ...page }))
  }

  markRead(peer: string): Promise<MarkReadResponse> {
    return this.request('POST', API_PATHS.conversationsRead, { peer })
  }

  conversations(): Promise<ConversationListResponse> {
    return this.request('GET', CONVERSATION_API_PATHS.list)
  }

  /** Opens a 1:1 chat (`peer`) or a room (`roomId`): its latest page, and marks it read. */
  openConversation(body: OpenConversationRequest): Promise<OpenConversationResponse> {
    return this.request('POST', CONVERSATION_API_PATHS.open, body)
  }

  searchConversations(
    q: string,
    options: { limit?: number; before?: string } = {},
  ): Promise<ConversationSearchResponse> {
    return this.request('GET', withQuery(CONVERSATION_API_PATHS.search, { q, ...options }))
  }

  /** Deletes the conversation here, or with `ids` only those messages (delete for me). */
  deleteConversation(peer: string, ids?: string[]): Promise<DeleteConversationResponse> {
    const body: DeleteConversationRequest = ids == null ? { peer } : { peer, ids }
    return this.request('POST', CONVERSATION_API_PATHS.delete, body)
  }

  mutedConversations(): Promise<MutedConversationsResponse> {
    return this.request('GET', CONVERSATION_API_PATHS.mutes)
  }

  /** `conversation`: `direct:<peer id>` or `room:<room id>`. */
  muteConversation(conversation: string, muted: boolean): Promise<MutedConversationsResponse> {
    const body: MuteConversationRequest = { conversation, muted }
    return this.request('POST', CONVERSATION_API_PATHS.mute, body)
  }

  // Attachments (uploads and downloads carry raw bytes: each transport has its own)

  sendFile(body: SendFileRequest): Promise<SendFileResponse> {
    return this.request('POST', FILE_API_PATHS.send, body)
  }

  transfers(): Promise<TransferListResponse> {
    return this.request('GET', FILE_API_PATHS.transfers)
  }

  // Friends and presence

  friends(): Promise<FriendListResponse> {
    return this.request('GET', FRIENDS_API_PATHS.list)
  }

  friendRequests(): Promise<FriendRequestsResponse> {
    return this.request('GET', FRIENDS_API_PATHS.requests)
  }

  /** This account's devices, this one marked. */
  devices(): Promise<DeviceListResponse> {
    return this.request('GET', DEVICES_API_PATHS.list)
  }

  /** Our profile as friends and rooms see it: display name and avatar. */
  ownProfile(): Promise<OwnProfileResponse> {
    return this.request('GET', PROFILE_API_PATHS.own)
  }

  /** Signs the next version of our profile and sends it to every friend. */
  setOwnProfile(body: SetOwnProfileRequest): Promise<OwnProfileResponse> {
    return this.request('PUT', PROFILE_API_PATHS.own, body)
  }

  /** Renames this device: a new version of the list, published and sent to every friend. */
  renameDevice(name: string): Promise<DeviceListResponse> {
    return this.request('POST', DEVICES_API_PATHS.rename, { name })
  }

  /** Revokes another device of the account (a sensitive action: the password, and a 2FA code). */
  revokeDevice(body: RevokeDeviceRequest): Promise<DeviceListResponse> {
    return this.request('POST', DEVICES_API_PATHS.revoke, body)
  }

  /** Where the history transfer to this device stands. */
  historyTransfer(): Promise<HistoryTransferStatus> {
    return this.request('GET', DEVICES_API_PATHS.history)
  }

  /** Asks another device of the account for its 1:1 history (the same choice again resumes). */
  requestHistory(body: HistoryTransferRequest): Promise<HistoryTransferStatus> {
    return this.request('POST', DEVICES_API_PATHS.history, body)
  }

  /** Revokes another device of the account with the account's recovery phrase (a lost device). */
  revokeDeviceWithPhrase(body: RevokeDeviceWithPhraseRequest): Promise<DeviceListResponse> {
    return this.request('POST', DEVICES_API_PATHS.revokeWithPhrase, body)
  }

  /** A new one-time code to link a device (a sensitive action: the password, and a 2FA code). */
  startDeviceLink(body: StartDeviceLinkRequest): Promise<DeviceLinkStatus> {
    return this.request('POST', DEVICES_API_PATHS.link, body)
  }

  /** Where the link shown on this device stands. */
  deviceLinkStatus(): Promise<DeviceLinkStatus> {
    return this.request('GET', DEVICES_API_PATHS.link)
  }

  /** The person's answer to the SAS on this (the existing) device. */
  confirmDeviceLink(accept: boolean): Promise<DeviceLinkStatus> {
    const body: ConfirmDeviceLinkRequest = { accept }
    return this.request('POST', DEVICES_API_PATHS.linkConfirm, body)
  }

  addFriend(to: string, note?: string): Promise<AddFriendResponse> {
    const body: AddFriendRequest = note == null ? { to } : { to, note }
    return this.request('POST', FRIENDS_API_PATHS.add, body)
  }

  acceptFriend(peer: string): Promise<FriendView> {
    return this.request('POST', FRIENDS_API_PATHS.accept, { peer })
  }

  rejectFriend(peer: string): Promise<PeerRef> {
    return this.request('POST', FRIENDS_API_PATHS.reject, { peer })
  }

  removeFriend(peer: string): Promise<PeerRef> {
    return this.request('POST', FRIENDS_API_PATHS.remove, { peer })
  }

  blockPeer(peer: string): Promise<BlockedView> {
    return this.request('POST', FRIENDS_API_PATHS.block, { peer })
  }

  unblockPeer(peer: string): Promise<PeerRef> {
    return this.request('POST', FRIENDS_API_PATHS.unblock, { peer })
  }

  blocked(): Promise<BlockedListResponse> {
    return this.request('GET', FRIENDS_API_PATHS.blocked)
  }

  presenceSettings(): Promise<PresenceSettings> {
    return this.request('GET', FRIENDS_API_PATHS.presence)
  }

  /** Changes the settings given; those left out stay as they are. */
  setPresenceSettings(change: PresenceSettingsChange): Promise<PresenceSettings> {
    return this.request('PUT', FRIENDS_API_PATHS.presence, change)
  }

  /** Tells friend `peer` we are writing to them (repeat while typing), or that we stopped. */
  typing(peer: string, typing: boolean): Promise<Record<string, never>> {
    return this.request('POST', FRIENDS_API_PATHS.typing, { peer, typing })
  }

  // Rooms

  rooms(): Promise<RoomListResponse> {
    return this.request('GET', API_PATHS.rooms)
  }

  createRoom(body: CreateRoomRequest): Promise<CreateRoomResponse> {
    return this.request('POST', API_PATHS.rooms, body)
  }

  joinRoom(body: JoinRoomRequest): Promise<RoomSummary> {
    return this.request('POST', API_PATHS.roomsJoin, body)
  }

  leaveRoom(roomId: string): Promise<RoomSummary> {
    return this.request('POST', API_PATHS.roomsLeave, { roomId })
  }

  roomInvite(roomId: string): Promise<RoomInviteResponse> {
    return this.request('GET', withQuery(API_PATHS.roomsInvite, { room: roomId }))
  }

  roomMembers(roomId: string): Promise<RoomMembersResponse> {
    return this.request('GET', withQuery(API_PATHS.roomsMembers, { room: roomId }))
  }

  removeRoomMember(roomId: string, member: string): Promise<RoomMembersResponse> {
    return this.request('POST', API_PATHS.roomsRemove, { roomId, member })
  }

  setRoomRole(body: RoomRoleRequest): Promise<RoomMembersResponse> {
    return this.request('POST', API_PATHS.roomsRole, body)
  }

  renameRoom(roomId: string, name: string): Promise<RoomSummary> {
    return this.request('POST', API_PATHS.roomsRename, { roomId, name })
  }

  sendRoomMessage(
    roomId: string,
    text: string,
    options: Omit<SendRoomMessageRequest, 'roomId' | 'text'> = {},
  ): Promise<RoomMessageView> {
    const body: SendRoomMessageRequest = { roomId, text }
    if (options.replyTo != null) body.replyTo = options.replyTo
    if (options.forwarded === true) body.forwarded = true
    if (options.style != null) body.style = options.style
    if (options.mentions != null && options.mentions.length > 0) body.mentions = options.mentions
    return this.request('POST', API_PATHS.roomsMessages, body)
  }

  /** Edits our room message `id` (doc/message-actions.md). */
  editRoomMessage(roomId: string, id: string, text: string): Promise<RoomMessageView> {
    const body: RoomMessageActionRequest = { roomId, id, text }
    return this.request('POST', API_PATHS.roomsMessagesEdit, body)
  }

  /** Recalls our room message `id`, within RECALL_WINDOW_MS of sending. */
  recallRoomMessage(roomId: string, id: string): Promise<RoomMessageView> {
    const body: RoomMessageActionRequest = { roomId, id }
    return this.request('POST', API_PATHS.roomsMessagesRecall, body)
  }

  /** Sets our reaction on room message `id`; '' removes it. */
  reactToRoomMessage(roomId: string, id: string, emoji: string): Promise<RoomMessageView> {
    const body: RoomMessageActionRequest = { roomId, id, emoji }
    return this.request('POST', API_PATHS.roomsMessagesReact, body)
  }

  roomHistory(roomId: string, page: RoomPageOptions = {}): Promise<RoomHistoryResponse> {
    return this.request('GET', withQuery(API_PATHS.roomsMessages, { room: roomId, ...page }))
  }

  markRoomRead(roomId: string): Promise<RoomSummary> {
    return this.request('POST', API_PATHS.roomsRead, { roomId })
  }

  // The username directory

  registerName(body: RegisterNameRequest): Promise<NameView> {
    return this.request('POST', DIRECTORY_API_PATHS.register, body)
  }

  /** What a relay requires before it grants a name (default: the node's first connected relay). */
  signupPolicy(relay?: string): Promise<SignupPolicyView> {
    return this.request('GET', withQuery(DIRECTORY_API_PATHS.signupPolicy, { relay }))
  }

  /** Has the relay send a sign-up code, or prepare an OpenID login. */
  startVerification(body: StartVerificationRequest): Promise<VerificationView> {
    return this.request('POST', DIRECTORY_API_PATHS.verify, body)
  }

  verificationStatus(id: string, relay: string): Promise<VerificationView> {
    return this.request('GET', withQuery(DIRECTORY_API_PATHS.verification, { id, relay }))
  }

  releaseName(body: ReleaseNameRequest = {}): Promise<NameView> {
    return this.request('POST', DIRECTORY_API_PATHS.release, body)
  }

  lookupName(name: string): Promise<LookupView> {
    return this.request('GET', withQuery(DIRECTORY_API_PATHS.lookup, { name }))
  }

  searchNames(
    prefix: string,
    options: { limit?: number; relay?: string } = {},
  ): Promise<SearchView> {
    return this.request('GET', withQuery(DIRECTORY_API_PATHS.search, { prefix, ...options }))
  }

  setProfile(body: SetProfileRequest): Promise<ProfileView> {
    return this.request('PUT', DIRECTORY_API_PATHS.profile, body)
  }

  names(): Promise<NamesView> {
    return this.request('GET', DIRECTORY_API_PATHS.names)
  }

  // The identity's secrets and the relays (settings)

  exportKey(body: ExportKeyRequest): Promise<ExportKeyResponse> {
    return this.request('POST', IDENTITY_API_PATHS.exportKey, body)
  }

  backupPhrase(password: string, code?: string): Promise<BackupPhraseResponse> {
    const body: BackupPhraseRequest = { password, code }
    return this.request('POST', IDENTITY_API_PATHS.backupPhrase, body)
  }

  changePassword(body: ChangePasswordRequest): Promise<ChangePasswordResponse> {
    return this.request('POST', IDENTITY_API_PATHS.password, body)
  }

  /** A new account key; the node tells friends and starts again under it (a new peer id). */
  rotateKey(body: RotateKeyRequest): Promise<RotateKeyResponse> {
    return this.request('POST', IDENTITY_API_PATHS.rotate, body)
  }

  recoveryStatus(): Promise<RecoveryStatusResponse> {
    return this.request('GET', IDENTITY_API_PATHS.recovery)
  }

  /** A recovery phrase to show once (an account from before the commitment); nothing stored. */
  recoveryPhraseSetup(body: RecoveryPhraseSetupRequest): Promise<RecoveryPhraseSetupResponse> {
    return this.request('POST', IDENTITY_API_PATHS.recoverySetup, body)
  }

  /** Commits the account to the recovery phrase the user typed back. */
  commitRecoveryPhrase(body: CommitRecoveryPhraseRequest): Promise<RecoveryStatusResponse> {
    return this.request('POST', IDENTITY_API_PATHS.recoveryCommit, body)
  }

  /** Recovers the account with its recovery phrase: a new key that wins over a thief's. */
  recoverKey(body: RecoverKeyRequest): Promise<RotateKeyResponse> {
    return this.request('POST', IDENTITY_API_PATHS.recover, body)
  }

  twoFactorStatus(): Promise<TwoFactorStatusResponse> {
    return this.request('GET', IDENTITY_API_PATHS.twoFactor)
  }

  twoFactorSetup(): Promise<TwoFactorSetupResponse> {
    return this.request('POST', IDENTITY_API_PATHS.twoFactorSetup)
  }

  enableTwoFactor(body: EnableTwoFactorRequest): Promise<EnableTwoFactorResponse> {
    return this.request('POST', IDENTITY_API_PATHS.twoFactorEnable, body)
  }

  disableTwoFactor(body: DisableTwoFactorRequest): Promise<TwoFactorStatusResponse> {
    return this.request('POST', IDENTITY_API_PATHS.twoFactorDisable, body)
  }

  relays(): Promise<RelayListResponse> {
    return this.request('GET', RELAY_API_PATHS.list)
  }

  addRelay(address: string): Promise<RelayListResponse> {
    const body: RelayAddressRequest = { address }
    return this.request('POST', RELAY_API_PATHS.add, body)
  }

  removeRelay(address: string): Promise<RelayListResponse> {
    const body: RelayAddressRequest = { address }
    return this.request('POST', RELAY_API_PATHS.remove, body)
  }
}
