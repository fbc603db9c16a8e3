/**
 * What direct messaging needs from its neighbours, as small interfaces: the offline mailbox
 * and the prekey service (node/mailbox, node/prekeys) and the username directory. The node
 * passes the real services; unit tests pass stubs.
 */
import type { AbortOptions } from '@libp2p/interface'
import type { AttachmentContent } from '../../protocol/rich-content.ts'
import type { OneTimePrekey, PrekeyBundle, SignedPrekey } from '../../protocol/session/index.ts'
import type { DurableOp } from './durable-writer.ts'
import type { StoredAttachment } from './message-store.ts'

export interface MailboxDeposit {
  /** Names the deposit in later `mailbox:stored` updates. */
  slotId: string
  /** Replica holders that confirmed they stored it. */
  confirmed: number
  /** Replica holders it was sent to. */
  total: number
}

export interface CollectedEnvelope {
  slotId: string
  /**
   * The sender's Ed25519 key: the sender whose slot it was, or the one the inbox seal names
   * (first contact). Null when the mailbox cannot say; then only the ratchet vouches.
   */
  sender: Uint8Array | null
  envelope: Uint8Array
}

/** Detail of `mailbox:stored`, `mailbox:expired` events. */
export interface MailboxSlotDetail {
  slotId: string
  confirmed?: number
  total?: number
}

/**
 * The offline mailbox (node/mailbox): envelopes wait there, encrypted, while a peer is away.
 * Events: `mailbox:stored` (more replicas confirmed a deposit), `mailbox:expired` (a deposit
 * was dropped uncollected). It collects only when asked: messaging is a node's one collector.
 */
export interface MailboxPort extends EventTarget {
  /** Leaves `envelope` for `recipient` in the slot only the two of us can find. */
  deposit(
    recipient: Uint8Array,
    envelope: Uint8Array,
    options?: AbortOptions,
  ): Promise<MailboxDeposit>
  /** Leaves `envelope` in the recipient's inbox: for a recipient who does not know us yet. */
  depositToInbox(
    recipient: Uint8Array,
    envelope: Uint8Array,
    options?: AbortOptions,
  ): Promise<MailboxDeposit>
  /**
   * What waits for us from `senders`, and in our inbox; `onEnvelope` gets each one as soon as
   * it is read, before the collection ends.
   */
  collect(
    senders: Uint8Array[],
    options?: AbortOptions & { onEnvelope?: (envelope: CollectedEnvelope) => void },
  ): Promise<CollectedEnvelope[]>
  /** Called once the envelope is durably stored (or will never be usable): delete it. */
  acknowledge(slotId: string, options?: AbortOptions): Promise<void>
  /** Stop keeping a deposit alive: the recipient has it already. */
  withdraw(slotId: string, options?: AbortOptions): Promise<void>
}

/** Our prekeys and other peers' published bundles (node/prekeys). */
export interface PrekeyPort {
  /** The peer's bundle, signature verified. Throws when none can be found. */
  fetchBundle(peer: Uint8Array, options?: AbortOptions): Promise<PrekeyBundle>
  /** Our signed prekey with this id, if we still have it. */
  signedPrekey(id: number): Promise<SignedPrekey | undefined>
  /**
   * Our one-time prekey with this id, left in place: a session start is accepted first, so a
   * forged start cannot burn the prekey a genuine one names.
   */
  peekOneTimePrekey(id: number): Promise<OneTimePrekey | undefined>
  /**
   * The operation deleting one-time prekey `id`, committed in the batch that stores the
   * session its start created: used once, even across a crash.
   */
  deleteOneTimePrekeyOp(id: number): DurableOp
  /** Called once that batch is committed (the service republishes without the key). */
  oneTimePrekeyDeleted(id: number): void
}

/**
 * Friends (node/friends), as messaging sees them: where decrypted social messages go, and
 * whose envelopes are dropped unread.
 */
export interface SocialPort {
  /** True when the user blocked `peer`: its envelopes are dropped before decryption. */
  isBlocked(peer: Uint8Array): boolean
  /**
   * A social message from `peer` (an encoded FriendMessage). Resolves once it is durably
   * taken in; may be called again with the same message after a crash. Runs inside the
   * peer's messaging lane, so it must not wait on messaging work for that peer.
   */
  receive(peer: Uint8Array, payload: Uint8Array, sentAtMs: number): Promise<void>
}

/**
 * Voice calls (node/calls), as messaging sees them: where decrypted call signals go. A signal
 * is not durable (a call does not outlive the node's run), so taking it in is synchronous.
 */
export interface CallPort {
  /**
   * A call signal from `peer` (an encoded CallSignal), written on the peer's clock at
   * `sentAtMs`. Runs inside the peer's messaging lane: it must not wait on messaging work.
   */
  receive(peer: Uint8Array, payload: Uint8Array, sentAtMs: number): void
}

/** Username lookup (node/directory): the Ed25519 key registered under a name. */
export type UsernameLookup = (
  username: string,
  options?: AbortOptions,
) => Promise<Uint8Array | undefined>

/** A device of an account, as fan-out needs it: its key and since when it is certified. */
export interface AccountDevice {
  key: Uint8Array
  /** When the account certified it (ms): texts sent before then are not copied to it. */
  createdMs: number
}

/**
 * Which devices an account has (node/devices): friends' signed device lists and our own.
 * Keys are raw Ed25519. A peer we hold no list for has one device, its own key.
 */
export interface AccountDevicesPort {
  /** The current devices of a peer's account other than the peer's own key. */
  otherDevicesOf(account: Uint8Array): AccountDevice[]
  /** Our own account's current devices other than this one. */
  ownOtherDevices(): AccountDevice[]
  /** The friend's account `device` belongs to, when it is not that account's own key. */
  friendAccountOf(device: Uint8Array): Uint8Array | undefined
  /** True when `device` is another current device of our own account. */
  isOwnDevice(device: Uint8Array): boolean
  /** True when a held list (a friend's or ours) names `device` as revoked. */
  isRevoked(device: Uint8Array): boolean
  /** True once our account's list revoked this device: it sends nothing as the account. */
  thisDeviceRevoked(): boolean
}

/**
 * Our sent files (node/attachments), as fan-out needs them: a copy for another device
 * carries what the peer's text carried, which our history keeps without the file's key or
 * bytes (the attachments store has both, sealed at rest).
 */
export interface SentFilesPort {
  /**
   * The attachment of our text as it went to the peer (with the offer's key, or the bytes of
   * a file sent inline); undefined when the store no longer knows it as ours. Rejects
   * (SentFilesUnavailableError) while the store is not there yet: the page is taken again.
   */
  sentAttachment(stored: StoredAttachment): Promise<AttachmentContent | undefined>
}
