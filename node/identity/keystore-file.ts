/**
 * The bytes of one keystore file (`<dir>/identity.key`): reading it, its header (readable
 * without the password), and writing over it only if it still holds what was read.
 *
 * Guarantees, and how they are kept:
 * - A missing file is KeystoreMissingError, never an empty read.
 * - No lost update: `replaceUnchanged` compares the file with the bytes the caller unsealed
 *   and writes the new ones inside a transaction of the lockout record, which every process
 *   on the folder takes in turn, so two processes cannot both replace the same file; a file
 *   that changed meanwhile is KeystoreChangedError and stays as it is.
 * - A write is atomic (write-file-atomic: a crash leaves the old file or the new one).
 */
import { readFile } from 'node:fs/promises'
import { fromHex } from '../../protocol/bytes.ts'
import { KeystoreChangedError, KeystoreMissingError } from '../errors.ts'
import { fileExists, writeFileAtomic } from './atomic-file.ts'
import type { LockoutRecord } from './lockout-record.ts'
import { parseSealedKeyFile, type SealedKeyFile } from './sealed-key.ts'

export class KeystoreFile {
  constructor(
    readonly path: string,
    readonly record: Pick<LockoutRecord, 'transact'>,
  ) {}

  read(): Promise<Uint8Array> {
    return readKeyFile(this.path)
  }

  exists(): Promise<boolean> {
    return fileExists(this.path)
  }

  /** The file's header, checked; readable without the password. */
  async header(): Promise<SealedKeyFile> {
    return parseSealedKeyFile(await this.read(), this.path)
  }

  async sealedPublicKey(): Promise<Uint8Array> {
    return fromHex((await this.header()).publicKey)
  }

  /** Writes `next` over the file if it still holds `expected`, inside a record transaction. */
  async replaceUnchanged(expected: Uint8Array, next: Uint8Array): Promise<void> {
    await this.record.transact(async () => ({
      result: await this.writeUnchanged(expected, next),
    }))
  }

  /** The compare and write of replaceUnchanged, for a caller already inside a transaction. */
  async writeUnchanged(expected: Uint8Array, next: Uint8Array): Promise<void> {
    const current = await this.read()
    if (!Buffer.from(current).equals(Buffer.from(expected))) {
      throw new KeystoreChangedError(this.path)
    }
    await writeFileAtomic(this.path, next)
  }
}

/** The bytes at `path`; KeystoreMissingError when there is no file. */
export async function readKeyFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new KeystoreMissingError(path)
    throw err
  }
}
