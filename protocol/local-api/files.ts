/** Attachments: files sent beside 1:1 texts and their transfers (doc/attachments.md). */
import { z } from 'zod'
import { FILE_API_PATHS } from './paths.ts'
import { apiRoute, named, nonBlank } from './route.ts'

/**
 * Where an attachment's transfer stands: `pending` (waiting until both ends are online),
 * `transferring`, `complete` (received and its hash checked; for the sender: the recipient
 * has it), `failed` (`failure` says why).
 */
export const AttachmentState = z.enum(['pending', 'transferring', 'complete', 'failed'])
export type AttachmentState = z.infer<typeof AttachmentState>

/** A file sent with a 1:1 message. Its bytes: `GET /v1/files?sha256=` once complete. */
export const AttachmentView = named(
  'AttachmentView',
  z.object({
    /** 16 random bytes, hex: names the transfer. */
    fileId: z.string(),
    name: z.string(),
    mime: z.string(),
    size: z.number(),
    /** SHA-256 of the whole file, hex: its name in the local file store. */
    sha256: z.string(),
    /** Images whose header tells. */
    width: z.number().optional(),
    height: z.number().optional(),
    /** True when the file came whole inside the message (small files). */
    inline: z.boolean(),
    /** Filled by the conversation routes. */
    state: AttachmentState.optional(),
  }),
)
export type AttachmentView = z.infer<typeof AttachmentView>

export const SendFileRequest = named(
  'SendFileRequest',
  z.object({
    /** A username, peer id or hex public key; or `room` instead. */
    to: nonBlank().optional(),
    /** A room id: the file goes to the room's members (doc/rooms.md). */
    room: nonBlank().optional(),
    /** In a room: members the caption mentions (account keys or peer ids). */
    mentions: z.array(nonBlank()).optional(),
    /** Absolute path of a file on the node's machine. */
    path: nonBlank().refine((path) => path.startsWith('/'), {
      message: 'must be absolute (the node may run elsewhere than the caller)',
    }),
    /** A caption sent with it. */
    text: z.string().optional(),
  }),
)
export type SendFileRequest = z.infer<typeof SendFileRequest>

/** A small copy of an image (longest side at most 256 px) for clients to show in place. */
export const ThumbnailView = named(
  'ThumbnailView',
  z.object({
    mime: z.enum(['image/jpeg', 'image/png']),
    width: z.number(),
    height: z.number(),
    size: z.number(),
  }),
)
export type ThumbnailView = z.infer<typeof ThumbnailView>

/** One attachment transfer, either way. */
export const TransferView = named(
  'TransferView',
  AttachmentView.extend({
    /** The other party: for a room file, the member it was sent by. */
    peerId: z.string(),
    /** Set for a file sent to a room: fetched from any member who holds it. */
    roomId: z.string().optional(),
    direction: z.enum(['in', 'out']),
    state: AttachmentState,
    /** Chunks the receiver holds (in), or chunks sent so far (out). */
    chunks: z.number(),
    totalChunks: z.number(),
    /** Bytes the receiver holds (in), or sent so far (out). */
    bytes: z.number(),
    failure: z.string().optional(),
    /** A received image's thumbnail, once made: `GET /v1/files?sha256=&thumbnail=1`. */
    thumbnail: ThumbnailView.optional(),
    /**
     * Why an incoming transfer is not moving now, in words for the user (the sender is away,
     * or reachable only through a relay, which carries no files); absent while it moves.
     */
    waiting: z.string().optional(),
  }),
)
export type TransferView = z.infer<typeof TransferView>

export const SendFileResponse = named(
  'SendFileResponse',
  z.object({
    /** The DM (or room message) that carries the file (inline) or its offer. */
    messageId: z.string(),
    transfer: TransferView,
  }),
)
export type SendFileResponse = z.infer<typeof SendFileResponse>

export const TransferListResponse = named(
  'TransferListResponse',
  z.object({
    /** Newest first. */
    transfers: z.array(TransferView),
  }),
)
export type TransferListResponse = z.infer<typeof TransferListResponse>

/** Attachments. */
export const FILE_ROUTES = {
  send: apiRoute({
    method: 'POST',
    path: FILE_API_PATHS.send,
    summary: 'Sends a file the node reads from its own disk',
    body: SendFileRequest,
    response: SendFileResponse,
    errors: ['forbidden', 'not-found'],
  }),
  upload: apiRoute({
    method: 'POST',
    path: FILE_API_PATHS.upload,
    summary: "Sends the file in the request's body",
    query: z.object({
      /** A username, peer id or hex public key; or `room` instead. */
      to: nonBlank().optional(),
      /** A room id: the file goes to the room's members. */
      room: nonBlank().optional(),
      /** The file's name. */
      name: nonBlank(),
      /** A caption sent with it. */
      text: z.string().optional(),
    }),
    response: SendFileResponse,
    errors: ['forbidden'],
    bodyBytes: true,
  }),
  file: apiRoute({
    method: 'GET',
    path: FILE_API_PATHS.file,
    summary: "A complete file's bytes, or a received image's thumbnail",
    query: z.object({
      sha256: nonBlank(),
      /** `1`: the thumbnail of a received image. */
      thumbnail: z.string().optional(),
    }),
    response: z.unknown(),
    responseBytes: true,
  }),
  transfers: apiRoute({
    method: 'GET',
    path: FILE_API_PATHS.transfers,
    summary: 'Attachment transfers, newest first',
    response: TransferListResponse,
  }),
}
