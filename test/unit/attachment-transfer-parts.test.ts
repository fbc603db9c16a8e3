import { Uint8ArrayList } from 'uint8arraylist'
import { describe, expect, it } from 'vitest'
import { openChunk } from '../../node/attachments/file-fetch.ts'
import { readRuns } from '../../node/attachments/file-server.ts'
import { TransferBook } from '../../node/attachments/transfer-book.ts'
import type { TransferRecord } from '../../node/attachments/transfer-store.ts'
import {
  ChunkBitmap,
  decodeReceivedFileFrame,
  type ReceivedChunk,
  sealChunkFrame,
} from '../../protocol/attachments.ts'
import { aeadKey, randomBytes } from '../../protocol/crypto/index.ts'
import type { TransferView } from '../../protocol/local-api.ts'

function record(overrides: Partial<TransferRecord> = {}): TransferRecord {
  return {
    fileId: 'ab'.repeat(16),
    peerHex: 'cd'.repeat(32),
    peerId: 'peer',
    direction: 'in',
    name: 'cat.jpg',
    mime: 'image/jpeg',
    size: 10 * 1000,
    sha256: 'ef'.repeat(32),
    inline: false,
    chunkSize: 1000,
    state: 'transferring',
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  }
}

function book() {
  let now = 1_000_000
  const events: Array<{ type: string; view: TransferView }> = []
  const subject = new TransferBook({
    emit: (type, view) => events.push({ type, view }),
    progressIntervalMs: 250,
    clock: () => now,
  })
  return { subject, events, advance: (ms: number) => (now += ms) }
}

describe('transfer book', () => {
  it('sends at most one progress event per interval, but always a forced one and the last', () => {
    const { subject, events, advance } = book()
    const transfer = record()
    subject.progress(transfer, 1, 10)
    subject.progress(transfer, 2, 10)
    expect(events.map((e) => e.view.chunks)).toEqual([1])
    subject.progress(transfer, 3, 10, true)
    subject.progress(transfer, 10, 10)
    advance(249)
    subject.progress(transfer, 4, 10)
    advance(1)
    subject.progress(transfer, 5, 10)
    expect(events.map((e) => e.view.chunks)).toEqual([1, 3, 10, 5])
    expect(events.every((e) => e.type === 'transfer:progress')).toBe(true)
    // Another transfer has its own interval.
    subject.progress(record({ fileId: '01'.repeat(16) }), 1, 10)
    expect(events).toHaveLength(5)
  })

  it('shows an incoming transfer by the chunks it holds, and why it waits', () => {
    const { subject } = book()
    const transfer = record()
    expect(subject.view(transfer).chunks).toBe(0)
    const bitmap = new ChunkBitmap(10)
    bitmap.set(0)
    bitmap.set(7)
    subject.incoming.set(transfer.fileId, { record: transfer, bitmap, waiting: 'sender away' })
    const view = subject.view(transfer)
    expect(view).toMatchObject({ chunks: 2, totalChunks: 10, bytes: 2000, waiting: 'sender away' })
    expect(subject.view({ ...transfer, state: 'complete' }).chunks).toBe(10)
  })

  it('shows an outgoing transfer by the chunks served, resends capped at the count', () => {
    const { subject } = book()
    const transfer = record({ direction: 'out', size: 3000 })
    for (let i = 0; i < 5; i++) subject.countServed(transfer.fileId)
    expect(subject.servedChunks(transfer.fileId)).toBe(5)
    expect(subject.view(transfer)).toMatchObject({ chunks: 3, totalChunks: 3 })
    expect(subject.view(record({ direction: 'out', inline: true })).totalChunks).toBe(1)
  })
})

describe('serving runs', () => {
  it('cuts requested ranges into runs of at most a window, in order', () => {
    expect(readRuns([{ first: 0, count: 40 }], 16)).toEqual([
      { first: 0, count: 16 },
      { first: 16, count: 16 },
      { first: 32, count: 8 },
    ])
    expect(
      readRuns(
        [
          { first: 3, count: 2 },
          { first: 10, count: 17 },
        ],
        16,
      ),
    ).toEqual([
      { first: 3, count: 2 },
      { first: 10, count: 16 },
      { first: 26, count: 1 },
    ])
    expect(readRuns([], 16)).toEqual([])
  })
})

describe('opening a received chunk', () => {
  const key = randomBytes(32)
  const fileId = randomBytes(16)
  const sized = { size: 2500, chunkSize: 1000 }

  function received(index: number, plaintext: Uint8Array, sealKey = key): ReceivedChunk {
    const frame = sealChunkFrame(sealKey, fileId, index, 3, plaintext, randomBytes(12))
    const decoded = decodeReceivedFileFrame(new Uint8ArrayList(...frame))
    if (decoded.chunk == null) throw new Error('not a chunk frame')
    return decoded.chunk
  }

  it('takes the chunk asked for next, decrypted', () => {
    const plaintext = randomBytes(1000)
    const pieces = openChunk(received(1, plaintext), { value: 1 }, sized, aeadKey(key), fileId, 3)
    expect(Buffer.concat(pieces)).toEqual(Buffer.from(plaintext))
  })

  it('refuses a chunk out of order, of the wrong length, or sealed under another key', () => {
    const chunk = received(1, randomBytes(1000))
    expect(() => openChunk(chunk, { value: 2 }, sized, aeadKey(key), fileId, 3)).toThrow(
      /out of order/,
    )
    expect(() =>
      openChunk(chunk, { done: true, value: undefined }, sized, aeadKey(key), fileId, 3),
    ).toThrow(/out of order/)
    // The last chunk of a 2,500-byte file holds 500 bytes.
    const long = received(2, randomBytes(1000))
    expect(() => openChunk(long, { value: 2 }, sized, aeadKey(key), fileId, 3)).toThrow(
      /wrong length/,
    )
    const forged = received(1, randomBytes(1000), randomBytes(32))
    expect(() => openChunk(forged, { value: 1 }, sized, aeadKey(key), fileId, 3)).toThrow(
      expect.objectContaining({ name: 'DecryptionError' }),
    )
  })
})
