import type { FileHandle } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { ChunkSink } from '../../node/attachments/chunk-sink.ts'
import { ChunkBitmap } from '../../protocol/attachments.ts'

/** A file that takes at most `perCall` bytes per write, as a nearly full disk may. */
function stingyFile(size: number, perCall: number) {
  const bytes = new Uint8Array(size)
  let calls = 0
  const file = {
    async writev(pieces: Uint8Array[], position: number) {
      calls++
      let taken = 0
      for (const piece of pieces) {
        const part = piece.subarray(0, perCall - taken)
        bytes.set(part, position + taken)
        taken += part.byteLength
        if (taken === perCall) break
      }
      return { bytesWritten: taken, buffers: pieces }
    },
    async datasync() {},
  }
  return { file: file as unknown as FileHandle, bytes, calls: () => calls }
}

describe('ChunkSink', () => {
  it('writes every byte of a chunk even when the disk takes only part of each write', async () => {
    const disk = stingyFile(12, 5)
    const claimed: Uint8Array[] = []
    const sink = new ChunkSink(disk.file, new ChunkBitmap(2), {
      flushEvery: 2,
      persist: async (bitmap) => {
        claimed.push(bitmap)
      },
    })
    await sink.take(0, [Uint8Array.of(1, 2, 3), Uint8Array.of(4, 5, 6)], 0)
    await sink.take(1, [Uint8Array.of(7, 8, 9, 10, 11, 12)], 6)
    await sink.flush()
    expect([...disk.bytes]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    expect(disk.calls()).toBe(3)
    expect(new ChunkBitmap(2, claimed.at(-1)).count).toBe(2)
  })

  it('fails the flush, claiming nothing, when the disk takes no bytes at all', async () => {
    const disk = stingyFile(6, 0)
    const claimed: Uint8Array[] = []
    const sink = new ChunkSink(disk.file, new ChunkBitmap(1), {
      flushEvery: 1,
      persist: async (bitmap) => {
        claimed.push(bitmap)
      },
    })
    await sink.take(0, [Uint8Array.of(1, 2, 3, 4, 5, 6)], 0)
    await expect(sink.flush()).rejects.toThrow('the disk took none of the bytes written')
    expect(claimed).toEqual([])
  })
})
