/**
 * What attachments keep in LevelDB (their own sublevel):
 *
 *   x/<file id>   TransferRecord: one transfer, either way; an incoming one keeps the bitmap of
 *                 the chunks already on disk, so it resumes after a broken connection or a restart
 *   f/<blinded sha256>  FileInfo: what a file of the store is (type, name, dimensions,
 *                 thumbnail), for serving it; the hash is blinded by the sublevel (a keyed
 *                 hash), so the disk does not say which known files are kept
 *
 * Writes that others act on (an offer before its DM leaves, a bitmap after its chunks are
 * synced, a completion) are synced to disk.
 */
import type { AttachmentState, ThumbnailView, TransferView } from '../../protocol/local-api.ts'
import type { AppLevel } from '../storage.ts'

export interface TransferRecord {
  /** 32 hex digits. */
  fileId: string
  /** The other party's Ed25519 key, hex (a room file: the device that sent it). */
  peerHex: string
  /**
   * A file sent to a room (hex room id): any member who holds it serves it to the room's
   * readers, and a receiver fetches it from any of them (room-files in doc/rooms.md).
   */
  roomId?: string
  peerId: string
  direction: 'in' | 'out'
  name: string
  mime: string
  size: number
  sha256: string
  width?: number
  height?: number
  inline: boolean
  /** The chunks' AES-256-GCM key, base64 (offers only). */
  key?: string
  chunkSize: number
  state: AttachmentState
  /** Incoming offers: the ChunkBitmap, base64. */
  bitmap?: string
  failure?: string
  /** A received image's thumbnail, once made (`thumbnails/<sha256>` in the file store). */
  thumbnail?: ThumbnailView
  createdAt: number
  updatedAt: number
}

export interface FileInfo {
  mime: string
  name: string
  size: number
  width?: number
  height?: number
  thumbnail?: ThumbnailView
}

const SYNC = { sync: true } as unknown as Record<string, never>
const encoder = new TextEncoder()
const decoder = new TextDecoder()

export class TransferStore {
  readonly #db: AppLevel

  constructor(db: AppLevel) {
    this.#db = db
  }

  async get(fileId: string): Promise<TransferRecord | undefined> {
    return readJson(await this.#db.get(`x/${fileId}`))
  }

  async put(record: TransferRecord, { sync = false }: { sync?: boolean } = {}): Promise<void> {
    record.updatedAt = Date.now()
    await this.#db.put(`x/${record.fileId}`, json(record), sync ? SYNC : {})
  }

  /** Forgets a transfer, and what the store knows of files no transfer names any more. */
  async remove(fileIds: string[], sha256s: string[]): Promise<void> {
    await this.#db.batch(
      [
        ...fileIds.map((fileId) => ({ type: 'del' as const, key: `x/${fileId}` })),
        ...sha256s.map((sha256) => ({ type: 'del' as const, key: this.#fileKey(sha256) })),
      ],
      SYNC,
    )
  }

  async all(): Promise<TransferRecord[]> {
    const out: TransferRecord[] = []
    for await (const value of this.#db.values({ gt: 'x/', lt: 'x/~' })) out.push(readJson(value)!)
    return out
  }

  async fileInfo(sha256: string): Promise<FileInfo | undefined> {
    return readJson(await this.#db.get(this.#fileKey(sha256)))
  }

  #fileKey(sha256: string): string {
    return `f/${this.#db.blind(sha256)}`
  }

  /** Keeps the thumbnail already known of the file when `info` names none. */
  async putFileInfo(sha256: string, info: FileInfo): Promise<void> {
    const thumbnail = info.thumbnail ?? (await this.fileInfo(sha256))?.thumbnail
    await this.#db.put(
      this.#fileKey(sha256),
      json(thumbnail == null ? info : { ...info, thumbnail }),
      SYNC,
    )
  }
}

/** The API's view of a transfer; `chunks` is what the receiver holds, or what was sent. */
export function transferView(
  record: TransferRecord,
  chunks: number,
  totalChunks: number,
): TransferView {
  const view: TransferView = {
    fileId: record.fileId,
    peerId: record.peerId,
    direction: record.direction,
    name: record.name,
    mime: record.mime,
    size: record.size,
    sha256: record.sha256,
    inline: record.inline,
    state: record.state,
    chunks,
    totalChunks,
    bytes: Math.min(record.size, chunks * record.chunkSize),
  }
  if (record.width != null) view.width = record.width
  if (record.height != null) view.height = record.height
  if (record.failure != null) view.failure = record.failure
  if (record.thumbnail != null) view.thumbnail = record.thumbnail
  if (record.roomId != null) view.roomId = record.roomId
  return view
}

/** What the store says of a file, as a transfer record describes it. */
export function fileInfoOf(record: TransferRecord): FileInfo {
  return {
    mime: record.mime,
    name: record.name,
    size: record.size,
    ...(record.width != null ? { width: record.width, height: record.height } : {}),
    ...(record.thumbnail != null ? { thumbnail: record.thumbnail } : {}),
  }
}

function json(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value))
}

function readJson<T>(value: Uint8Array | undefined): T | undefined {
  return value == null ? undefined : (JSON.parse(decoder.decode(value)) as T)
}
