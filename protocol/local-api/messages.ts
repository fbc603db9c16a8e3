/** 1:1 texts: sending, the inbox, a conversation's history, delivery states. */
import type { AttachmentView } from './files.ts'

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
