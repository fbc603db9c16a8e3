/** Attachments: files sent beside 1:1 texts and their transfers (doc/attachments.md). */

/**
 * Where an attachment's transfer stands: `pending` (waiting until both ends are online),
 * `transferring`, `complete` (received and its hash checked; for the sender: the recipient
 * has it), `failed` (`failure` says why).
 */
export type AttachmentState = 'pending' | 'transferring' | 'complete' | 'failed'

/** A file sent with a 1:1 message. Its bytes: `GET /v1/files?sha256=` once complete. */
export interface AttachmentView {
  /** 16 random bytes, hex: names the transfer. */
  fileId: string
  name: string
  mime: string
  size: number
  /** SHA-256 of the whole file, hex: its name in the local file store. */
  sha256: string
  /** Images whose header tells. */
  width?: number
  height?: number
  /** True when the file came whole inside the message (small files). */
  inline: boolean
  /** Filled by the conversation routes. */
  state?: AttachmentState
}

export interface SendFileRequest {
  /** A username, peer id or hex public key. */
  to: string
  /** Absolute path of a file on the node's machine. */
  path: string
  /** A caption sent with it. */
  text?: string
}

export interface SendFileResponse {
  /** The DM that carries the file (inline) or its offer. */
  messageId: string
  transfer: TransferView
}

/** One attachment transfer, either way. */
export interface TransferView {
  fileId: string
  /** The other party. */
  peerId: string
  direction: 'in' | 'out'
  name: string
  mime: string
  size: number
  sha256: string
  width?: number
  height?: number
  inline: boolean
  state: AttachmentState
  /** Chunks the receiver holds (in), or chunks sent so far (out). */
  chunks: number
  totalChunks: number
  /** Bytes the receiver holds (in), or sent so far (out). */
  bytes: number
  failure?: string
  /** A received image's thumbnail, once made: `GET /v1/files?sha256=&thumbnail=1`. */
  thumbnail?: ThumbnailView
  /**
   * Why an incoming transfer is not moving now, in words for the user (the sender is away,
   * or reachable only through a relay, which carries no files); absent while it moves.
   */
  waiting?: string
}

/** A small copy of an image (longest side at most 256 px) for clients to show in place. */
export interface ThumbnailView {
  mime: 'image/jpeg' | 'image/png'
  width: number
  height: number
  size: number
}

export interface TransferListResponse {
  /** Newest first. */
  transfers: TransferView[]
}
