/**
 * The worker thread that makes thumbnails (thumbnailer.ts starts it): reads the image itself
 * and decodes it here, so neither the file read nor the decoding holds up the node's thread.
 */
import { readFile } from 'node:fs/promises'
import { parentPort } from 'node:worker_threads'
import { makeThumbnail, type ThumbnailLimits } from './thumbnail-image.ts'

export interface ThumbnailJob {
  path: string
  mime: string
  limits: ThumbnailLimits
}

export type ThumbnailAnswer =
  | { mime: 'image/jpeg' | 'image/png'; width: number; height: number; bytes: Uint8Array }
  | { error: string }

parentPort?.on('message', async (job: ThumbnailJob) => {
  let answer: ThumbnailAnswer
  try {
    answer = makeThumbnail(await readFile(job.path), job.mime, job.limits)
  } catch (err) {
    answer = { error: (err as Error).message }
  }
  parentPort?.postMessage(answer)
})
