/**
 * How a member's sender key reaches another member. The room service only needs the port:
 * deliver opaque bytes (a bundle already sealed to the recipient's identity key and signed
 * by us) to one member, and hear such bytes from others with the sender's authenticated key.
 * The 1:1 messaging pipeline can carry it; until then StreamSenderKeyTransport does, on
 * ROOM_KEYS_PROTOCOL: one stream per bundle, one frame each way (the bundle, then an ack once
 * the recipient has stored it). The noise channel authenticates the sender; the sealing keeps
 * the bundle confidential whatever carries it.
 */
import type { AbortOptions, Connection, Libp2p, Logger, Stream } from '@libp2p/interface'
import { FramedStream, streamCounts } from '../../network/index.ts'
import { openPeerStream } from '../../network/peer-streams.ts'
import { decodeMessage, encodeMessage } from '../../protocol/codec.ts'
import { ROOM_KEYS_PROTOCOL } from '../../protocol/ids.ts'
import { MAX_ROOM_KEY_FRAME_SIZE, ROOM_KEYS_STREAM_LIMITS } from '../../protocol/limits.ts'
import { RoomKeyFrame } from '../../protocol/proto/room.ts'
import { peerIdOf } from '../identity/index.ts'
import { withDeadline } from './deadline.ts'

export type SenderKeyHandler = (sender: Uint8Array, bytes: Uint8Array) => Promise<void>

export interface SenderKeyTransport {
  /** Delivers `bytes` to the member; resolves once the member's node has stored them. */
  sendToMember(member: Uint8Array, bytes: Uint8Array, options?: AbortOptions): Promise<void>
  /** Sets the handler of bytes from other members; `sender` is the authenticated identity key. */
  onReceive(handler: SenderKeyHandler): void
  start(): Promise<void>
  stop(): Promise<void>
}

export interface StreamSenderKeyTransportInit {
  host: Pick<
    Libp2p,
    'handle' | 'unhandle' | 'dial' | 'dialProtocol' | 'getConnections' | 'peerRouting' | 'logger'
  >
  /** @default 10000 */
  timeoutMs?: number
}

export class StreamSenderKeyTransport implements SenderKeyTransport {
  private readonly host: StreamSenderKeyTransportInit['host']
  private readonly timeoutMs: number
  private readonly log: Logger
  private handler?: SenderKeyHandler

  constructor(init: StreamSenderKeyTransportInit) {
    this.host = init.host
    this.timeoutMs = init.timeoutMs ?? 10_000
    this.log = init.host.logger.forComponent('tokenim:room-keys')
  }

  onReceive(handler: SenderKeyHandler): void {
    this.handler = handler
  }

  async start(): Promise<void> {
    // Members behind NAT reach each other through a relay's circuit (a limited connection);
    // key bundles are a few KiB, well inside a circuit's data limit.
    await this.host.handle(
      ROOM_KEYS_PROTOCOL,
      (stream, connection) => {
        void this.serve(stream, connection)
      },
      { ...streamCounts(ROOM_KEYS_STREAM_LIMITS), runOnLimitedConnection: true },
    )
  }

  async stop(): Promise<void> {
    await this.host.unhandle(ROOM_KEYS_PROTOCOL)
  }

  async sendToMember(member: Uint8Array, bytes: Uint8Array, options?: AbortOptions): Promise<void> {
    await withDeadline(
      this.timeoutMs,
      (signal) => this.deliver(member, bytes, signal),
      options?.signal,
    )
  }

  private async deliver(member: Uint8Array, bytes: Uint8Array, signal: AbortSignal): Promise<void> {
    const stream = await openPeerStream(
      this.host,
      peerIdOf({ publicKey: member }),
      ROOM_KEYS_PROTOCOL,
      {
        signal,
      },
    )
    try {
      const lp = new FramedStream(stream, { limits: ROOM_KEYS_STREAM_LIMITS })
      await lp.write(frame({ sealed: bytes as RoomKeyFrame['sealed'] }), { signal })
      const answer = decodeFrame(await lp.read({ signal }))
      if (!answer.ack) throw new Error('the member did not acknowledge the key bundle')
      await stream.close({ signal })
    } catch (err) {
      stream.abort(err as Error)
      throw err
    }
  }

  private async serve(stream: Stream, connection: Connection): Promise<void> {
    await withDeadline(this.timeoutMs, (signal) => this.answer(stream, connection, signal))
  }

  private async answer(stream: Stream, connection: Connection, signal: AbortSignal): Promise<void> {
    try {
      const sender = connection.remotePeer.publicKey
      if (sender?.type !== 'Ed25519') throw new Error('the peer has no Ed25519 identity key')
      const lp = new FramedStream(stream, { limits: ROOM_KEYS_STREAM_LIMITS })
      const request = decodeFrame(await lp.read({ signal }))
      if (request.sealed.length === 0) throw new Error('empty key frame')
      await this.handler?.(sender.raw, request.sealed)
      await lp.write(frame({ ack: true }), { signal })
      await stream.close({ signal })
    } catch (err) {
      this.log('key bundle from %p refused: %s', connection.remotePeer, (err as Error).message)
      stream.abort(err as Error)
    }
  }
}

function frame(value: Partial<RoomKeyFrame>): Uint8Array {
  return encodeMessage(RoomKeyFrame, value, {
    maxSize: MAX_ROOM_KEY_FRAME_SIZE,
    what: 'room key frame',
  })
}

function decodeFrame(bytes: Uint8Array): RoomKeyFrame {
  return decodeMessage(RoomKeyFrame, bytes, {
    maxSize: MAX_ROOM_KEY_FRAME_SIZE,
    what: 'room key frame',
  })
}
