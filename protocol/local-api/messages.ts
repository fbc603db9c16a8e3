/** 1:1 texts: sending, the inbox, a conversation's history, delivery states. */
import { z } from 'zod'
import { AttachmentView } from './files.ts'
import { API_PATHS } from './paths.ts'
import { apiRoute, messageId, named, nonEmpty, queryCount } from './route.ts'

/**
 * Where an outgoing 1:1 message is, in this order: `queued` (kept by the sender's node),
 * `stored` (left in the offline mailbox, on `replicas.confirmed` of `replicas.total` peers),
 * `delivered` (the recipient's node has stored it), `read` (the recipient marked it read).
 * `failed` only when it can never be delivered; `failure` says why.
 */
export const DeliveryState = z.enum(['queued', 'stored', 'delivered', 'read', 'failed'])
export type DeliveryState = z.infer<typeof DeliveryState>

/**
 * Why an outgoing message is still `queued`, as the node knows it now: `prekeys` (no session
 * with the recipient yet: their prekey bundle, which they publish once online, is being looked
 * for), `awaiting-ack` (sent over a connection, the recipient's node has not confirmed yet),
 * `depositing` (being put in the offline mailbox), `unreachable` (neither the recipient nor
 * the mailbox could be reached: it goes to the mailbox as soon as a relay or DHT server answers).
 */
export const QueuedReasonCode = z.enum(['prekeys', 'awaiting-ack', 'depositing', 'unreachable'])
export type QueuedReasonCode = z.infer<typeof QueuedReasonCode>

export const QueuedReason = named(
  'QueuedReason',
  z.object({
    code: QueuedReasonCode,
    /** The same, for people. */
    message: z.string(),
  }),
)
export type QueuedReason = z.infer<typeof QueuedReason>

export const MailboxReplicas = named(
  'MailboxReplicas',
  z.object({
    confirmed: z.number(),
    total: z.number(),
  }),
)
export type MailboxReplicas = z.infer<typeof MailboxReplicas>

/** The peer's account moved to a new key; the conversation goes on under it. */
export const KeyChangeView = named(
  'KeyChangeView',
  z.object({
    /** The peer id of the key it replaced. */
    previousPeerId: z.string(),
    /** The new key's fingerprint (safety number), to compare with the peer's. */
    fingerprint: z.string(),
  }),
)
export type KeyChangeView = z.infer<typeof KeyChangeView>

/** Style attributes of a text, carried end to end for clients to render. */
export const MessageStyle = named(
  'MessageStyle',
  z.object({
    bold: z.boolean().optional(),
    italic: z.boolean().optional(),
    /** `#rrggbb`. */
    color: z.string().optional(),
    /** Font size in points, 6..72. */
    size: z.number().optional(),
  }),
)
export type MessageStyle = z.infer<typeof MessageStyle>

/** The message a reply answers, as shown above it. */
export const QuoteView = named(
  'QuoteView',
  z.object({
    id: z.string(),
    /** The rest is absent when the message is not on this node (deleted, or never here). */
    direction: z.enum(['in', 'out']).optional(),
    /** Rooms: the author's peer id. */
    from: z.string().optional(),
    /** At most MAX_QUOTE_PREVIEW_LENGTH characters. */
    text: z.string().optional(),
    recalled: z.boolean().optional(),
    /** The file's name when the message carries one. */
    attachmentName: z.string().optional(),
  }),
)
export type QuoteView = z.infer<typeof QuoteView>

export const ReactionView = named(
  'ReactionView',
  z.object({
    emoji: z.string(),
    /** Our own reaction. */
    mine: z.boolean(),
    /** Rooms: who reacted (peer id). */
    from: z.string().optional(),
  }),
)
export type ReactionView = z.infer<typeof ReactionView>

/** One 1:1 text, either way. */
export const MessageView = named(
  'MessageView',
  z.object({
    /** 16 random bytes, hex. */
    id: z.string(),
    /** The other party. */
    peerId: z.string(),
    direction: z.enum(['in', 'out']),
    /** Position in its sender's conversation with the recipient, from 1. */
    seq: z.number(),
    text: z.string(),
    /** The sender's clock, ms since the Unix epoch. */
    sentAt: z.number(),
    /** This node's clock when it stored the message (incoming) or queued it (outgoing). */
    storedAt: z.number(),
    /** Outgoing messages only. */
    state: DeliveryState.optional(),
    replicas: MailboxReplicas.optional(),
    failure: z.string().optional(),
    /** Outgoing `queued` messages in a history page: why they wait. */
    queuedReason: QueuedReason.optional(),
    /** How the sender styled the text; absent: the default look. */
    style: MessageStyle.optional(),
    /** A file or image sent with the text (the text is then a caption, possibly empty). */
    attachment: AttachmentView.optional(),
    /**
     * Set on the line a node adds when the peer changed its key (a key rotation its node took):
     * no text of the peer's, but a notice in the conversation, `text` saying it in words.
     */
    keyChange: KeyChangeView.optional(),
    /**
     * An outgoing text our account sent from another of its devices (that device's peer id);
     * its delivery state is known on that device only.
     */
    sentFrom: z.string().optional(),
    /** The message this one answers (doc/message-actions.md); history pages fill in the rest. */
    replyTo: QuoteView.optional(),
    /** Set once its author edited it: when, on the author's clock. */
    editedAt: z.number().optional(),
    /** Its author recalled it: `text` is empty and no style or file is left. */
    recalled: z.boolean().optional(),
    /** One emoji per person who reacted. */
    reactions: z.array(ReactionView).optional(),
    /** Its sender forwarded it from another conversation. */
    forwarded: z.boolean().optional(),
  }),
)
export type MessageView = z.infer<typeof MessageView>

export const MessageStateChange = named(
  'MessageStateChange',
  z.object({
    id: z.string(),
    peerId: z.string(),
    state: DeliveryState,
    replicas: MailboxReplicas.optional(),
    failure: z.string().optional(),
  }),
)
export type MessageStateChange = z.infer<typeof MessageStateChange>

/** Our text to a peer with several devices: its state there, and on each device. */
export const MessageDevicesResponse = named(
  'MessageDevicesResponse',
  z.object({
    id: z.string(),
    peerId: z.string(),
    /** On at least one of the peer's devices. */
    state: DeliveryState,
    /** The peer's own device (its peer id) first, then its account's other devices. */
    devices: z.array(z.object({ peerId: z.string(), state: DeliveryState })),
  }),
)
export type MessageDevicesResponse = z.infer<typeof MessageDevicesResponse>

export const SendMessageRequest = named(
  'SendMessageRequest',
  z.object({
    /** A peer id, a hex Ed25519 public key, or a username. */
    to: nonEmpty(),
    text: nonEmpty(),
    style: MessageStyle.optional(),
    /** The id of the message (either side's) this one answers. */
    replyTo: messageId().optional(),
    /** Forwarded from another conversation: the recipient sees it marked so. */
    forwarded: z.boolean().optional(),
  }),
)
export type SendMessageRequest = z.infer<typeof SendMessageRequest>

/**
 * An action on message `id` of the conversation with `peer` (doc/message-actions.md):
 * `POST /v1/messages/edit` with `text` (our own messages), `/recall` (ours, within
 * RECALL_WINDOW_MS of sending), `/react` with `emoji` ('' removes ours). Each answers the
 * message as it is now (MessageView); `message:updated` follows on both sides.
 */
export const MessageActionRequest = named(
  'MessageActionRequest',
  z.object({
    /** A peer id, a hex Ed25519 public key, or a username. */
    peer: nonEmpty(),
    id: messageId(),
    /** The new text (edit). */
    text: z.string().optional(),
    /** One emoji, or '' to remove ours (react). */
    emoji: z.string().optional(),
  }),
)
export type MessageActionRequest = z.infer<typeof MessageActionRequest>

export const SendMessageResponse = named(
  'SendMessageResponse',
  z.object({
    id: z.string(),
    peerId: z.string(),
    seq: z.number(),
    state: DeliveryState,
  }),
)
export type SendMessageResponse = z.infer<typeof SendMessageResponse>

export const ConversationSummary = named(
  'ConversationSummary',
  z.object({
    peerId: z.string(),
    /** Incoming texts shown but not yet marked read. */
    unread: z.number(),
    /** Incoming texts stored but not shown yet: they wait for an earlier one that is missing. */
    held: z.number(),
    latest: MessageView.nullable(),
  }),
)
export type ConversationSummary = z.infer<typeof ConversationSummary>

export const InboxResponse = named(
  'InboxResponse',
  z.object({
    /** Most recent activity first. */
    conversations: z.array(ConversationSummary),
  }),
)
export type InboxResponse = z.infer<typeof InboxResponse>

export const HistoryResponse = named(
  'HistoryResponse',
  z.object({
    peerId: z.string(),
    /** Oldest first: each direction in seq order, as shown. */
    messages: z.array(MessageView),
    held: z.number(),
    unread: z.number(),
    /** Pass as `before` for the page of older messages; null when there is none. */
    nextBefore: z.number().nullable(),
  }),
)
export type HistoryResponse = z.infer<typeof HistoryResponse>

export const MarkReadRequest = named(
  'MarkReadRequest',
  z.object({
    /** A peer id, a hex Ed25519 public key, or a username. */
    peer: nonEmpty(),
  }),
)
export type MarkReadRequest = z.infer<typeof MarkReadRequest>

export const MarkReadResponse = named(
  'MarkReadResponse',
  z.object({
    peerId: z.string(),
    /** Seq of the last incoming text now marked read (0 when none). */
    readUpToSeq: z.number(),
  }),
)
export type MarkReadResponse = z.infer<typeof MarkReadResponse>

/** 1:1 texts. */
export const MESSAGES_ROUTES = {
  send: apiRoute({
    method: 'POST',
    path: API_PATHS.messages,
    summary: 'Sends a 1:1 text',
    body: SendMessageRequest,
    response: SendMessageResponse,
    errors: ['forbidden', 'rate-limited'],
  }),
  edit: apiRoute({
    method: 'POST',
    path: API_PATHS.messagesEdit,
    summary: 'Edits our message',
    body: MessageActionRequest.extend({ text: z.string() }),
    response: MessageView,
    errors: ['forbidden'],
  }),
  recall: apiRoute({
    method: 'POST',
    path: API_PATHS.messagesRecall,
    summary: 'Recalls (deletes for everyone) our message, within the recall window',
    body: MessageActionRequest,
    response: MessageView,
    errors: ['forbidden'],
  }),
  react: apiRoute({
    method: 'POST',
    path: API_PATHS.messagesReact,
    summary: 'Sets or removes our reaction to a message',
    body: MessageActionRequest.extend({ emoji: z.string() }),
    response: MessageView,
    errors: ['forbidden'],
  }),
  devices: apiRoute({
    method: 'GET',
    path: API_PATHS.messageDevices,
    summary: "Our text's delivery state on each of the peer's devices",
    query: z.object({ peer: nonEmpty(), id: nonEmpty() }),
    response: MessageDevicesResponse,
  }),
  inbox: apiRoute({
    method: 'GET',
    path: API_PATHS.inbox,
    summary: '1:1 conversations, most recent first',
    response: InboxResponse,
  }),
  history: apiRoute({
    method: 'GET',
    path: API_PATHS.history,
    summary: "A page of a 1:1 conversation's history, oldest first",
    query: z.object({
      peer: nonEmpty(),
      limit: queryCount().optional(),
      /** The `nextBefore` of the newer page. */
      before: queryCount().optional(),
    }),
    response: HistoryResponse,
  }),
  markRead: apiRoute({
    method: 'POST',
    path: API_PATHS.conversationsRead,
    summary: 'Marks a 1:1 conversation read',
    body: MarkReadRequest,
    response: MarkReadResponse,
  }),
}
