/**
 * How the attachment store keeps a file on disk: sealed, in segments that open one by one,
 * so a range of a large file is read (to send its chunks, to serve it) without opening the
 * rest, and a file of any size streams in and out in bounded memory.
 *
 *   header   'TKF1' | segment size (u32 BE) | file tag (16 random bytes) | 8 zero bytes
 *   segment  nonce (12) | AES-256-GCM ciphertext of up to `segment size` bytes | tag (16)
 *
 * Each segment is sealed under the store's key (derived from the identity, so nothing opens
 * before unlock) with a fresh random nonce and `file tag | segment index` as associated
 * data: a segment moved within a file, or into another file, does not open. The plaintext
 * size follows from the file's size; the size its records announce is checked on read.
 */
import { constants } from 'node:fs'
import { type FileHandle, open } from 'node:fs/promises'
import { randomBytes } from '../../protocol/crypto/index.ts'
import type { AtRestSealer } from '../at-rest-sealer.ts'
import { FileUnreadableError } from './errors.ts'

/** Plaintext bytes per segment of a file this store writes. */
export const SEGMENT_SIZE = 64 * 1024
const MAGIC = Buffer.from('TKF1')
export const HEADER_SIZE = 32
/** Nonce and tag of each segment. */
export const SEGMENT_OVERHEAD = 28

export interface ReadResult {
  bytesRead: number
}

/** The plaintext bytes a sealed file of `sealedSize` bytes holds. */
function plaintextSize(sealedSize: number, segmentSize: number): number {
  const body = Math.max(0, sealedSize - HEADER_SIZE)
  const whole = Math.floor(body / (segmentSize + SEGMENT_OVERHEAD))
  const rest = body % (segmentSize + SEGMENT_OVERHEAD)
  return whole * segmentSize + Math.max(0, rest - SEGMENT_OVERHEAD)
}

function associatedData(tag: Uint8Array, index: number): Uint8Array {
  const ad = new Uint8Array(tag.length + 4)
  ad.set(tag, 0)
  new DataView(ad.buffer).setUint32(tag.length, index)
  return ad
}

function headerOf(tag: Uint8Array, segmentSize: number): Buffer {
  const header = Buffer.alloc(HEADER_SIZE)
  MAGIC.copy(header, 0)
  header.writeUInt32BE(segmentSize, 4)
  header.set(tag, 8)
  return header
}

/** Seals what `source` yields into the file format, piece by piece (a `pipeline` step). */
export function sealStream(sealer: AtRestSealer) {
  return async function* (
    source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array>,
  ): AsyncGenerator<Uint8Array> {
    const tag = randomBytes(16)
    yield headerOf(tag, SEGMENT_SIZE)
    let pending: Uint8Array[] = []
    let pendingBytes = 0
    let index = 0
    const segment = (bytes: Uint8Array) => sealer.seal(associatedData(tag, index++), bytes)
    for await (const chunk of source) {
      let rest = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      while (pendingBytes + rest.length >= SEGMENT_SIZE) {
        const take = SEGMENT_SIZE - pendingBytes
        pending.push(rest.subarray(0, take))
        rest = rest.subarray(take)
        yield segment(Buffer.concat(pending))
        pending = []
        pendingBytes = 0
      }
      if (rest.length > 0) {
        pending.push(rest)
        pendingBytes += rest.length
      }
    }
    if (pendingBytes > 0) yield segment(Buffer.concat(pending))
  }
}

/** The whole sealed file of `bytes` (small files: inline images, thumbnails). */
export async function sealBytes(sealer: AtRestSealer, bytes: Uint8Array): Promise<Buffer> {
  const pieces: Uint8Array[] = []
  for await (const piece of sealStream(sealer)([bytes])) pieces.push(piece)
  return Buffer.concat(pieces)
}

/**
 * A file being received, in the same format with one segment per chunk: each chunk is sealed
 * on its own and written at its own place, in whatever order chunks come, so a transfer cut
 * short keeps what it had and the complete file is already in the store's format.
 */
export interface SealedPartial {
  handle: FileHandle
  /** True when the file was started afresh: whatever a bitmap claims of it is gone. */
  fresh: boolean
  /** Where chunk `index` goes in the file. */
  position(index: number): number
  seal(index: number, plaintext: Uint8Array[]): Uint8Array[]
}

/** Opens (or starts, with a new header) the partial file at `path`. */
export async function openSealedPartial(
  path: string,
  sealer: AtRestSealer,
  segmentSize: number,
): Promise<SealedPartial> {
  const handle = await open(path, constants.O_RDWR | constants.O_CREAT, 0o600)
  try {
    const header = Buffer.alloc(HEADER_SIZE)
    const { bytesRead } = await handle.read(header, 0, HEADER_SIZE, 0)
    const fresh =
      bytesRead !== HEADER_SIZE ||
      !header.subarray(0, 4).equals(MAGIC) ||
      header.readUInt32BE(4) !== segmentSize
    let tag: Uint8Array = Uint8Array.from(header.subarray(8, 24))
    if (fresh) {
      // Empty, cut short before its header, or written before sealing: started again.
      tag = randomBytes(16)
      await handle.truncate(0)
      await handle.write(headerOf(tag, segmentSize), 0, HEADER_SIZE, 0)
    }
    return {
      handle,
      fresh,
      position: (index) => HEADER_SIZE + index * (segmentSize + SEGMENT_OVERHEAD),
      seal: (index, plaintext) => [
        sealer.seal(
          associatedData(tag, index),
          plaintext.length === 1 ? plaintext[0] : Buffer.concat(plaintext),
        ),
      ],
    }
  } catch (err) {
    await handle.close()
    throw err
  }
}

/** A sealed file opened for reading ranges of its plaintext. */
export class SealedFileReader {
  readonly size: number
  readonly #handle: FileHandle
  readonly #sealer: AtRestSealer
  readonly #tag: Uint8Array
  readonly #segmentSize: number
  readonly #path: string

  private constructor(
    handle: FileHandle,
    sealer: AtRestSealer,
    header: Buffer,
    sealedSize: number,
    path: string,
  ) {
    this.#handle = handle
    this.#sealer = sealer
    this.#segmentSize = header.readUInt32BE(4)
    this.#tag = Uint8Array.from(header.subarray(8, 24))
    this.#path = path
    this.size = plaintextSize(sealedSize, this.#segmentSize)
  }

  /** Throws FileUnreadableError when the file is not in this format. */
  static async open(path: string, sealer: AtRestSealer): Promise<SealedFileReader> {
    const handle = await open(path, 'r')
    try {
      const header = Buffer.alloc(HEADER_SIZE)
      const { bytesRead } = await handle.read(header, 0, HEADER_SIZE, 0)
      if (bytesRead !== HEADER_SIZE || !header.subarray(0, 4).equals(MAGIC)) {
        throw new FileUnreadableError(`${path} is not a sealed file of this store`)
      }
      const { size } = await handle.stat()
      return new SealedFileReader(handle, sealer, header, size, path)
    } catch (err) {
      await handle.close()
      throw err
    }
  }

  /**
   * Reads up to `length` plaintext bytes at `position` into `buffer` at `offset`, as
   * FileHandle.read does. Throws FileUnreadableError when a segment does not open.
   */
  async read(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<ReadResult> {
    const end = Math.min(this.size, position + length)
    if (end <= position) return { bytesRead: 0 }
    const size = this.#segmentSize
    const first = Math.floor(position / size)
    const last = Math.floor((end - 1) / size)
    const stride = size + SEGMENT_OVERHEAD
    const sealed = Buffer.alloc((last - first + 1) * stride)
    const { bytesRead } = await this.#handle.read(
      sealed,
      0,
      sealed.length,
      HEADER_SIZE + first * stride,
    )
    let written = 0
    for (let index = first; index <= last; index++) {
      const at = (index - first) * stride
      const plaintext = this.#open(index, sealed.subarray(at, Math.min(bytesRead, at + stride)))
      const from = index === first ? position - first * size : 0
      const to = Math.min(plaintext.length, end - index * size)
      buffer.set(plaintext.subarray(from, to), offset + written)
      written += to - from
    }
    return { bytesRead: written }
  }

  /** The whole plaintext, segment by segment. */
  async *stream(): AsyncGenerator<Uint8Array> {
    const segments = Math.ceil(this.size / this.#segmentSize)
    for (let index = 0; index < segments; index++) {
      const length = Math.min(this.#segmentSize, this.size - index * this.#segmentSize)
      const buffer = new Uint8Array(length)
      await this.read(buffer, 0, length, index * this.#segmentSize)
      yield buffer
    }
  }

  close(): Promise<void> {
    return this.#handle.close()
  }

  #open(index: number, sealed: Uint8Array): Uint8Array {
    try {
      return this.#sealer.open(associatedData(this.#tag, index), sealed)
    } catch {
      throw new FileUnreadableError(
        `segment ${index} of ${this.#path} does not open: the file was altered or sealed by another identity`,
      )
    }
  }
}

/** Reads a whole sealed file (thumbnail sources, small files). */
export async function readSealed(path: string, sealer: AtRestSealer): Promise<Uint8Array> {
  const reader = await SealedFileReader.open(path, sealer)
  try {
    const out = new Uint8Array(reader.size)
    await reader.read(out, 0, reader.size, 0)
    return out
  } finally {
    await reader.close()
  }
}
