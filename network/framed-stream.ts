/**
 * The reader and writer of every TokenIM stream protocol: frames are a varint length, then
 * that many bytes (protocol/framing.ts).
 *
 * Guarantees, whatever the peer sends:
 * - the length prefix is read byte by byte and refused at the first byte that makes it
 *   longer than the protocol's largest frame needs, or its length larger than that frame,
 *   before anything is allocated for the frame;
 * - a frame begun must be complete within `frameDeadlineMs` (slowloris);
 * - at most `maxBufferedBytes` received bytes wait unread (libp2p's byte stream keeps the
 *   count and resets the stream beyond it).
 * Each violation resets the stream at once and rejects the read with a FramingError; the
 * caller logs it and penalises the peer. Reading the bytes themselves is left to
 * `byteStream` from @libp2p/utils, which is right; its `lpStream` is not used, because it
 * takes an over-long varint for "need more bytes" and buffers a stream of 0xff for ever.
 */
import type { AbortOptions, Stream } from '@libp2p/interface'
import { type ByteStream, byteStream } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import { FramingError, OversizedFrameError } from '../protocol/errors.ts'
import { encodeFramePrefix, FramePrefixDecoder } from '../protocol/framing.ts'
import { FRAME_DEADLINE_MS, type StreamLimits } from '../protocol/limits.ts'
import {
  FrameTimeoutError,
  StreamEndedError,
  StreamOverflowError,
  TruncatedFrameError,
} from './errors.ts'

export interface FramedStreamInit {
  limits: Pick<StreamLimits, 'maxFrameSize' | 'maxBufferedBytes'>
  /** @default FRAME_DEADLINE_MS */
  frameDeadlineMs?: number
}

export class FramedStream {
  readonly stream: Stream
  readonly #bytes: ByteStream<Stream>
  readonly #prefix: FramePrefixDecoder
  readonly #maxFrameSize: number
  readonly #deadlineMs: number
  /** When the frame being read began (performance.now()), while one is. */
  #frameStart: number | undefined
  /** One timer for the stream's life, armed at a frame's start (a timer per frame costs more than a small frame). */
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(stream: Stream, init: FramedStreamInit) {
    this.stream = stream
    this.#bytes = byteStream(stream, { maxBufferSize: init.limits.maxBufferedBytes })
    this.#maxFrameSize = init.limits.maxFrameSize
    this.#prefix = new FramePrefixDecoder(init.limits.maxFrameSize)
    this.#deadlineMs = init.frameDeadlineMs ?? FRAME_DEADLINE_MS
    stream.addEventListener('close', () => clearTimeout(this.#timer), { once: true })
  }

  /**
   * The next frame. `options.signal` bounds the wait for a frame to begin; once begun, the
   * deadline bounds the rest. Throws StreamEndedError when the peer closed between frames,
   * TruncatedFrameError when it closed inside one, and a FramingError (the stream already
   * reset) when it broke the framing.
   */
  async read(options?: AbortOptions): Promise<Uint8Array> {
    return (await this.readList(options)).subarray()
  }

  /** The next frame as the pieces it arrived in: `read` without the copy that joins them. */
  async readList(options?: AbortOptions): Promise<Uint8ArrayList> {
    let length: number | undefined
    try {
      length = this.#prefix.push(await this.#byte(options))
    } catch (err) {
      throw this.#failed(err, new StreamEndedError('the peer closed the stream'))
    }
    this.#begin()
    try {
      while (length == null) length = this.#prefix.push(await this.#byte(options))
      if (length === 0) return new Uint8ArrayList()
      return await this.#bytes.read({ bytes: length, signal: options?.signal })
    } catch (err) {
      throw this.#failed(err, new TruncatedFrameError('the stream ended inside a frame'))
    } finally {
      this.#frameStart = undefined
    }
  }

  /** Writes one frame. */
  async write(frame: Uint8Array | Uint8ArrayList, options?: AbortOptions): Promise<void> {
    await this.#bytes.write(this.#framed(frame), options)
  }

  /** Writes several frames in one stream write. */
  async writeV(frames: Uint8Array[], options?: AbortOptions): Promise<void> {
    const list = new Uint8ArrayList()
    for (const frame of frames) list.append(this.#framed(frame))
    await this.#bytes.write(list, options)
  }

  #framed(frame: Uint8Array | Uint8ArrayList): Uint8ArrayList {
    if (frame.byteLength > this.#maxFrameSize) {
      throw new OversizedFrameError(
        `cannot send a frame of ${frame.byteLength} bytes (limit ${this.#maxFrameSize})`,
      )
    }
    return new Uint8ArrayList(encodeFramePrefix(frame.byteLength), frame)
  }

  async #byte(options?: AbortOptions): Promise<number> {
    return (await this.#bytes.read({ bytes: 1, signal: options?.signal })).get(0)
  }

  #begin(): void {
    this.#frameStart = performance.now()
    if (this.#timer == null) this.#arm(this.#deadlineMs)
  }

  #arm(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      if (this.#frameStart == null) return
      const late = performance.now() - this.#frameStart
      if (late < this.#deadlineMs) {
        this.#arm(this.#deadlineMs - late)
        return
      }
      this.stream.abort(
        new FrameTimeoutError(`a frame took longer than ${this.#deadlineMs} ms to arrive`),
      )
    }, delayMs)
    this.#timer.unref?.()
  }

  /** The error a failed read throws; a framing violation resets the stream first. */
  #failed(err: unknown, end: Error): unknown {
    const name = (err as Error)?.name
    if (name === 'UnexpectedEOFError') return end
    if (name === 'StreamBufferError') {
      return new StreamOverflowError(
        `the peer sent more than it may have unread: ${(err as Error).message}`,
      )
    }
    if (err instanceof FramingError) this.stream.abort(err)
    return err
  }
}
