import { writer } from 'protons-runtime'
import { Uint8ArrayList } from 'uint8arraylist'
import { describe, expect, it } from 'vitest'
import {
  ChunkBitmap,
  chunkAssociatedData,
  chunkCount,
  chunkLength,
  chunkOffset,
  decodeFileFrame,
  decodeFileRequest,
  decodeReceivedFileFrame,
  decryptChunk,
  encodeFileFrame,
  encodeFileRequest,
  encryptChunk,
  type FileRequest,
  FileStatusCode,
  openReceivedChunk,
  rangeIndexes,
  rangesWithin,
  requestWindows,
  sealChunkFrame,
} from '../../protocol/attachments.ts'
import { aeadKey, randomBytes } from '../../protocol/crypto/index.ts'
import { MalformedMessageError } from '../../protocol/errors.ts'
import { ATTACHMENT_CHUNK_SIZE, MAX_FILE_REQUEST_RANGES } from '../../protocol/limits.ts'
import { decodeInnerMessage, encodeInnerMessage } from '../../protocol/messaging.ts'
import { styleFromView, styleToView } from '../../protocol/rich-content.ts'

const CHUNK = ATTACHMENT_CHUNK_SIZE

/** Pieces joined into one plain Uint8Array. */
function joined(pieces: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(pieces))
}

describe('attachment chunk maths', () => {
  it('counts chunks, their lengths and offsets', () => {
    expect(chunkCount(0, CHUNK)).toBe(0)
    expect(chunkCount(1, CHUNK)).toBe(1)
    expect(chunkCount(CHUNK, CHUNK)).toBe(1)
    expect(chunkCount(CHUNK + 1, CHUNK)).toBe(2)
    expect(chunkCount(5 * 1024 * 1024, CHUNK)).toBe(80)
    expect(chunkLength(0, CHUNK + 1, CHUNK)).toBe(CHUNK)
    expect(chunkLength(1, CHUNK + 1, CHUNK)).toBe(1)
    expect(chunkOffset(3, CHUNK)).toBe(3 * CHUNK)
    expect(() => chunkLength(2, CHUNK + 1, CHUNK)).toThrow(RangeError)
    expect(() => chunkCount(-1, CHUNK)).toThrow(RangeError)
    const size = 3 * CHUNK + 17
    const total = Array.from({ length: chunkCount(size, CHUNK) }, (_, i) =>
      chunkLength(i, size, CHUNK),
    )
    expect(total.reduce((a, b) => a + b, 0)).toBe(size)
  })

  it('tracks held chunks in a bitmap that survives a round trip', () => {
    const bitmap = new ChunkBitmap(20)
    expect(bitmap.missingRanges()).toEqual([{ first: 0, count: 20 }])
    for (const i of [0, 1, 2, 7, 8, 19]) bitmap.set(i)
    expect(bitmap.set(7)).toBe(false)
    expect(bitmap.have).toBe(6)
    expect(bitmap.missingRanges()).toEqual([
      { first: 3, count: 4 },
      { first: 9, count: 10 },
    ])
    expect(bitmap.missingRanges(1)).toEqual([{ first: 3, count: 4 }])
    const again = new ChunkBitmap(20, bitmap.bytes())
    expect(again.have).toBe(6)
    expect(again.missingRanges()).toEqual(bitmap.missingRanges())
    for (let i = 0; i < 20; i++) again.set(i)
    expect(again.complete).toBe(true)
    expect(again.missingRanges()).toEqual([])
    expect(() => new ChunkBitmap(20, new Uint8Array(2))).toThrow(RangeError)
  })

  it('cuts what is missing into bounded request windows', () => {
    const bitmap = new ChunkBitmap(40)
    for (let i = 10; i < 15; i++) bitmap.set(i)
    const windows = requestWindows(bitmap, 16)
    expect(windows).toEqual([
      [
        { first: 0, count: 10 },
        { first: 15, count: 6 },
      ],
      [{ first: 21, count: 16 }],
      [{ first: 37, count: 3 }],
    ])
    expect(windows.flatMap((w) => [...rangeIndexes(w)])).toHaveLength(35)
    expect(rangesWithin(windows.flat(), 40)).toBe(true)
    expect(rangesWithin([{ first: 39, count: 2 }], 40)).toBe(false)
  })

  it('binds each chunk to its file, index and count', () => {
    const key = randomBytes(32)
    const fileId = randomBytes(16)
    const plaintext = randomBytes(1000)
    const chunk = encryptChunk(key, fileId, 3, 10, plaintext, randomBytes(12))
    expect(decryptChunk(key, fileId, 10, chunk)).toEqual(plaintext)
    expect(() => decryptChunk(key, fileId, 10, { ...chunk, index: 4 })).toThrow(/authentication/)
    expect(() => decryptChunk(key, fileId, 4, chunk)).toThrow(/authentication/)
    expect(() => decryptChunk(key, randomBytes(16), 10, chunk)).toThrow(/authentication/)
    expect(() => decryptChunk(randomBytes(32), fileId, 10, chunk)).toThrow(/authentication/)
    expect(chunkAssociatedData(fileId, 1, 2)).not.toEqual(chunkAssociatedData(fileId, 2, 1))
  })

  it('seals chunk frames in pieces that make the encoded frame, and reads them in place', () => {
    const key = randomBytes(32)
    const fileId = randomBytes(16)
    for (const [index, length] of [
      [0, 1],
      [1, 1000],
      [300, CHUNK],
      [70_000, CHUNK - 3],
    ]) {
      const plaintext = randomBytes(length)
      const nonce = randomBytes(12)
      const frame = sealChunkFrame(aeadKey(key), fileId, index, 80_000, plaintext, nonce)
      const whole = joined(frame)
      const chunk = encryptChunk(key, fileId, index, 80_000, plaintext, nonce)
      expect(whole).toEqual(encodeFileFrame({ chunk }))
      // As a stream delivers it: cut inside the header, the ciphertext and the tag.
      const cuts = [3, 20, 40, whole.length - 10, whole.length].filter((c) => c < whole.length)
      const bounds = [0, ...cuts, whole.length]
      const delivered = new Uint8ArrayList(
        ...bounds.slice(1).map((end, i) => whole.subarray(bounds[i], end)),
      )
      const received = decodeReceivedFileFrame(delivered).chunk!
      expect(received.index).toBe(index)
      expect(received.nonce).toEqual(nonce)
      // Read in place: the ciphertext is still the delivered bytes, not a copy.
      for (const piece of received.ciphertext) expect(piece.buffer).toBe(whole.buffer)
      const opened = openReceivedChunk(aeadKey(key), fileId, 80_000, received)
      expect(joined(opened)).toEqual(plaintext)
      expect(() =>
        openReceivedChunk(key, fileId, 80_000, { ...received, index: index + 1 }),
      ).toThrow(/authentication/)
    }
  })

  it('reads other layouts of a frame as decodeFileFrame does', () => {
    const key = randomBytes(32)
    const fileId = randomBytes(16)
    const plaintext = randomBytes(100)
    const chunk = encryptChunk(key, fileId, 5, 10, plaintext, randomBytes(12))
    // The same fields, ciphertext before nonce: not canonical, still a valid chunk.
    const fields = writer().uint32(8).uint32(5).uint32(26).bytes(chunk.ciphertext)
    const reordered = writer()
      .uint32(10)
      .bytes(fields.uint32(18).bytes(chunk.nonce).finish())
      .finish()
    expect(decodeFileFrame(reordered)).toEqual({ chunk })
    const received = decodeReceivedFileFrame(new Uint8ArrayList(reordered)).chunk!
    expect(received.index).toBe(5)
    const opened = openReceivedChunk(key, fileId, 10, received)
    expect(joined(opened)).toEqual(plaintext)
    const status = { status: { code: FileStatusCode.DONE, reason: '' } }
    expect(decodeReceivedFileFrame(new Uint8ArrayList(encodeFileFrame(status)))).toEqual(status)
    const badNonce = encodeFileFrame({
      chunk: { index: 0, nonce: randomBytes(8), ciphertext: randomBytes(32) },
    } as never)
    expect(() => decodeReceivedFileFrame(new Uint8ArrayList(badNonce))).toThrow(
      MalformedMessageError,
    )
    const cut = new Uint8ArrayList(encodeFileFrame({ chunk }).subarray(0, 50))
    expect(() => decodeReceivedFileFrame(cut)).toThrow(MalformedMessageError)
  })

  it('checks requests and frames', () => {
    const fileId = randomBytes(16) as FileRequest['fileId']
    const request = {
      fileId,
      ranges: [
        { first: 0, count: 4 },
        { first: 9, count: 1 },
      ],
      complete: false,
    }
    expect(decodeFileRequest(encodeFileRequest(request))).toEqual(request)
    const overlapping = {
      ...request,
      ranges: [
        { first: 0, count: 4 },
        { first: 3, count: 1 },
      ],
    }
    expect(() => decodeFileRequest(encodeFileRequest(overlapping))).toThrow(MalformedMessageError)
    const completeWithRanges = { ...request, complete: true }
    expect(() => decodeFileRequest(encodeFileRequest(completeWithRanges))).toThrow(
      MalformedMessageError,
    )
    const tooMany = {
      ...request,
      ranges: Array.from({ length: MAX_FILE_REQUEST_RANGES + 1 }, (_, i) => ({
        first: 2 * i,
        count: 1,
      })),
    }
    expect(() => decodeFileRequest(encodeFileRequest(tooMany))).toThrow(MalformedMessageError)
    const status = { status: { code: FileStatusCode.NOT_YOURS, reason: 'no' } }
    expect(decodeFileFrame(encodeFileFrame(status))).toEqual(status)
    const badNonce = { chunk: { index: 0, nonce: randomBytes(8), ciphertext: randomBytes(32) } }
    expect(() => decodeFileFrame(encodeFileFrame(badNonce as never))).toThrow(MalformedMessageError)
  })
})

describe('styles and attachments inside a DM', () => {
  const base = {
    kind: 'text' as const,
    messageId: randomBytes(16),
    seq: 1,
    sentAtMs: 1,
    resolvedBelow: 1,
  }

  it('round-trips a style and an offer', () => {
    const attachment = {
      fileId: randomBytes(16),
      name: 'photo.jpg',
      mime: 'image/jpeg',
      size: 5_000_000,
      sha256: randomBytes(32),
      key: randomBytes(32),
      chunkSize: CHUNK,
      width: 4000,
      height: 3000,
    }
    const style = { bold: true, color: 0x00ff88, size: 14 }
    const decoded = decodeInnerMessage(
      encodeInnerMessage({ ...base, text: 'look', style, attachment }),
    )
    expect(decoded).toMatchObject({ text: 'look', style, attachment })
    expect(styleToView(style)).toEqual({ bold: true, color: '#00ff88', size: 14 })
    expect(styleFromView({ bold: true, color: '#00FF88', size: 14 })).toEqual(style)
    expect(styleFromView({ bold: false })).toBeUndefined()
  })

  it('refuses bad styles and attachments', () => {
    expect(() => styleFromView({ color: 'red' })).toThrow(MalformedMessageError)
    expect(() => styleFromView({ size: 500 })).toThrow(MalformedMessageError)
    const inline = {
      fileId: randomBytes(16),
      name: 'a.txt',
      mime: 'text/plain',
      size: 4,
      sha256: randomBytes(32),
      inline: new Uint8Array([1, 2, 3]),
    }
    expect(() => encodeInnerMessage({ ...base, text: '', attachment: inline })).toThrow(
      MalformedMessageError,
    )
    const pathName = { ...inline, inline: new Uint8Array(4), name: '../etc/passwd' }
    expect(() => encodeInnerMessage({ ...base, text: '', attachment: pathName })).toThrow(
      MalformedMessageError,
    )
    const noKey = { ...inline, inline: undefined, chunkSize: CHUNK }
    expect(() => encodeInnerMessage({ ...base, text: '', attachment: noKey })).toThrow(
      MalformedMessageError,
    )
  })
})
