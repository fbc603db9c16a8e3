/**
 * Makes thumbnails of received images in a worker thread, one image at a time, so decoding a
 * large photo never holds up message delivery. The worker starts on the first image and is
 * ended when it overruns its time (a hostile image that keeps a decoder busy), runs out of
 * its memory, or the node stops; the next image starts a fresh one.
 */
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { AbortOptions } from '@libp2p/interface'
import {
  MAX_THUMBNAIL_SOURCE_PIXELS,
  MAX_THUMBNAIL_SOURCE_SIZE,
  THUMBNAIL_MAX_SIDE,
} from '../../protocol/limits.ts'
import { ThumbnailError } from './errors.ts'
import { THUMBNAIL_SOURCE_TYPES, type Thumbnail } from './thumbnail-image.ts'
import type { ThumbnailAnswer, ThumbnailJob } from './thumbnail-worker.ts'

export interface ThumbnailerInit {
  /** Largest image decoded, width x height. @default MAX_THUMBNAIL_SOURCE_PIXELS (40 MP) */
  maxPixels?: number
  /** Largest image file read. @default MAX_THUMBNAIL_SOURCE_SIZE (64 MiB) */
  maxSourceSize?: number
  /** Longest side of a thumbnail. @default THUMBNAIL_MAX_SIDE (256) */
  maxSide?: number
  /** Time one image may take before the worker is ended. @default 30000 */
  timeoutMs?: number
}

// The worker is this folder's thumbnail-worker, compiled (.js) or run from source (.ts).
const WORKER_URL = new URL(
  `./thumbnail-worker${extname(fileURLToPath(import.meta.url))}`,
  import.meta.url,
)
/** Heap of the worker; pixels live outside it, bounded by the pixel limit. */
const WORKER_HEAP_MB = 256

interface Current {
  resolve(thumbnail: Thumbnail): void
  reject(err: Error): void
  timer: NodeJS.Timeout
}

export class Thumbnailer {
  readonly #init: Required<ThumbnailerInit>
  #worker: Worker | undefined
  #current: Current | undefined
  /** Jobs wait here for the one before them. */
  #queue: Promise<unknown> = Promise.resolve()
  #stopped = false

  constructor(init: ThumbnailerInit = {}) {
    this.#init = {
      maxPixels: init.maxPixels ?? MAX_THUMBNAIL_SOURCE_PIXELS,
      maxSourceSize: init.maxSourceSize ?? MAX_THUMBNAIL_SOURCE_SIZE,
      maxSide: init.maxSide ?? THUMBNAIL_MAX_SIDE,
      timeoutMs: init.timeoutMs ?? 30_000,
    }
  }

  /** Whether an image of this type and size gets a thumbnail at all. */
  accepts(mime: string, size: number): boolean {
    return THUMBNAIL_SOURCE_TYPES.has(mime) && size <= this.#init.maxSourceSize
  }

  /**
   * The thumbnail of the image `bytes` (the store's files are sealed: the caller opens them);
   * ThumbnailError when none can be made. An abort while the image is being decoded ends the
   * worker (a decoder cannot be interrupted).
   */
  make(
    bytes: Uint8Array,
    mime: string,
    size: number,
    options: AbortOptions = {},
  ): Promise<Thumbnail> {
    if (!this.accepts(mime, size)) {
      return Promise.reject(new ThumbnailError(`no thumbnails of ${mime} files of ${size} bytes`))
    }
    const job = this.#queue.then(() => this.#run({ bytes, mime, limits: this.#init }, options))
    this.#queue = job.catch(() => undefined)
    return job
  }

  /** Ends the worker; the image under way, and those waiting, get no thumbnail. */
  async stop(): Promise<void> {
    this.#stopped = true
    await this.#end(new ThumbnailError('the node is stopping'))
  }

  #run(job: ThumbnailJob, { signal }: AbortOptions): Promise<Thumbnail> {
    if (this.#stopped) return Promise.reject(new ThumbnailError('the node is stopping'))
    if (signal?.aborted === true) return Promise.reject(new ThumbnailError('cancelled'))
    const worker = this.#worker ?? this.#spawn()
    const onAbort = () => void this.#end(new ThumbnailError('cancelled'))
    signal?.addEventListener('abort', onAbort, { once: true })
    return new Promise<Thumbnail>((resolve, reject) => {
      const timer = setTimeout(() => {
        void this.#end(new ThumbnailError(`the image took over ${this.#init.timeoutMs} ms`))
      }, this.#init.timeoutMs)
      this.#current = { resolve, reject, timer }
      worker.postMessage(job)
    }).finally(() => signal?.removeEventListener('abort', onAbort))
  }

  #spawn(): Worker {
    const worker = new Worker(WORKER_URL, {
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    })
    // An idle worker never keeps the process alive.
    worker.unref()
    // A worker that was ended is already replaced: what it says last concerns no job.
    worker.on('message', (answer: ThumbnailAnswer) => {
      if (this.#worker !== worker) return
      if ('error' in answer) this.#settle(new ThumbnailError(answer.error))
      else this.#settle(undefined, answer)
    })
    worker.on('error', (err) => {
      if (this.#worker !== worker) return
      this.#settle(new ThumbnailError(`the thumbnail worker failed: ${err.message}`))
    })
    worker.on('exit', () => {
      if (this.#worker !== worker) return
      this.#worker = undefined
      this.#settle(new ThumbnailError('the thumbnail worker ended'))
    })
    this.#worker = worker
    return worker
  }

  #settle(err: Error | undefined, thumbnail?: Thumbnail): void {
    const current = this.#current
    if (current == null) return
    this.#current = undefined
    clearTimeout(current.timer)
    if (err != null) current.reject(err)
    else current.resolve(thumbnail!)
  }

  async #end(reason: Error): Promise<void> {
    const worker = this.#worker
    this.#worker = undefined
    this.#settle(reason)
    await worker?.terminate()
  }
}
