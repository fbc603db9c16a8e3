/**
 * Attachments on the wire: the chunk arithmetic, the per-chunk encryption, and the bounded,
 * checked codecs of the frames on FILE_PROTOCOL (protocol/proto/file.proto).
 *
 * A file is cut into chunks of `chunkSize` bytes (ATTACHMENT_CHUNK_SIZE; the last one may be
 * shorter). Each chunk is sealed with AES-256-GCM under the file's random key, with a fresh
 * random nonce every time it is sent, and associated data naming the file, the chunk and the
 * chunk count, so a chunk cannot be moved to another place, another file, or passed off as
 * the last one. The whole file's SHA-256 is checked once every chunk is in.
 *
 * Chunk frames carry most of a transfer's bytes, so besides the plain codecs they have a
 * path that never copies a chunk: `sealChunkFrame` returns a frame as pieces (header,
 * ciphertext, tag) for the stream to send as they are, and `decodeReceivedFileFrame` reads
 * one from the stream's buffer list and leaves its ciphertext in the pieces it arrived in,
 * for `openReceivedChunk` to decrypt piece by piece.
 */
import { reader, writer } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'
import { decodeMessage, encodeMessage } from './codec.ts'
import {
  AEAD_NONCE_LENGTH,
  AEAD_TAG_LENGTH,
  type AeadKey,
  aeadDecrypt,
  aeadDecryptDetached,
  aeadEncrypt,
  aeadEncryptDetached,
} from './crypto/index.ts'
import { MalformedMessageError, OversizedMessageError } from './errors.ts'
import { MAX_ATTACHMENT_CHUNKS, MAX_FILE_FRAME_SIZE, MAX_FILE_REQUEST_RANGES } from './limits.ts'
import {
  type FileChunk,
  FileFrame,
  type FileRange,
  FileRequest,
  type FileStatus,
  FileStatusCode,
} from './proto/file.ts'

export type { FileChunk, FileRange, FileRequest, FileStatus } from './proto/file.ts'
export { FileStatusCode } from './proto/file.ts'

/** Bytes of a file id: random, named by the offer and by every request. */
export const FILE_ID_LENGTH = 16
/** Bytes of a file key (AES-256-GCM). */
export const FILE_KEY_LENGTH = 32
/** Bytes of a SHA-256 digest. */
export const FILE_HASH_LENGTH = 32

const AAD_DOMAIN = new TextEncoder().encode('tokenim-file-chunk/1')

/** Number of chunks of a file of `size` bytes; an empty file has none. */
export function chunkCount(size: number, chunkSize: number): number {
  checkChunkSize(chunkSize)
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`bad file size ${size}`)
  return Math.ceil(size / chunkSize)
}

/** Bytes of chunk `index` of a file of `size` bytes. */
export function chunkLength(index: number, size: number, chunkSize: number): number {
  const count = chunkCount(size, chunkSize)
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`chunk ${index} is outside a file of ${count} chunks`)
  }
  return index === count - 1 ? size - index * chunkSize : chunkSize
}

/** Offset of chunk `index` in the file. */
export function chunkOffset(index: number, chunkSize: number): number {
  return index * chunkSize
}

function checkChunkSize(chunkSize: number): void {
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`bad chunk size ${chunkSize}`)
  }
}

/** Associated data of one chunk: domain, file id, chunk index and chunk count. */
export function chunkAssociatedData(fileId: Uint8Array, index: number, count: number): Uint8Array {
  const out = new Uint8Array(AAD_DOMAIN.length + fileId.length + 8)
  out.set(AAD_DOMAIN, 0)
  out.set(fileId, AAD_DOMAIN.length)
  const view = new DataView(out.buffer, AAD_DOMAIN.length + fileId.length)
  view.setUint32(0, index)
  view.setUint32(4, count)
  return out
}

export function encryptChunk(
  key: Uint8Array,
  fileId: Uint8Array,
  index: number,
  count: number,
  plaintext: Uint8Array,
  nonce: Uint8Array,
): FileChunk {
  const ciphertext = aeadEncrypt(key, nonce, plaintext, chunkAssociatedData(fileId, index, count))
  return {
    index,
    nonce: nonce as FileChunk['nonce'],
    ciphertext: ciphertext as FileChunk['ciphertext'],
  }
}

/**
 * Seals chunk `index` and frames it, in pieces whose concatenation is exactly
 * `encodeFileFrame({ chunk: encryptChunk(...) })`: the ciphertext is never copied into a frame.
 */
export function sealChunkFrame(
  key: Uint8Array | AeadKey,
  fileId: Uint8Array,
  index: number,
  count: number,
  plaintext: Uint8Array,
  nonce: Uint8Array,
): Uint8Array[] {
  const { ciphertext, tag } = aeadEncryptDetached(
    key,
    nonce,
    plaintext,
    chunkAssociatedData(fileId, index, count),
  )
  const sealedLength = ciphertext.length + tag.length
  // FileChunk's fields in the generated codec's order, a zero index left out as it does; the
  // ciphertext field's bytes follow the header.
  const fields = writer()
  if (index !== 0) fields.uint32(8).uint32(index)
  fields.uint32(18).bytes(nonce)
  fields.uint32(26).uint32(sealedLength)
  const chunkHeader = fields.finish()
  const frameHeader = writer()
    .uint32(10)
    .uint32(chunkHeader.length + sealedLength)
    .finish()
  const header = new Uint8Array(frameHeader.length + chunkHeader.length)
  header.set(frameHeader, 0)
  header.set(chunkHeader, frameHeader.length)
  if (header.length + sealedLength > MAX_FILE_FRAME_SIZE) {
    throw new OversizedMessageError(
      `file frame would be ${header.length + sealedLength} bytes, over its limit of ${MAX_FILE_FRAME_SIZE} bytes`,
    )
  }
  return [header, ciphertext, tag]
}

/** Throws DecryptionError when the chunk was altered, moved, or sealed under another key. */
export function decryptChunk(
  key: Uint8Array,
  fileId: Uint8Array,
  count: number,
  chunk: FileChunk,
): Uint8Array {
  return aeadDecrypt(
    key,
    chunk.nonce,
    chunk.ciphertext,
    chunkAssociatedData(fileId, chunk.index, count),
  )
}

/** A chunk as it arrived: its ciphertext in the pieces the stream delivered, its tag apart. */
export interface ReceivedChunk {
  index: number
  nonce: Uint8Array
  ciphertext: Iterable<Uint8Array>
  tag: Uint8Array
}

/**
 * Decrypts a received chunk; returns its plaintext in pieces. Throws DecryptionError when the
 * chunk was altered, moved, or sealed under another key.
 */
export function openReceivedChunk(
  key: Uint8Array | AeadKey,
  fileId: Uint8Array,
  count: number,
  chunk: ReceivedChunk,
): Uint8Array[] {
  return aeadDecryptDetached(
    key,
    chunk.nonce,
    chunk.ciphertext,
    chunk.tag,
    chunkAssociatedData(fileId, chunk.index, count),
  )
}

/**
 * Which chunks a receiver has, one bit each, persisted as bytes so that a transfer resumes
 * after a broken connection or a restart.
 */
export class ChunkBitmap {
  readonly count: number
  readonly #bits: Uint8Array
  #have = 0

  constructor(count: number, bits?: Uint8Array) {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`bad chunk count ${count}`)
    this.count = count
    this.#bits = new Uint8Array(Math.ceil(count / 8))
    if (bits != null) {
      if (bits.length !== this.#bits.length) {
        throw new RangeError(`a bitmap of ${count} chunks is ${this.#bits.length} bytes`)
      }
      this.#bits.set(bits)
      for (let i = 0; i < count; i++) if (this.has(i)) this.#have++
    }
  }

  has(index: number): boolean {
    return (this.#bits[index >> 3] & (1 << (index & 7))) !== 0
  }

  /** Marks a chunk as held; false when it already was. */
  set(index: number): boolean {
    if (index < 0 || index >= this.count) throw new RangeError(`no chunk ${index}`)
    if (this.has(index)) return false
    this.#bits[index >> 3] |= 1 << (index & 7)
    this.#have++
    return true
  }

  get have(): number {
    return this.#have
  }

  get complete(): boolean {
    return this.#have === this.count
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.#bits)
  }

  /** The chunks still missing, as ascending ranges; at most `maxRanges` of them. */
  missingRanges(maxRanges = MAX_FILE_REQUEST_RANGES): FileRange[] {
    const ranges: FileRange[] = []
    let index = 0
    while (index < this.count && ranges.length < maxRanges) {
      if (this.has(index)) {
        index++
        continue
      }
      const first = index
      while (index < this.count && !this.has(index)) index++
      ranges.push({ first, count: index - first })
    }
    return ranges
  }
}

/**
 * The missing chunks cut into requests of at most `windowChunks` chunks each, in order:
 * a receiver keeps few of them outstanding, so what is in flight stays bounded.
 */
export function requestWindows(bitmap: ChunkBitmap, windowChunks: number): FileRange[][] {
  const windows: FileRange[][] = []
  let current: FileRange[] = []
  let size = 0
  for (const range of bitmap.missingRanges(Number.POSITIVE_INFINITY)) {
    let { first, count } = range
    while (count > 0) {
      const take = Math.min(count, windowChunks - size)
      current.push({ first, count: take })
      size += take
      first += take
      count -= take
      if (size === windowChunks) {
        windows.push(current)
        current = []
        size = 0
      }
    }
  }
  if (current.length > 0) windows.push(current)
  return windows
}

/** Chunks `ranges` name, in order. */
export function* rangeIndexes(ranges: FileRange[]): Generator<number> {
  for (const range of ranges) {
    for (let i = 0; i < range.count; i++) yield range.first + i
  }
}

export function encodeFileRequest(request: FileRequest): Uint8Array {
  return encodeMessage(FileRequest, request, {
    maxSize: MAX_FILE_FRAME_SIZE,
    what: 'file request',
  })
}

/**
 * Decodes and checks a request against the offered file's chunk count: ranges ascending,
 * not overlapping, inside the file. Throws MalformedMessageError / OversizedMessageError.
 */
export function decodeFileRequest(bytes: Uint8Array): FileRequest {
  const request = decodeMessage(FileRequest, bytes, {
    maxSize: MAX_FILE_FRAME_SIZE,
    what: 'file request',
    limits: { ranges: MAX_FILE_REQUEST_RANGES },
  })
  if (request.fileId.length !== FILE_ID_LENGTH) {
    throw new MalformedMessageError(`a file id is ${FILE_ID_LENGTH} bytes`)
  }
  if (request.complete && request.ranges.length > 0) {
    throw new MalformedMessageError('a completion names no ranges')
  }
  let next = 0
  for (const range of request.ranges) {
    if (
      range.count < 1 ||
      range.first < next ||
      range.first + range.count > MAX_ATTACHMENT_CHUNKS
    ) {
      throw new MalformedMessageError('file request ranges must be ascending, disjoint and bounded')
    }
    next = range.first + range.count
  }
  return request
}

/** True when every range lies inside a file of `count` chunks. */
export function rangesWithin(ranges: FileRange[], count: number): boolean {
  return ranges.every((range) => range.first + range.count <= count)
}

export type FileFrameValue =
  | { chunk: FileChunk; status?: never }
  | { status: FileStatus; chunk?: never }

export function encodeFileFrame(frame: FileFrameValue): Uint8Array {
  return encodeMessage(FileFrame, frame, { maxSize: MAX_FILE_FRAME_SIZE, what: 'file frame' })
}

export type ReceivedFileFrame =
  | { chunk: ReceivedChunk; status?: never }
  | { status: FileStatus; chunk?: never }

/** Longest header sealChunkFrame writes: the chunk's tag and length, index, nonce, and the
 * ciphertext's tag and length. */
const MAX_CHUNK_HEADER_LENGTH = 1 + 3 + 1 + 5 + 2 + AEAD_NONCE_LENGTH + 1 + 3

/**
 * Decodes and checks one frame as read from a stream, leaving a chunk's ciphertext where it
 * lies. A chunk laid out as sealChunkFrame writes it is read from its header alone; any
 * other frame goes through decodeFileFrame, so both accept and refuse exactly the same
 * frames. Throws MalformedMessageError / OversizedMessageError.
 */
export function decodeReceivedFileFrame(frame: Uint8ArrayList): ReceivedFileFrame {
  const chunk = readChunkInPlace(frame)
  if (chunk != null) return { chunk }
  const decoded = decodeFileFrame(frame.subarray())
  if (decoded.status != null) return decoded
  const { index, nonce, ciphertext } = decoded.chunk
  const tagStart = ciphertext.length - AEAD_TAG_LENGTH
  return {
    chunk: {
      index,
      nonce,
      ciphertext: [ciphertext.subarray(0, tagStart)],
      tag: ciphertext.subarray(tagStart),
    },
  }
}

/** The chunk of a frame laid out exactly as sealChunkFrame writes it; else undefined. */
function readChunkInPlace(frame: Uint8ArrayList): ReceivedChunk | undefined {
  const length = frame.byteLength
  if (length > MAX_FILE_FRAME_SIZE) return undefined
  const head = frame.subarray(0, Math.min(length, MAX_CHUNK_HEADER_LENGTH))
  const fields = reader(head)
  try {
    if (fields.uint32() !== 10) return undefined
    const chunkLength = fields.uint32()
    if (fields.pos + chunkLength !== length) return undefined
    let index = 0
    let tag = fields.uint32()
    if (tag === 8) {
      index = fields.uint32()
      tag = fields.uint32()
    }
    if (tag !== 18 || fields.uint32() !== AEAD_NONCE_LENGTH) return undefined
    const nonceStart = fields.pos
    fields.pos += AEAD_NONCE_LENGTH
    if (fields.uint32() !== 26) return undefined
    const sealedLength = fields.uint32()
    const sealedStart = fields.pos
    // The reader does not stop at the end of `head`: its position is checked here.
    if (sealedStart > head.length || sealedStart + sealedLength !== length) return undefined
    if (sealedLength < AEAD_TAG_LENGTH) return undefined
    const tagStart = length - AEAD_TAG_LENGTH
    return {
      index,
      nonce: head.subarray(nonceStart, nonceStart + AEAD_NONCE_LENGTH),
      ciphertext: frame.sublist(sealedStart, tagStart),
      tag: frame.subarray(tagStart),
    }
  } catch {
    // A varint running past the header: not our layout.
    return undefined
  }
}

/** Decodes and checks one frame. Throws MalformedMessageError / OversizedMessageError. */
export function decodeFileFrame(bytes: Uint8Array): FileFrameValue {
  const frame = decodeMessage(FileFrame, bytes, {
    maxSize: MAX_FILE_FRAME_SIZE,
    what: 'file frame',
    // Nothing signs or hashes a frame (each chunk authenticates itself), and re-encoding a
    // 64 KiB chunk to compare was a tenth of a transfer's cost.
    canonical: false,
  })
  if (frame.chunk != null && frame.status == null) {
    const { nonce, ciphertext } = frame.chunk
    if (nonce.length !== AEAD_NONCE_LENGTH) {
      throw new MalformedMessageError(`a chunk nonce is ${AEAD_NONCE_LENGTH} bytes`)
    }
    if (ciphertext.length < AEAD_TAG_LENGTH) {
      throw new MalformedMessageError('a chunk is shorter than its tag')
    }
    return { chunk: frame.chunk }
  }
  if (frame.status != null && frame.chunk == null) {
    if (!Object.values(FileStatusCode).includes(frame.status.code)) {
      throw new MalformedMessageError('file status has an unknown code')
    }
    return { status: frame.status }
  }
  throw new MalformedMessageError('a file frame carries exactly one chunk or one status')
}
