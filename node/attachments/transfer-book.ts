/**
 * The live state of every transfer, and what the API is shown of it: the incoming
 * transfers not complete yet (in memory, with the bitmap of chunks held), the chunks served
 * per file since start, and the views and progress events made from them.
 *
 * How it is kept: one book per Attachments, shared by its parts, so a view is made the
 * same way whoever emits it; an incoming view counts the chunks written (the bitmap), an
 * outgoing one the chunks served (resends included, capped at the file's count); progress
 * events of one transfer come at most every `progressIntervalMs`, except the forced ones
 * (a state change) and the last chunk, which always go out.
 */
import { type ChunkBitmap, chunkCount } from '../../protocol/attachments.ts'
import type { TransferView } from '../../protocol/local-api.ts'
import type { TransferEvent } from './attachments.ts'
import { type TransferRecord, transferView } from './transfer-store.ts'

/** What an incoming transfer holds in memory while it is not complete. */
export interface Incoming {
  record: TransferRecord
  bitmap: ChunkBitmap
  running?: Promise<void>
  abort?: AbortController
  /** The peer connected (or a retry came due) while a run was under way. */
  again?: boolean
  /** Why the last run stopped (TransferView.waiting), until the next one reaches the sender. */
  waiting?: string
  /** Room files: members that sent bytes missing the hash; not asked again (until restart). */
  badSources?: Set<string>
}

export interface TransferBookInit {
  emit(type: TransferEvent, data: TransferView): void
  /** Least time between two progress events of one transfer. */
  progressIntervalMs: number
  /** @default Date.now */
  clock?: () => number
}

export class TransferBook {
  /** Incoming transfers not complete yet, by file id. */
  readonly incoming = new Map<string, Incoming>()
  readonly #served = new Map<string, number>()
  readonly #lastProgress = new Map<string, number>()
  readonly #emit: TransferBookInit['emit']
  readonly #progressIntervalMs: number
  readonly #clock: () => number

  constructor(init: TransferBookInit) {
    this.#emit = init.emit
    this.#progressIntervalMs = init.progressIntervalMs
    this.#clock = init.clock ?? Date.now
  }

  emit(type: TransferEvent, data: TransferView): void {
    this.#emit(type, data)
  }

  /** Counts one more chunk served for `fileId`; returns how many were. */
  countServed(fileId: string): number {
    const served = (this.#served.get(fileId) ?? 0) + 1
    this.#served.set(fileId, served)
    return served
  }

  /** Chunks served for `fileId` since this node started, resends included. */
  servedChunks(fileId: string): number {
    return this.#served.get(fileId) ?? 0
  }

  /** The API's view of a transfer as it stands now. */
  view(record: TransferRecord, totalChunks?: number): TransferView {
    const total = totalChunks ?? (record.inline ? 1 : chunkCount(record.size, record.chunkSize))
    if (record.state === 'complete') return transferView(record, total, total)
    if (record.direction === 'in') {
      return this.viewOf(record, this.incoming.get(record.fileId)?.bitmap.have ?? 0, total)
    }
    return transferView(record, Math.min(this.servedChunks(record.fileId), total), total)
  }

  /** The view with `chunks` held, and why the transfer waits, if it does. */
  viewOf(record: TransferRecord, chunks: number, total: number): TransferView {
    const view = transferView(record, chunks, total)
    const waiting = this.incoming.get(record.fileId)?.waiting
    if (waiting != null) view.waiting = waiting
    return view
  }

  /** Emits `transfer:progress`, unless one went out less than the interval ago. */
  progress(record: TransferRecord, chunks: number, total: number, force = false): void {
    const now = this.#clock()
    const last = this.#lastProgress.get(record.fileId) ?? 0
    if (!force && chunks < total && now - last < this.#progressIntervalMs) return
    this.#lastProgress.set(record.fileId, now)
    this.#emit('transfer:progress', this.viewOf(record, chunks, total))
  }
}
