/**
 * Fan-out to every device of an account (doc/accounts.md, "Messaging across devices"). A text
 * we send to a peer goes, as sent, to the peer's own key; this module queues a copy of it for
 * each other current device of the peer's account, and one for each other device of our own
 * account, naming the peer (own-device sync). A copy is an ordinary text in that device's own
 * lane: its own X3DH + Double Ratchet session (sessions are kept per device key, and a device
 * key is certified for one account), its own seqs, acks and mailbox slot while it is away.
 * Conversations with such devices are hidden from the inbox (`hides`); what arrives in them
 * is shown where it belongs by device-mirror.ts.
 *
 * Guarantees, and how:
 * - every text reaches every device listed when it is sent: copies are made by following the
 *   history feed (reader `device-fan-out`), so a crash between a text's write and its copies
 *   brings the text again; a copy's id is derived from the text's id and the device, and
 *   Outbound queues an id once (also twice in one batch), so a text brought again is not
 *   copied twice. `copyNow` queues them as the text's send resolves, sparing them the wait
 *   for the feed (the follower then finds them queued);
 * - a device gets no copies of texts sent before the account certified it (give or take
 *   CLOCK_SKEW_ALLOWANCE_MS between the two nodes' clocks);
 * - our message actions (edit, recall, react) go to every current device of both accounts
 *   (`copyAction`), whatever their target's age (a device linked later may hold it by a
 *   history transfer), naming their target by its common id; they are queued as the action's
 *   own call resolves, and again at start for an action a crash left without them
 *   (message-actions.ts): a copy's id
 *   is derived from the action's id and the device, so one still queued is not queued twice;
 * - the text's delivery state reads "on at least one of the peer's devices": a copy's state
 *   change raises the text's (DeliveryTracker.raise never lowers one); `detail` gives each
 *   device's own state;
 * - a text with a file is copied with the attachment as it went to the peer (the offer's
 *   key, or the bytes of a small file): `copyNow` has it from the send, the follower asks
 *   the attachments store (`files`), which serves the file to the devices copied to too.
 *   A text whose file the store no longer knows as ours is not copied (logged); while the
 *   store is not there yet (at start), the page fails and the feed brings it again.
 */
import { createHash } from 'node:crypto'
import type { Logger } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { bytesEqual, fromHex, toHex } from '../../protocol/bytes.ts'
import type { MessageDevicesResponse, MessageStateChange } from '../../protocol/local-api.ts'
import type { AttachmentContent } from '../../protocol/rich-content.ts'
import { peerIdOf } from '../identity/index.ts'
import { MessageNotFoundError } from './errors.ts'
import type { HistoryChange } from './history-feed.ts'
import type { MessagePipeline } from './message-pipeline.ts'
import type { HistoryRecord, SentAction } from './message-store.ts'
import type { AccountDevice, AccountDevicesPort, SentFilesPort } from './ports.ts'

/** A device certified this long after a text was stored still gets it (clocks differ). */
export const CLOCK_SKEW_ALLOWANCE_MS = 10 * 60_000
const COPY_ID_DOMAIN = 'tokenim/device-copy/1'

export interface DeviceFanOutInit {
  pipeline: MessagePipeline
  devices: AccountDevicesPort
  myKey: Uint8Array
  log: Logger
  /** Our sent files' keys and bytes: without it, a text with a file is not copied. */
  files?: SentFilesPort
}

export class DeviceFanOut {
  readonly #init: DeviceFanOutInit

  constructor(init: DeviceFanOutInit) {
    this.#init = init
  }

  /**
   * True for a conversation the user does not see: with another device of a friend, or ours,
   * or one its account revoked.
   */
  hides(peer: Uint8Array): boolean {
    const devices = this.#init.devices
    return (
      devices.isOwnDevice(peer) || devices.friendAccountOf(peer) != null || devices.isRevoked(peer)
    )
  }

  /**
   * An event of the pipeline: those about hidden conversations are taken here (a copy's state
   * raises the text's) and not shown. True when the event is taken.
   */
  takesEvent(
    type: 'message:received' | 'message:updated' | 'message:state',
    data: { peerId: string },
  ): boolean {
    const peer = keyOf(data.peerId)
    if (peer == null || !this.hides(peer)) return false
    if (type === 'message:state') {
      this.#copyState(peer, data as MessageStateChange).catch((err: Error) =>
        this.#init.log.error('raising the state of a copied text failed: %s', err.message),
      )
    }
    return true
  }

  /** Our text `id` to `peer`, with its state on each of the peer's devices. */
  async detail(peer: Uint8Array, id: string): Promise<MessageDevicesResponse> {
    const { pipeline, devices } = this.#init
    const record = await pipeline.sentRecord(peer, id)
    if (record == null || record.copyOf != null || record.direction !== 'out') {
      throw new MessageNotFoundError(
        `no text of ours with id ${id} to ${peerIdOf({ publicKey: peer })}`,
      )
    }
    const peerId = peerIdOf({ publicKey: peer }).toString()
    const own = (await pipeline.ownDeviceState(peer, id)) ?? record.state ?? 'queued'
    const result: MessageDevicesResponse = {
      id,
      peerId,
      state: record.state ?? 'queued',
      devices: [{ peerId, state: own }],
    }
    for (const device of copiedTo(devices.otherDevicesOf(peer), record.storedAt)) {
      const copy = await pipeline.sentRecord(device.key, toHex(copyId(id, device.key)))
      result.devices.push({
        peerId: peerIdOf({ publicKey: device.key }).toString(),
        state: copy?.state ?? 'queued',
      })
    }
    return result
  }

  async #copyState(device: Uint8Array, change: MessageStateChange): Promise<void> {
    if (change.state === 'queued' || change.state === 'failed') return
    const { pipeline, devices } = this.#init
    const copy = await pipeline.sentRecord(device, change.id)
    if (copy?.copyOf == null) return
    const account = fromHex(copy.copyOf.peer)
    // Our own devices' copies say nothing about the peer's.
    const owner = devices.friendAccountOf(device)
    if (owner == null || !bytesEqual(owner, account)) return
    await pipeline.raiseState(account, copy.copyOf.id, change.state)
  }

  /**
   * Queues the copies of a text just sent, without waiting for the feed: the follower brings
   * the text again later and finds them queued. Call it as the text's own send resolves, so
   * copies are queued in the order of the texts.
   */
  copyNow(
    peer: Uint8Array,
    record: HistoryRecord,
    attachment?: AttachmentContent,
  ): Promise<unknown> {
    return Promise.all(this.#queueCopies(toHex(peer), record, attachment))
  }

  /**
   * A page of the history feed (reader `device-fan-out`): copies of the texts we sent in it.
   * A file's key is looked up before the text's copies are queued, and before the next
   * text's, so copies keep the order of the texts.
   */
  async take(entries: HistoryChange[]): Promise<undefined> {
    const queued: Array<Promise<unknown>> = []
    for (const entry of entries) {
      if (entry.kind !== 'added') continue
      const { peerHex, record } = entry
      let attachment: AttachmentContent | undefined
      if (record.attachment != null && this.#wants(fromHex(peerHex), record)) {
        attachment = await this.#init.files?.sentAttachment(record.attachment)
      }
      queued.push(...this.#queueCopies(peerHex, record, attachment))
    }
    await Promise.all(queued)
    return undefined
  }

  /**
   * Our action on a message of the conversation with `peer`, applied here and queued for the
   * peer: the same action for each other current device of the peer's account and of ours
   * (naming the peer), whatever the target's age: a device certified after the target was
   * stored may hold it by a history transfer, and one that does not keeps the action waiting
   * within the bounds of waiting-actions.ts.
   */
  async copyAction(peer: Uint8Array, sent: SentAction): Promise<void> {
    if (this.hides(peer)) return
    const pipeline = this.#init.pipeline
    await Promise.all(
      this.#targets(peer).map(({ device, sentTo }) =>
        pipeline.queueAction(device.key, sent, sentTo),
      ),
    )
  }

  /** Whether `record`, in the conversation with `peer`, is copied to any device. */
  #wants(peer: Uint8Array, record: HistoryRecord): boolean {
    return isOwnText(record) && !this.hides(peer) && this.#targets(peer, record.storedAt).length > 0
  }

  /**
   * Queues (synchronously, each in its device's lane) the copies `record` needs; a text with
   * a file, with `attachment` as it went to the peer.
   */
  #queueCopies(
    peerHex: string,
    record: HistoryRecord,
    attachment?: AttachmentContent,
  ): Array<Promise<unknown>> {
    const { pipeline, log } = this.#init
    const peer = fromHex(peerHex)
    if (!this.#wants(peer, record)) return []
    if (record.attachment != null && attachment == null) {
      log.error(
        'the file of text %s is not ours in the store: not copied to other devices',
        record.id,
      )
      return []
    }
    const extras = { style: record.style, ...(attachment != null ? { attachment } : {}) }
    return this.#targets(peer, record.storedAt).map(({ device, sentTo }) =>
      pipeline.send(device.key, record.text, extras, {
        messageId: copyId(record.id, device.key),
        of: { peer: peerHex, id: record.id },
        sentTo,
      }),
    )
  }

  /**
   * The other devices of the peer's account, and of ours (naming the peer); with `storedAt`,
   * only those certified before something stored then (within the clock allowance).
   */
  #targets(
    peer: Uint8Array,
    storedAt?: number,
  ): Array<{ device: AccountDevice; sentTo?: Uint8Array }> {
    const { devices, myKey } = this.#init
    return [
      ...copiedTo(devices.otherDevicesOf(peer), storedAt).map((device) => ({ device })),
      ...copiedTo(devices.ownOtherDevices(), storedAt)
        .filter((device) => !bytesEqual(device.key, peer))
        .map((device) => ({ device, sentTo: peer })),
    ].filter(({ device }) => !bytesEqual(device.key, myKey))
  }
}

/** The id of the copy of text `id` for `device`: the same on every run. */
export function copyId(id: string, device: Uint8Array): Uint8Array {
  const hash = createHash('sha256').update(COPY_ID_DOMAIN).update(fromHex(id)).update(device)
  return new Uint8Array(hash.digest().subarray(0, 16))
}

/** A text the user sent from this device (not a copy, a mirrored one, or a notice). */
function isOwnText(record: HistoryRecord): boolean {
  return (
    record.direction === 'out' &&
    record.copyOf == null &&
    record.sentFrom == null &&
    record.keyChange == null
  )
}

/** The devices certified before `storedAt` (within the clock allowance); all without it. */
function copiedTo(devices: AccountDevice[], storedAt?: number): AccountDevice[] {
  if (storedAt == null) return devices
  return devices.filter((device) => device.createdMs - CLOCK_SKEW_ALLOWANCE_MS <= storedAt)
}

function keyOf(peerId: string): Uint8Array | undefined {
  try {
    const key = peerIdFromString(peerId).publicKey
    return key?.type === 'Ed25519' ? key.raw : undefined
  } catch {
    return undefined
  }
}
