/**
 * The node's content-addressed file store: every complete file, sent or received, lives at
 * `<dataDir>/files/<name>`, written under a temporary name and renamed once its hash is
 * known (so a name always holds exactly the bytes it names). Files being received grow in
 * `partial/<file id>` until every chunk is in and the hash matches. An image's thumbnail
 * lives at `thumbnails/<name of the image>`.
 *
 * Sealed at rest: a file's name is its SHA-256 blinded (a keyed hash: the disk does not say
 * which known files are kept), and its bytes are in the sealed format of sealed-file.ts,
 * under a key derived from the identity. A partial file is sealed chunk by chunk as it comes
 * in (one segment per chunk) and renamed into the store once complete. Files a node stored
 * before sealing (named by their plain hash) are sealed and renamed when the store starts.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { AtRestSealer } from '../at-rest-sealer.ts'
import { FileIntegrityError, FileSizeError, FileUnreadableError } from './errors.ts'
import {
  openSealedPartial,
  readSealed,
  SealedFileReader,
  type SealedPartial,
  sealBytes,
  sealStream,
} from './sealed-file.ts'

/** The label of the store's keys; changing it orphans every file. */
export const FILE_STORE_KEY_LABEL = 'tokenim/files/v1'
const PLAIN_NAME = /^[0-9a-f]{64}$/

export interface StoredFile {
  sha256: string
  size: number
}

export class FileStore {
  readonly root: string
  readonly #sealer: AtRestSealer
  readonly #partial: string
  readonly #incoming: string
  readonly #thumbnails: string

  /** `sealer`: the store's keys (FILE_STORE_KEY_LABEL), from the unlocked identity. */
  constructor(root: string, sealer: AtRestSealer) {
    this.root = root
    this.#sealer = sealer
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
    await this.#sealLegacyFiles(this.root)
    await this.#sealLegacyFiles(this.#thumbnails)
  }

  #pathOf(sha256: string): string {
    if (!PLAIN_NAME.test(sha256)) throw new RangeError('a SHA-256 is 64 lowercase hex digits')
    return join(this.root, this.#sealer.blind(sha256))
  }

  has(sha256: string): Promise<boolean> {
    return isFile(this.#pathOf(sha256))
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
        sealStream(this.#sealer),
        createWriteStream(temp, { mode: 0o600 }),
      )
      checkSize(size, maxSize)
      const sha256 = hash.digest('hex')
      await syncFile(temp)
      await rename(temp, this.#pathOf(sha256))
      return { sha256, size }
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
    await this.#write(this.#pathOf(sha256), await sealBytes(this.#sealer, bytes))
    return { sha256, size: bytes.length }
  }

  #thumbnailPathOf(sha256: string): string {
    return join(this.#thumbnails, this.#sealer.blind(sha256))
  }

  /** Stores the thumbnail of the image `sha256` names. */
  async putThumbnail(sha256: string, bytes: Uint8Array): Promise<void> {
    await this.#write(this.#thumbnailPathOf(sha256), await sealBytes(this.#sealer, bytes))
  }

  async hasThumbnail(sha256: string): Promise<boolean> {
    return isFile(this.#thumbnailPathOf(sha256))
  }

  /** The thumbnail of the image `sha256` names, as it streams out. */
  readThumbnail(sha256: string): AsyncGenerator<Uint8Array> {
    return this.#stream(this.#thumbnailPathOf(sha256))
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
    const reader = await this.openStored(sha256)
    try {
      const buffer = new Uint8Array(Math.min(length, reader.size))
      const { bytesRead } = await reader.read(buffer, 0, buffer.length, 0)
      return buffer.subarray(0, bytesRead)
    } finally {
      await reader.close()
    }
  }

  /** A stored file, opened to read ranges of it. */
  openStored(sha256: string): Promise<SealedFileReader> {
    return SealedFileReader.open(this.#pathOf(sha256), this.#sealer)
  }

  /** A whole stored file (image sources for thumbnails, tests). */
  read(sha256: string): Promise<Uint8Array> {
    return readSealed(this.#pathOf(sha256), this.#sealer)
  }

  /** A stored file as it streams out, for serving it. */
  readStream(sha256: string): AsyncGenerator<Uint8Array> {
    return this.#stream(this.#pathOf(sha256))
  }

  async *#stream(path: string): AsyncGenerator<Uint8Array> {
    const reader = await SealedFileReader.open(path, this.#sealer)
    try {
      yield* reader.stream()
    } finally {
      await reader.close()
    }
  }

  /**
   * The partial file of an incoming transfer, sealed chunk by chunk (one segment of
   * `chunkSize` each), created if it is not there.
   */
  openPartial(fileId: string, chunkSize: number): Promise<SealedPartial> {
    return openSealedPartial(this.#partialPath(fileId), this.#sealer, chunkSize)
  }

  /**
   * Hashes the completed partial file and, if it matches, seals it into the store and
   * removes it. Throws FileIntegrityError (and deletes it) when it does not.
   */
  async completePartial(
    fileId: string,
    expectedSha256: string,
    /** The hash taken while the chunks came in, when they came in order. */
    knownSha256?: string,
  ): Promise<StoredFile> {
    const path = this.#partialPath(fileId)
    const reader = await SealedFileReader.open(path, this.#sealer)
    let sha256 = knownSha256
    try {
      if (sha256 == null) {
        const hash = createHash('sha256')
        for await (const piece of reader.stream()) hash.update(piece)
        sha256 = hash.digest('hex')
      }
    } finally {
      await reader.close()
    }
    if (sha256 !== expectedSha256) {
      await rm(path, { force: true })
      throw new FileIntegrityError(
        'the received file does not match the hash its sender announced; it was discarded',
      )
    }
    // Sealed as it came in: the store takes it as it is.
    await rename(path, this.#pathOf(sha256))
    return { sha256, size: reader.size }
  }

  /** Deletes a stored file and its thumbnail. */
  async remove(sha256: string): Promise<void> {
    await rm(this.#pathOf(sha256), { force: true })
    await rm(this.#thumbnailPathOf(sha256), { force: true })
  }

  async removePartial(fileId: string): Promise<void> {
    await rm(this.#partialPath(fileId), { force: true })
  }

  /** Seals the plain file at `source` into `target` (whole or absent), then removes it. */
  async #sealInto(source: string, target: string): Promise<void> {
    const temp = join(this.#incoming, randomBytes(8).toString('hex'))
    try {
      await pipeline(
        createReadStream(source),
        sealStream(this.#sealer),
        createWriteStream(temp, { mode: 0o600 }),
      )
      await syncFile(temp)
      await rename(temp, target)
    } catch (err) {
      await rm(temp, { force: true })
      throw err
    }
    await rm(source, { force: true })
  }

  /** Files named by their plain hash were stored before sealing: sealed and renamed once. */
  async #sealLegacyFiles(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (!entry.isFile() || !PLAIN_NAME.test(entry.name)) continue
      await this.#sealInto(join(dir, entry.name), join(dir, this.#sealer.blind(entry.name)))
    }
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
