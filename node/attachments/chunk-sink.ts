/**
 * Where an incoming transfer's chunks go: each is written at its place in the partial file,
 * several writes at once so the disk never holds up the stream; the bitmap on disk only ever
 * claims chunks whose bytes were written and synced before it; and while chunks come in
 * order from the first one, the file's SHA-256 is taken on the way, which spares reading the
 * whole file again at the end (a resumed transfer is hashed from disk instead).
 */
import { createHash } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import type { ChunkBitmap } from '../../protocol/attachments.ts'

/** Chunks gathered into one write (512 KiB). */
const RUN_CHUNKS = 8

export interface ChunkSinkInit {
  /** Chunks written between two syncs of the data and the bitmap. */
  flushEvery: number
  /** Writes under way at once. @default 4 */
  maxPendingWrites?: number
  /** Persists the bitmap (synced): called only after the chunks it claims are synced. */
  persist(bitmap: Uint8Array): Promise<void>
  /** What of chunk `index` is written, once hashed: its plaintext sealed (sealed-file.ts). */
  seal?(index: number, plaintext: Uint8Array[]): Uint8Array[]
}

export class ChunkSink {
  readonly #partial: FileHandle
  readonly #bitmap: ChunkBitmap
  readonly #init: ChunkSinkInit
  readonly #pending: Array<Promise<void>> = []
  readonly #hash = createHash('sha256')
  #hashedUpTo = 0
  #unsynced = 0
  #failed: Error | undefined
  #syncing: Promise<void> | undefined
  /** Chunks that follow one another, not written yet (each in one or more pieces). */
  #run: { first: number; offset: number; chunks: number; pieces: Uint8Array[] } | undefined

  constructor(partial: FileHandle, bitmap: ChunkBitmap, init: ChunkSinkInit) {
    this.#partial = partial
    this.#bitmap = bitmap
    this.#init = init
  }

  /**
   * Queues the chunk's write at `offset`: chunks that follow one another are gathered and
   * written in one call. The chunk's plaintext comes in the pieces it was decrypted in, which
   * are written as they are, or sealed first (`init.seal`). Resolves once the queue has room.
   */
  async take(index: number, plaintext: Uint8Array[], offset: number): Promise<void> {
    if (this.#failed != null) throw this.#failed
    if (index === this.#hashedUpTo) {
      for (const piece of plaintext) this.#hash.update(piece)
      this.#hashedUpTo++
    }
    const written = this.#init.seal?.(index, plaintext) ?? plaintext
    const run = this.#run
    if (run != null && run.first + run.chunks === index && run.chunks < RUN_CHUNKS) {
      run.chunks++
      run.pieces.push(...written)
    } else {
      this.#writeRun()
      this.#run = { first: index, offset, chunks: 1, pieces: [...written] }
    }
    if (this.#run!.chunks === RUN_CHUNKS) this.#writeRun()
    if (this.#pending.length >= (this.#init.maxPendingWrites ?? 4)) await this.#pending.shift()
    // Synced in the background: receiving goes on while the disk catches up.
    if (this.#unsynced >= this.#init.flushEvery && this.#syncing == null) {
      this.#syncing = this.#sync()
        .catch((err: Error) => {
          this.#failed ??= err
        })
        .finally(() => {
          this.#syncing = undefined
        })
    }
  }

  /** Waits for the writes, syncs them, then persists the bitmap. Throws if a write failed. */
  async flush(): Promise<void> {
    await this.#syncing
    await this.#sync()
  }

  /** Starts writing the gathered run, if any. */
  #writeRun(): void {
    const run = this.#run
    if (run == null) return
    this.#run = undefined
    const write = writeAll(this.#partial, run.pieces, run.offset).then(
      () => {
        for (let i = 0; i < run.chunks; i++) this.#bitmap.set(run.first + i)
        this.#unsynced += run.chunks
      },
      (err: Error) => {
        this.#failed ??= err
      },
    )
    this.#pending.push(write)
  }

  async #sync(): Promise<void> {
    this.#writeRun()
    await Promise.all(this.#pending.splice(0))
    if (this.#failed != null) throw this.#failed
    if (this.#unsynced === 0) return
    // Taken before the sync: it claims only chunks written before the sync began.
    const claimed = this.#bitmap.bytes()
    this.#unsynced = 0
    await this.#partial.datasync()
    await this.#init.persist(claimed)
  }

  /** The file's SHA-256 (hex) when every chunk came in order from the first; else undefined. */
  digest(): string | undefined {
    return this.#hashedUpTo === this.#bitmap.count ? this.#hash.digest('hex') : undefined
  }
}

/**
 * Writes every byte of `pieces` at `offset`. A write may stop short (a full disk, a signal):
 * the rest goes again, so a real failure surfaces as the next call's error rather than as
 * chunks counted received that are not on disk.
 */
async function writeAll(file: FileHandle, pieces: Uint8Array[], offset: number): Promise<void> {
  let rest = pieces
  let position = offset
  while (rest.length > 0) {
    const { bytesWritten } = await file.writev(rest, position)
    if (bytesWritten === 0) throw new Error('the disk took none of the bytes written')
    position += bytesWritten
    rest = dropBytes(rest, bytesWritten)
  }
}

/** `pieces` without their first `count` bytes. */
function dropBytes(pieces: Uint8Array[], count: number): Uint8Array[] {
  let skip = count
  let first = 0
  while (first < pieces.length && skip >= pieces[first].byteLength) {
    skip -= pieces[first].byteLength
    first++
  }
  const rest = pieces.slice(first)
  if (skip > 0) rest[0] = rest[0].subarray(skip)
  return rest
}
