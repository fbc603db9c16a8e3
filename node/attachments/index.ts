/**
 * Attachments on the user's node: images and files to a peer, end-to-end encrypted, chunked
 * and resumable, checked against their SHA-256 before they show as received, kept in a
 * content-addressed store (`<dataDir>/files/<sha256>`). See doc/attachments.md.
 *
 * @example
 * ```ts
 * const attachments = new Attachments({
 *   host,
 *   db: storage.sublevel('attachments'),
 *   filesDir: join(dataDir, 'files'),
 *   messages, // DirectMessages
 *   emit,
 * })
 * await attachments.start()
 * const { transfer } = await attachments.sendFile('bob', '/home/alice/cat.jpg')
 * // 'transfer:progress' events follow on both ends, then 'transfer:complete' (a received
 * // image's carries its thumbnail: GET /v1/files?sha256=&thumbnail=1)
 * ```
 */
export { attachmentRoutes } from './api-routes.ts'
export {
  Attachments,
  type AttachmentsComponents,
  type AttachmentsInit,
  DEFAULT_RETRY_INTERVAL_MS,
  type TransferEvent,
} from './attachments.ts'
export * from './errors.ts'
export { DETECTION_HEAD_SIZE, detectFileKind, type FileKind } from './file-kind.ts'
export { FileStore, type StoredFile } from './file-store.ts'
export {
  makeThumbnail,
  THUMBNAIL_SOURCE_TYPES,
  type Thumbnail,
  type ThumbnailLimits,
} from './thumbnail-image.ts'
export { Thumbnailer, type ThumbnailerInit } from './thumbnailer.ts'
export { type FileInfo, type TransferRecord, TransferStore } from './transfer-store.ts'
