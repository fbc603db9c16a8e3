/**
 * One device of a friend as presence follows it (`FriendLink`: its streams, what its
 * heartbeats said) and one presence stream (`PresenceChannel`), for presence-service.ts.
 */
import type { PeerId, Stream } from '@libp2p/interface'
import { FramedStream, isStreamEnd } from '../../network/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { FramingError } from '../../protocol/errors.ts'
import { PRESENCE_STREAM_LIMITS } from '../../protocol/limits.ts'
import { peerIdOf } from '../identity/index.ts'

/** One device of a friend: the streams to it, and what its heartbeats said. */
export class FriendLink {
  readonly key: Uint8Array
  readonly hex: string
  readonly peerId: PeerId
  readonly channels = new Set<PresenceChannel>()
  online = false
  /** It said goodbye (an OFFLINE heartbeat) on a stream that stays open. */
  away = false
  lastSeen: number | null = null
  lastCounter = 0
  timeout: NodeJS.Timeout | undefined

  /** The friend's account: the key itself, or the account whose device list names it. */
  readonly account: Uint8Array
  readonly accountHex: string

  constructor(key: Uint8Array, account: Uint8Array = key) {
    this.key = key
    this.hex = toHex(key)
    this.account = account
    this.accountHex = toHex(account)
    this.peerId = peerIdOf({ publicKey: key })
  }

  /** A stream we can write on, to a device that has not said goodbye: no other dial needed. */
  get live(): boolean {
    return !this.away && this.writer() != null
  }

  /** The newest stream we can write on. */
  writer(): PresenceChannel | undefined {
    let newest: PresenceChannel | undefined
    for (const channel of this.channels) if (channel.isWritable) newest = channel
    return newest
  }
}

/** A presence stream, framed by FramedStream within PRESENCE_STREAM_LIMITS. */
export class PresenceChannel {
  readonly #stream: Stream
  readonly #lp: FramedStream

  constructor(stream: Stream) {
    this.#stream = stream
    this.#lp = new FramedStream(stream, { limits: PRESENCE_STREAM_LIMITS })
  }

  get isWritable(): boolean {
    return this.#stream.writeStatus === 'writable' && this.#stream.status === 'open'
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.#lp.write(bytes)
  }

  abort(err: Error): void {
    this.#stream.abort(err)
  }

  /** Calls `onFrame` for each frame until the stream ends; an unreadable prefix ends it. */
  async read(onFrame: (bytes: Uint8Array) => void): Promise<void> {
    while (this.#stream.status === 'open') {
      let bytes: Uint8Array
      try {
        bytes = await this.#lp.read()
      } catch (err) {
        if (isStreamEnd(err)) return
        // A framing violation (the reader reset the stream) goes to the caller, which logs it.
        if (!(err instanceof FramingError) && this.#stream.status !== 'open') return
        this.#stream.abort(err as Error)
        throw err
      }
      onFrame(bytes)
    }
  }
}
