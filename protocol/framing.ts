/**
 * TokenIM's stream framing: each frame is an unsigned varint length, then that many bytes
 * (the framing libp2p's `lpStream` speaks, so either end may use either).
 *
 * Guarantee: whatever bytes a peer sends, a reader holds at most `prefixBytes(max)` bytes of
 * prefix and learns the frame's length before it allocates anything for the frame. A prefix
 * byte that would make the varint longer than the largest allowed frame needs, or a length
 * over that frame, throws at that byte. (libp2p's own reader takes an over-long varint for
 * "need more bytes" and keeps buffering, so a stream of 0xff bytes grows without end.)
 */
import { FramePrefixTooLongError, OversizedFrameError } from './errors.ts'

/** Varint bytes needed to encode lengths up to `maxFrameSize` (7 bits a byte). */
export function prefixBytes(maxFrameSize: number): number {
  let bytes = 1
  while (maxFrameSize >= 2 ** (7 * bytes)) bytes++
  return bytes
}

/** The varint length prefix of a frame of `length` bytes. */
export function encodeFramePrefix(length: number): Uint8Array {
  const out = new Uint8Array(prefixBytes(length))
  let rest = length
  for (let i = 0; i < out.length; i++) {
    out[i] = (rest % 128) | (i < out.length - 1 ? 0x80 : 0)
    rest = Math.floor(rest / 128)
  }
  return out
}

/** Decodes one length prefix a byte at a time; `reset()` readies it for the next frame. */
export class FramePrefixDecoder {
  readonly maxFrameSize: number
  readonly #maxBytes: number
  #length = 0
  #bytes = 0

  constructor(maxFrameSize: number) {
    this.maxFrameSize = maxFrameSize
    this.#maxBytes = prefixBytes(maxFrameSize)
  }

  /** True once a byte of the current prefix has been taken. */
  get started(): boolean {
    return this.#bytes > 0
  }

  /** Takes the next byte; the frame's length once the prefix is complete, else undefined. */
  push(byte: number): number | undefined {
    this.#length += (byte & 0x7f) * 2 ** (7 * this.#bytes)
    this.#bytes++
    if (this.#length > this.maxFrameSize) {
      throw new OversizedFrameError(
        `a frame of ${byte & 0x80 ? 'at least ' : ''}${this.#length} bytes is too long (limit ${this.maxFrameSize})`,
      )
    }
    if ((byte & 0x80) === 0) {
      const length = this.#length
      this.reset()
      return length
    }
    if (this.#bytes >= this.#maxBytes) {
      throw new FramePrefixTooLongError(
        `a length prefix of more than ${this.#maxBytes} bytes is too long (largest frame ${this.maxFrameSize} bytes)`,
      )
    }
    return undefined
  }

  reset(): void {
    this.#length = 0
    this.#bytes = 0
  }
}

/**
 * Follows the frames of a byte stream it does not read itself (another library's reader
 * reads them): each chunk is checked as it arrives, prefixes byte by byte, bodies skipped.
 */
export class FrameScanner {
  readonly #prefix: FramePrefixDecoder
  /** Frames to follow; what comes after them is not framed (a relayed connection). */
  readonly #maxFrames: number
  #frames = 0
  /** Body bytes of the current frame still to come. */
  #remaining = 0

  constructor(maxFrameSize: number, maxFrames = Number.POSITIVE_INFINITY) {
    this.#prefix = new FramePrefixDecoder(maxFrameSize)
    this.#maxFrames = maxFrames
  }

  /** True while a frame is begun and not finished. */
  get midFrame(): boolean {
    return this.#remaining > 0 || this.#prefix.started
  }

  /** True once `maxFrames` frames are complete: the rest of the stream is not checked. */
  get finished(): boolean {
    return this.#frames >= this.#maxFrames && !this.midFrame
  }

  /** Checks the next chunk; throws a FramingError at the first bad prefix byte. */
  scan(chunk: Uint8Array): void {
    let at = 0
    while (at < chunk.length && !this.finished) {
      if (this.#remaining > 0) {
        const skip = Math.min(this.#remaining, chunk.length - at)
        this.#remaining -= skip
        at += skip
        if (this.#remaining === 0) this.#frames++
        continue
      }
      const length = this.#prefix.push(chunk[at++])
      if (length == null) continue
      this.#remaining = length
      if (length === 0) this.#frames++
    }
  }
}
