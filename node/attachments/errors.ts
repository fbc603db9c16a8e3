/** Errors of attachments (file transfer); each `name` is stable for the API, CLI and tests. */
import { NodeError } from '../errors.ts'

export class AttachmentError extends NodeError {
  override name = 'AttachmentError'
}

/** A file over the node's size limit (`maxFileSize`), or an empty one. */
export class FileSizeError extends AttachmentError {
  override name = 'FileSizeError'
}

/** The path names no readable regular file. */
export class FileUnreadableError extends AttachmentError {
  override name = 'FileUnreadableError'
}

/** No file with that hash is complete in the local store. */
export class FileNotFoundError extends AttachmentError {
  override name = 'FileNotFoundError'
}

/** The file's bytes do not hash to what its sender announced: it is not shown as received. */
export class FileIntegrityError extends AttachmentError {
  override name = 'FileIntegrityError'
}

/** Attachments were used before the node started them, or after they stopped. */
export class AttachmentsStoppedError extends AttachmentError {
  override name = 'AttachmentsStoppedError'
}

/** No thumbnail could be made of an image (too large, corrupt, or of a type not handled). */
export class ThumbnailError extends AttachmentError {
  override name = 'ThumbnailError'
}

/** The sender of an incoming file cannot be reached for it now; the message says why. */
export class SenderUnreachableError extends AttachmentError {
  override name = 'SenderUnreachableError'
}

/** A member asked for a room's file refused it (it does not hold it, or is busy): ask another. */
export class FileSourceRefusedError extends AttachmentError {
  override name = 'FileSourceRefusedError'
}
