/**
 * The node's content-addressed file store: every complete file, sent or received, lives at
 * `<dataDir>/files/<sha256 hex>`, written under a temporary name and renamed once its hash
 * is known (so a name always holds exactly the bytes it names). Files being received grow
 * in `partial/<file id>` until every chunk is in and the hash matches. An image's thumbnail
 * lives at `thumbnails/<sha256 of the image>`.
 */
import { createHash, randomBytes } from 'node:crypto'
import { constants, createReadStream, createWriteStream } from 'node:fs'
import { type FileHandle, mkdir, open, rename, rm, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { FileIntegrityError, FileSizeError, FileUnreadableError } from './errors.ts'

export interface StoredFile {
  sha256: string
  size: number
  path: string
}

export class FileStore {
  readonly root: string
  readonly #partial: string
  readonly #incoming: string
  readonly #thumbnails: string

  constructor(root: string) {
    this.root = root
    this.#partial = join(root, 'partial')
    this.#incoming = join(root, 'incoming')
    this.#thumbnails = join(root, 'thumbnails')
  }

  async start(): Promise<void> {
    await mkdir(this.#partial, { recursive: true, mode: 0o700 })
    await mkdir(this.#thumbnails, { recursive: true, mode: 0o700 })
    // Leftovers of imports a crash interrupted: they were never named by a hash.
    await rm(this.#incoming, { recursive: true, force: true })
    await mkdir(this.#incoming, { recursive: true, mode: 0o700 })
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new RangeError('a SHA-256 is 64 lowercase hex digits')
    return join(this.root, sha256)
  }

  has(sha256: string): Promise<boolean> {
    return isFile(this.pathOf(sha256))
  }

  /** Copies a file of the local disk into the store, hashing it on the way. */
  async importPath(path: string, maxSize: number): Promise<StoredFile> {
    let size: number
    try {
      const info = await stat(path)
      if (!info.isFile()) throw new FileUnreadableError(`${path} is not a regular file`)
      size = info.size
    } catch (err) {
      if (err instanceof FileUnreadableError) throw err
      throw new FileUnreadableError(`cannot read ${path}: ${(err as Error).message}`)
    }
    checkSize(size, maxSize)
    return this.importStream(createReadStream(path), maxSize)
  }

  /** Stores what `source` yields, refusing (FileSizeError) more than `maxSize` bytes. */
  async importStream(source: AsyncIterable<Uint8Array>, maxSize: number): Promise<StoredFile> {
    const temp = join(this.#incoming, randomBytes(8).toString('hex'))
    const hash = createHash('sha256')
    let size = 0
    try {
      await pipeline(
        source,
        async function* (chunks: AsyncIterable<Uint8Array>) {
          for await (const chunk of chunks) {
            size += chunk.length
            if (size > maxSize) checkSize(size, maxSize)
            hash.update(chunk)
            yield chunk
          }
        },
        createWriteStream(temp, { mode: 0o600 }),
      )
      checkSize(size, maxSize)
      const sha256 = hash.digest('hex')
      await syncFile(temp)
      await rename(temp, this.pathOf(sha256))
      return { sha256, size, path: this.pathOf(sha256) }
    } catch (err) {
      await rm(temp, { force: true })
      throw err
    }
  }

  /** Stores bytes whose hash the caller expects; FileIntegrityError when it differs. */
  async importBytes(bytes: Uint8Array, expectedSha256: string): Promise<StoredFile> {
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    if (sha256 !== expectedSha256) {
      throw new FileIntegrityError('the file does not match the hash its sender announced')
    }
    await this.#write(this.pathOf(sha256), bytes)
    return { sha256, size: bytes.length, path: this.pathOf(sha256) }
  }

  thumbnailPathOf(sha256: string): string {
    return join(this.#thumbnails, basename(this.pathOf(sha256)))
  }

  /** Stores the thumbnail of the image `sha256` names. */
  async putThumbnail(sha256: string, bytes: Uint8Array): Promise<void> {
    await this.#write(this.thumbnailPathOf(sha256), bytes)
  }

  async hasThumbnail(sha256: string): Promise<boolean> {
    return isFile(this.thumbnailPathOf(sha256))
  }

  /** Writes under a temporary name, syncs, renames: `path` is whole or absent. */
  async #write(path: string, bytes: Uint8Array): Promise<void> {
    const temp = join(this.#incoming, randomBytes(8).toString('hex'))
    const handle = await open(temp, 'w', 0o600)
    try {
      await handle.writeFile(bytes)
      await handle.datasync()
    } finally {
      await handle.close()
    }
    await rename(temp, path)
  }

  /** The first `length` bytes of a stored file (MIME and image header detection). */
  async head(sha256: string, length: number): Promise<Uint8Array> {
    const handle = await open(this.pathOf(sha256), 'r')
    try {
      const buffer = Buffer.alloc(length)
      const { bytesRead } = await handle.read(buffer, 0, length, 0)
      return new Uint8Array(buffer.buffer, buffer.byteOffset, bytesRead)
    } finally {
      await handle.close()
    }
  }

  openStored(sha256: string): Promise<FileHandle> {
    return open(this.pathOf(sha256), 'r')
  }

  /** The partial file of an incoming transfer, created empty if it is not there. */
  openPartial(fileId: string): Promise<FileHandle> {
    return open(this.#partialPath(fileId), constants.O_RDWR | constants.O_CREAT, 0o600)
  }

  /**
   * Hashes the completed partial file and, if it matches, moves it into the store.
   * Throws FileIntegrityError (and deletes it) when it does not.
   */
  async completePartial(
    fileId: string,
    expectedSha256: string,
    /** The hash taken while the chunks came in, when they came in order. */
    knownSha256?: string,
  ): Promise<StoredFile> {
    const path = this.#partialPath(fileId)
    let sha256 = knownSha256
    if (sha256 == null) {
      const hash = createHash('sha256')
      for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk)
      sha256 = hash.digest('hex')
    }
    const size = (await stat(path)).size
    if (sha256 !== expectedSha256) {
      await rm(path, { force: true })
      throw new FileIntegrityError(
        'the received file does not match the hash its sender announced; it was discarded',
      )
    }
    await rename(path, this.pathOf(sha256))
    return { sha256, size, path: this.pathOf(sha256) }
  }

  async removePartial(fileId: string): Promise<void> {
    await rm(this.#partialPath(fileId), { force: true })
  }

  #partialPath(fileId: string): string {
    if (!/^[0-9a-f]{32}$/.test(fileId)) throw new RangeError('a file id is 32 hex digits')
    return join(this.#partial, fileId)
  }
}

function checkSize(size: number, maxSize: number): void {
  if (size === 0) throw new FileSizeError('the file is empty')
  if (size > maxSize) {
    throw new FileSizeError(
      `the file is over this node's limit of ${maxSize} bytes (maxFileSize); send a smaller one`,
    )
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+')
  try {
    await handle.datasync()
  } finally {
    await handle.close()
  }
}
