/**
 * Direct delivery on DM_PROTOCOL: one long-lived stream per peer, reused for every message
 * both ways (whichever end opened it), framed by FramedStream within DM_STREAM_LIMITS.
 * Envelopes go one way, acks come back the other; an ack is written only once the pipeline
 * has the message on disk.
 *
 * Flow control: a channel keeps at most MAX_UNACKED_BYTES of envelopes sent and not yet
 * acked; further sends wait for acks, in order (send-window.ts). The recipient stops reading while it works
 * through MAX_PENDING_PER_STREAM envelopes, and a stream is reset once more than
 * DM_STREAM_LIMITS.maxBufferedBytes sit unread in it, so a burst written without waiting (an
 * outbox of thousands flushed when the peer connects) used to get its stream closed and then
 * retried, again and again.
 *
 * Path: a channel opened while a relay's circuit was the only connection moves to a direct
 * connection once one exists (the LAN upgrade, a punched hole): when the direct connection
 * opens, an idle channel on the circuit (nothing unacked, nobody waiting) is closed, and the
 * next send opens one on the direct connection. A busy channel is left to finish and moves
 * as soon as it falls idle (its last ack, or the last envelope it received, done).
 *
 * Hostile input: a frame that breaks the framing (a length prefix too long or too large, a
 * frame that stalls, bytes past the buffer) resets the stream at once;
 * a malformed frame, a forged sender or an envelope the pipeline rejects as hostile counts
 * against the stream, which is closed after `maxBadFrames`. Each one is logged with its reason and
 * reported to `onPenalty`, which counts per peer.
 */
import type { Connection, Libp2p, Logger, Stream } from '@libp2p/interface'
import { FramedStream, isStreamEnd, streamCounts } from '../../network/index.ts'
import {
  openConnectionTo,
  openPeerStream,
  type PeerStreamHost,
} from '../../network/peer-streams.ts'
import { toHex } from '../../protocol/bytes.ts'
import { FramingError } from '../../protocol/errors.ts'
import { DM_PROTOCOL } from '../../protocol/ids.ts'
import { DM_STREAM_LIMITS } from '../../protocol/limits.ts'
import {
  DmAckStatus,
  type DmEnvelope,
  type DmFrameValue,
  decodeDmFrame,
  encodeDmFrame,
  MAX_ACK_REASON_LENGTH,
} from '../../protocol/messaging.ts'
import { peerIdOf } from '../identity/index.ts'
import { ServiceLifecycle } from '../service-lifecycle.ts'
import { MessagingStoppedError } from './errors.ts'
import type { MessagePipeline } from './message-pipeline.ts'
import type { DirectLink } from './pipeline-context.ts'
import { SendWindow } from './send-window.ts'

/** Envelopes from one stream being processed at once; reading pauses beyond it. */
const MAX_PENDING_PER_STREAM = 256
/**
 * Envelope bytes (as framed) one channel may have sent without an ack. Well under the
 * 2 MiB a stream may hold unread (DM_STREAM_LIMITS), and over ten envelopes of the largest size, so
 * a burst of small texts still fills the pipe.
 */
export const MAX_UNACKED_BYTES = 1024 * 1024

export interface DmChannelsInit {
  host: PeerStreamHost &
    Pick<Libp2p, 'handle' | 'unhandle' | 'addEventListener' | 'removeEventListener'>
  pipeline: Pick<MessagePipeline, 'receive' | 'handleAck' | 'handleUnacked'>
  log: Logger
  /** @default 5 */
  maxBadFrames?: number
  /** @default 10000 */
  dialTimeoutMs?: number
  /**
   * How long sends may wait for room under MAX_UNACKED_BYTES while the peer acks nothing;
   * then they report the peer unreachable (the pipeline turns to the mailbox).
   * @default 10000
   */
  ackStallTimeoutMs?: number
  onPenalty?: (peerId: string, reason: string, total: number) => void
}

export class DmChannels implements DirectLink {
  readonly #init: DmChannelsInit
  readonly #channels = new Map<string, DmChannel>()
  /** Every open channel: both ends may have opened one at once, and the map keeps one. */
  readonly #live = new Set<DmChannel>()
  readonly #dialing = new Map<string, Promise<DmChannel | undefined>>()
  readonly #penalties = new Map<string, number>()
  readonly #lifecycle = new ServiceLifecycle(() => new MessagingStoppedError('messaging stopped'))

  constructor(init: DmChannelsInit) {
    this.#init = init
  }

  async start(): Promise<void> {
    if (!this.#lifecycle.start()) return
    await this.#init.host.handle(
      DM_PROTOCOL,
      (stream, connection) => this.#inbound(stream, connection),
      {
        ...streamCounts(DM_STREAM_LIMITS),
        runOnLimitedConnection: true,
      },
    )
    this.#init.host.addEventListener('connection:open', this.#onConnectionOpen)
  }

  async stop(): Promise<void> {
    await this.#lifecycle.stop(() =>
      this.#init.host.removeEventListener('connection:open', this.#onConnectionOpen),
    )
    await this.#init.host.unhandle(DM_PROTOCOL)
    for (const channel of this.#live) channel.abort(new Error('messaging stopped'))
    this.#channels.clear()
    this.#live.clear()
  }

  /** Bad frames counted per peer (hex key) since start. */
  penalties(peerHex: string): number {
    return this.#penalties.get(peerHex) ?? 0
  }

  async send(peer: Uint8Array, envelope: DmEnvelope): Promise<boolean> {
    const channel = await this.#channelTo(peer)
    if (channel == null) return false
    try {
      return await channel.sendEnvelope(envelope)
    } catch (err) {
      this.#init.log('write to %s failed: %s', channel.peerId, (err as Error).message)
      channel.abort(err as Error)
      return false
    }
  }

  async #channelTo(peer: Uint8Array): Promise<DmChannel | undefined> {
    if (!this.#lifecycle.running) return undefined
    const peerHex = toHex(peer)
    const open = this.#channels.get(peerHex)
    if (open?.isWritable === true && !this.#leaveRelay(open)) return open
    let dialing = this.#dialing.get(peerHex)
    if (dialing == null) {
      dialing = this.#dial(peer).finally(() => this.#dialing.delete(peerHex))
      this.#dialing.set(peerHex, dialing)
    }
    return dialing
  }

  readonly #onConnectionOpen = (event: CustomEvent<Connection>): void => {
    const key = event.detail.remotePeer.publicKey
    if (event.detail.limits != null || key?.type !== 'Ed25519') return
    const peerHex = toHex(key.raw)
    for (const channel of this.#live) {
      if (toHex(channel.peerKey) === peerHex) this.#leaveRelay(channel)
    }
  }

  /** Closes an idle channel on a relay's circuit when a direct connection exists. */
  #leaveRelay(channel: DmChannel): boolean {
    if (!channel.relayed || !channel.idle || !this.#directConnectionTo(channel.peerKey)) {
      return false
    }
    this.#init.log(
      'moving the channel to %s off the relay: a direct connection exists',
      channel.peerId,
    )
    channel.close()
    return true
  }

  #directConnectionTo(peer: Uint8Array): boolean {
    return openConnectionTo(this.#init.host, peerIdOf({ publicKey: peer }))?.limits == null
  }

  async #dial(peer: Uint8Array): Promise<DmChannel | undefined> {
    const peerId = peerIdOf({ publicKey: peer })
    try {
      // Texts are small: a relay's limited circuit may carry them when no direct path exists.
      const stream = await openPeerStream(this.#init.host, peerId, DM_PROTOCOL, {
        signal: AbortSignal.timeout(this.#init.dialTimeoutMs ?? 10_000),
      })
      const relayed = !this.#directConnectionTo(peer)
      return this.#open(stream, Uint8Array.from(peer), peerId.toString(), relayed)
    } catch (err) {
      this.#init.log('cannot reach %s directly: %s', peerId.toString(), (err as Error).message)
      return undefined
    }
  }

  #inbound(stream: Stream, connection: Connection): void {
    const remoteKey = connection.remotePeer.publicKey
    if (remoteKey?.type !== 'Ed25519') {
      this.#init.log.error(
        'refused a DM stream from %s: not an Ed25519 identity',
        connection.remotePeer,
      )
      stream.abort(new Error('TokenIM identities are Ed25519 keys'))
      return
    }
    this.#open(stream, remoteKey.raw, connection.remotePeer.toString(), connection.limits != null)
  }

  #open(stream: Stream, peerKey: Uint8Array, peerId: string, relayed: boolean): DmChannel {
    const peerHex = toHex(peerKey)
    const channel = new DmChannel(stream, peerKey, peerId, relayed, {
      ...this.#init,
      penalize: (reason) => this.#penalize(peerHex, peerId, reason),
      closed: () => {
        this.#live.delete(channel)
        if (this.#channels.get(peerHex) === channel) this.#channels.delete(peerHex)
      },
      idleOnRelay: () => this.#leaveRelay(channel),
    })
    this.#channels.set(peerHex, channel)
    this.#live.add(channel)
    channel.run()
    return channel
  }

  #penalize(peerHex: string, peerId: string, reason: string): void {
    const total = (this.#penalties.get(peerHex) ?? 0) + 1
    this.#penalties.set(peerHex, total)
    this.#init.log.error('bad frame from %s (%d so far): %s', peerId, total, reason)
    this.#init.onPenalty?.(peerId, reason, total)
  }
}

interface ChannelHooks extends DmChannelsInit {
  penalize(reason: string): void
  closed(): void
  /** A channel on a relay's circuit fell idle: the moment to move to a direct connection. */
  idleOnRelay(): void
}

class DmChannel {
  readonly peerKey: Uint8Array
  readonly peerId: string
  readonly #stream: Stream
  readonly #lp: FramedStream
  readonly #hooks: ChannelHooks
  readonly #pending = new Set<Promise<void>>()
  #outgoing: Uint8Array[] = []
  #flushing: Promise<void> | undefined
  #badFrames = 0
  readonly #window: SendWindow

  constructor(
    stream: Stream,
    peerKey: Uint8Array,
    peerId: string,
    readonly relayed: boolean,
    hooks: ChannelHooks,
  ) {
    this.#stream = stream
    this.peerKey = peerKey
    this.peerId = peerId
    this.#hooks = hooks
    this.#lp = new FramedStream(stream, { limits: DM_STREAM_LIMITS })
    const stallTimeoutMs = hooks.ackStallTimeoutMs ?? 10_000
    this.#window = new SendWindow({
      maxBytes: MAX_UNACKED_BYTES,
      stallTimeoutMs,
      onStall: (waiting) =>
        hooks.log('%s acked nothing for %d ms; %d sends give up', peerId, stallTimeoutMs, waiting),
    })
  }

  get isWritable(): boolean {
    return this.#stream.writeStatus === 'writable' && this.#stream.status === 'open'
  }

  /** Nothing sent and unacked, nobody waiting to send, nothing received still in the works. */
  get idle(): boolean {
    return this.#window.idle && this.#pending.size === 0
  }

  /** Ends the stream gracefully (an idle channel moving to a better connection). */
  close(): void {
    this.#closed()
    this.#stream.close().catch((err: Error) => this.#stream.abort(err))
  }

  /**
   * Writes an envelope once the window has room for it. False when the channel closed, or
   * the peer acked nothing for `ackStallTimeoutMs`, before it had.
   */
  async sendEnvelope(envelope: DmEnvelope): Promise<boolean> {
    const frame = encodeDmFrame({ envelope })
    if (!(await this.#window.reserve(toHex(envelope.messageId), frame.byteLength))) return false
    await this.#write(frame)
    return true
  }

  #checkIdleOnRelay(): void {
    if (this.relayed && this.idle) this.#hooks.idleOnRelay()
  }

  /**
   * Frames written in the same turn of the event loop (the envelopes or acks of one
   * committed batch) leave in one stream write: one muxer frame and one noise message for
   * all of them instead of one each, which is most of a small message's network cost.
   */
  #write(frame: Uint8Array): Promise<void> {
    this.#outgoing.push(frame)
    this.#flushing ??= new Promise<void>((resolve) => process.nextTick(resolve)).then(() => {
      const frames = this.#outgoing
      this.#outgoing = []
      this.#flushing = undefined
      return this.#lp.writeV(frames)
    })
    return this.#flushing
  }

  abort(err: Error): void {
    this.#stream.abort(err)
    this.#closed()
  }

  run(): void {
    this.#readLoop()
      .catch((err: Error) => {
        this.#hooks.log.error('reading from %s failed: %s', this.peerId, err.message)
        this.#stream.abort(err)
      })
      .finally(() => this.#closed())
  }

  #closed(): void {
    // No ack can come for these any more: the pipeline need not wait out its ack timeout.
    const unacked = this.#window.close()
    if (unacked.length > 0) this.#hooks.pipeline.handleUnacked(this.peerKey, unacked)
    this.#hooks.closed()
  }

  async #readLoop(): Promise<void> {
    for (;;) {
      let bytes: Uint8Array
      try {
        bytes = await this.#lp.read()
      } catch (err) {
        const error = err as Error
        if (isStreamEnd(error)) {
          // The peer closed its end (moving to a better connection, or stopping): finish and
          // ack what it sent, then close ours, so no half-open stream lingers.
          await Promise.allSettled(this.#pending)
          await this.#stream.close().catch(() => undefined)
          return
        }
        // Framing is lost (the reader reset the stream), or the stream was closed under us.
        if (!(error instanceof FramingError) && this.#stream.status !== 'open') return
        this.#hooks.penalize(`unreadable frame: ${error.message}`)
        this.#stream.abort(error)
        return
      }
      let frame: DmFrameValue
      try {
        frame = decodeDmFrame(bytes)
      } catch (err) {
        if (!this.#bad(`malformed frame: ${(err as Error).message}`)) return
        continue
      }
      if (frame.ack != null) {
        if (this.#window.acked(toHex(frame.ack.messageId))) this.#checkIdleOnRelay()
        void this.#hooks.pipeline.handleAck(this.peerKey, frame.ack).catch((err: Error) => {
          this.#hooks.log.error('handling an ack from %s failed: %s', this.peerId, err.message)
        })
        continue
      }
      while (this.#pending.size >= MAX_PENDING_PER_STREAM) await Promise.race(this.#pending)
      const pending = this.#receive(frame.envelope).finally(() => {
        this.#pending.delete(pending)
        this.#checkIdleOnRelay()
      })
      this.#pending.add(pending)
    }
  }

  async #receive(envelope: DmEnvelope): Promise<void> {
    let status: DmAckStatus
    let reason = ''
    try {
      const outcome = await this.#hooks.pipeline.receive(envelope, {
        kind: 'direct',
        sender: this.peerKey,
      })
      status = outcome.status
      if (outcome.status === DmAckStatus.REJECTED) {
        reason = (outcome.reason ?? '').slice(0, MAX_ACK_REASON_LENGTH)
        // An honest refusal (a stale bundle's used prekey, sessions we lost) is no bad frame.
        if (outcome.hostile !== false && !this.#bad(`rejected envelope: ${outcome.reason}`)) return
      } else if (outcome.status === DmAckStatus.RETRY_LATER) {
        reason = (outcome.reason ?? 'busy').slice(0, MAX_ACK_REASON_LENGTH)
      }
    } catch (err) {
      // Not stored (the node is stopping, or the disk failed): the sender tries again later.
      this.#hooks.log.error(
        'could not take a message from %s: %s',
        this.peerId,
        (err as Error).message,
      )
      status = DmAckStatus.RETRY_LATER
      reason = 'not stored; try again later'
    }
    if (!this.isWritable) return
    try {
      // Acks take no room in the window: they answer envelopes that already had theirs.
      await this.#write(encodeDmFrame({ ack: { messageId: envelope.messageId, status, reason } }))
    } catch (err) {
      this.#hooks.log('could not ack to %s: %s', this.peerId, (err as Error).message)
    }
  }

  /** Counts a bad frame; false once the stream is closed for having too many. */
  #bad(reason: string): boolean {
    this.#badFrames++
    this.#hooks.penalize(reason)
    if (this.#badFrames < (this.#hooks.maxBadFrames ?? 5)) return true
    this.#hooks.log.error(
      'closing the DM stream of %s after %d bad frames',
      this.peerId,
      this.#badFrames,
    )
    this.abort(new Error('too many bad frames'))
    return false
  }
}
