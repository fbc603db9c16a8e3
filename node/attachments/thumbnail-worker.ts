/**
 * The worker thread that makes thumbnails (thumbnailer.ts starts it): decodes the image
 * here, so the decoding never holds up the node's thread.
 */
import { parentPort } from 'node:worker_threads'
import { makeThumbnail, type ThumbnailLimits } from './thumbnail-image.ts'

export interface ThumbnailJob {
  bytes: Uint8Array
  mime: string
  limits: ThumbnailLimits
}

export type ThumbnailAnswer =
  | { mime: 'image/jpeg' | 'image/png'; width: number; height: number; bytes: Uint8Array }
  | { error: string }

parentPort?.on('message', async (job: ThumbnailJob) => {
  let answer: ThumbnailAnswer
  try {
    answer = makeThumbnail(job.bytes, job.mime, job.limits)
  } catch (err) {
    answer = { error: (err as Error).message }
  }
  parentPort?.postMessage(answer)
})
