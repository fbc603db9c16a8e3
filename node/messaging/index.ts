/**
 * Encrypted 1:1 messaging: the ratchet sessions (protocol/session) persisted per peer, direct
 * delivery on DM_PROTOCOL with acks, the offline mailbox when the peer is away, exactly-once
 * in-order delivery and per-message delivery states. See doc/messaging.md.
 *
 * @example
 * ```ts
 * import { DirectMessages } from './node/messaging/index.ts'
 *
 * const messages = new DirectMessages(
 *   { host, db: storage.sublevel('messaging'), identity, prekeys, mailbox, emit },
 *   { ackTimeoutMs: 5000, readReceipts: true },
 * )
 * await messages.start()
 * const { id, state } = await messages.send(bobPeerId, 'hello bob') // state: 'queued'
 * // 'message:state' events follow: stored, delivered, read
 * await messages.stop()
 * ```
 */
export { messagingRoutes } from './api-routes.ts'
export {
  DEFAULT_COLLECT_INTERVAL_MS,
  DEFAULT_RETRY_INTERVAL_MS,
  DirectMessages,
  type DirectMessagesComponents,
  type DirectMessagesInit,
} from './direct-messages.ts'
export { DmChannels } from './dm-channels.ts'
export * from './errors.ts'
export { FeedFollower, type FeedFollowerInit } from './feed-follower.ts'
export {
  FeedReader,
  type HistoryChange,
  type HistoryEntry,
  HistoryFeed,
} from './history-feed.ts'
export type { ImportedRecord, ImportOutcome } from './imported-history.ts'
export { MessagePipeline } from './message-pipeline.ts'
export {
  attachmentView,
  type HistoryRecord,
  type StoredAttachment,
  storedAttachment,
} from './message-store.ts'
export {
  DEFAULT_ACK_TIMEOUT_MS,
  DEFAULT_GIVE_UP_AFTER_MS,
  DEFAULT_MAX_HELD,
  type DirectLink,
  FailureReason,
  type MessagePipelineInit,
  type ReceiveOutcome,
  type ReceiveSource,
} from './pipeline-context.ts'
export type {
  AccountDevice,
  AccountDevicesPort,
  CallPort,
  CollectedEnvelope,
  MailboxDeposit,
  MailboxPort,
  MailboxSlotDetail,
  PrekeyPort,
  SentFilesPort,
  SocialPort,
  UsernameLookup,
} from './ports.ts'
