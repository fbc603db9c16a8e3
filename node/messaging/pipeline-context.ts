/**
 * What the parts of the 1:1 pipeline share: its options and answers (the types its callers
 * see, exported by index.ts) and the context each part is built with: the
 * stores, the lanes, the mailbox slots of our deposits, and whether the pipeline has stopped.
 *
 * The parts (outbound.ts, transmission.ts, delivery-state.ts, inbound.ts, mailbox-intake.ts,
 * history-views.ts) hold no state of their own beyond what they alone use; everything they
 * share lives here or in a peer's lane (peer-lane.ts), and the facade (message-pipeline.ts)
 * builds it once. Each part names what it needs of the others in a small `...Deps`
 * interface, which the facade fills, so a part can be read, and tested, on its own.
 */
import type { Logger } from '@libp2p/interface'
import type { MessageStateChange, MessageView } from '../../protocol/local-api.ts'
import type { DmAckStatus, DmEnvelope } from '../../protocol/messaging.ts'
import type { Identity } from '../identity/index.ts'
import type { AppLevel } from '../storage.ts'
import { MessagingStoppedError } from './errors.ts'
import type { ActionHome } from './message-actions.ts'
import type { MessageStore, SentAction } from './message-store.ts'
import type { PeerLane } from './peer-lane.ts'
import type { ReceiveRejection } from './peer-sessions.ts'
import type { CallPort, MailboxPort, PrekeyPort, SocialPort } from './ports.ts'
import type { SessionStore } from './session-store.ts'

/** Hands envelopes to a peer's node directly; the acks come back through `handleAck`. */
export interface DirectLink {
  /** False when the peer cannot be reached now. */
  send(peer: Uint8Array, envelope: DmEnvelope): Promise<boolean>
}

export interface ReceiveSource {
  kind: 'direct' | 'mailbox'
  /**
   * Who delivered it: the stream's remote identity (direct), the mailbox slot's sender, or
   * null for the mailbox inbox, where only the ratchet vouches for the sender.
   */
  sender: Uint8Array | null
}

export interface ReceiveOutcome {
  status: DmAckStatus
  /** For REJECTED: why, in words for the log, and a stable code for penalties. */
  reason?: string
  code?: ReceiveRejection['code'] | 'held-limit'
  /** For REJECTED: true when only a faulty or hostile peer sends this (worth a penalty). */
  hostile?: boolean
  /** True when the envelope was a text (so a delivered receipt makes sense). */
  text?: boolean
  /** True when it was a social message (which gets a delivered receipt too). */
  social?: boolean
}

export interface MessagePipelineInit {
  db: AppLevel
  identity: Identity
  prekeys: PrekeyPort
  mailbox?: MailboxPort
  /** Friends (node/friends): takes social messages and says whose envelopes to drop. */
  social?: SocialPort
  /** Voice calls (node/calls): takes call signals. */
  calls?: CallPort
  link: DirectLink
  log: Logger
  emit: <T extends 'message:received' | 'message:updated' | 'message:state'>(
    type: T,
    data: T extends 'message:state' ? MessageStateChange : MessageView,
  ) => void
  /** How long after sending a message its recall is honoured. @default RECALL_WINDOW_MS */
  recallWindowMs?: number
  /**
   * Accounts with several devices (message-actions.ts): where an action from `sender` acts,
   * the conversation that shows its target and who acted; undefined: the sender's own
   * conversation, the peer acting; null: nowhere (dropped). @default undefined
   */
  actionHome?(sender: Uint8Array, sentTo: Uint8Array | undefined): ActionHome | null | undefined
  /** Our action, just applied: its copies for the other devices of both accounts. */
  copyAction?(peer: Uint8Array, sent: SentAction): Promise<unknown>
  /** @default true */
  readReceipts?: boolean
  /** @default 5000 */
  ackTimeoutMs?: number
  /** @default 10000 */
  maxHeldPerConversation?: number
  /** @default 30 days */
  giveUpAfterMs?: number
  /**
   * A peer without a published bundle (never online yet) is looked up again 1 s after the
   * first failure, the wait doubling up to this; connecting to the peer looks at once.
   * @default 10000
   */
  bundleRetryMs?: number
  /**
   * Sync every write to disk before acting on it. Only simulations and benchmarks turn this
   * off: a crash could then lose messages already acknowledged.
   * @default true
   */
  syncWrites?: boolean
}

/** Why a message is shown as failed. */
export const FailureReason = {
  refused:
    "the recipient's node refused the message twice, the second time in a fresh session: it cannot read messages from us",
  expired: 'not delivered before the give-up time; the recipient has not been online since',
  keyChanged:
    'the friend changed their key before this was delivered; it was sent again to the new key',
} as const

export const DEFAULT_ACK_TIMEOUT_MS = 5_000
export const DEFAULT_MAX_HELD = 10_000
export const DEFAULT_GIVE_UP_AFTER_MS = 30 * 24 * 3600 * 1000

/** Where a mailbox deposit of ours came from: the peer's lane and the outbox entry's id. */
export interface DepositSlot {
  peerHex: string
  id: string
}

/** What every part of the pipeline is built with (filled by the facade). */
export interface PipelineContext {
  readonly init: MessagePipelineInit
  readonly store: MessageStore
  readonly sessions: SessionStore
  /** Our identity key. */
  readonly myKey: Uint8Array
  /** Every lane opened so far, by the peer's key in hex. */
  readonly lanes: ReadonlyMap<string, PeerLane>
  /** The peer's lane, opened on first use. */
  lane(peer: Uint8Array): PeerLane
  /** Our mailbox deposits still kept alive, by slot id (for `mailbox:stored` and expiry). */
  readonly slots: Map<string, DepositSlot>
  /** True once the pipeline began to stop: nothing new starts and nothing leaves. */
  readonly stopped: boolean
}

/** Throws the error the API shows when the pipeline is used after it stopped. */
export function checkRunning(ctx: PipelineContext): void {
  if (ctx.stopped) throw new MessagingStoppedError('messaging is stopped; start the node again')
}
