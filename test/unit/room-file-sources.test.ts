/**
 * Whom a receiver asks for a room's file (node/attachments/incoming-transfers.ts): members in
 * the order given, the next when one fails; a member whose bytes missed the hash is not asked
 * again, and the transfer does not fail for it.
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FileIntegrityError } from '../../node/attachments/errors.ts'
import type { FileFetch } from '../../node/attachments/file-fetch.ts'
import type { FileLanding } from '../../node/attachments/file-landing.ts'
import { IncomingTransfers } from '../../node/attachments/incoming-transfers.ts'
import { TransferBook } from '../../node/attachments/transfer-book.ts'
import { TransferStore } from '../../node/attachments/transfer-store.ts'
import { generateIdentity } from '../../node/identity/index.ts'
import { openStorage } from '../../node/storage.ts'
import { ATTACHMENT_CHUNK_SIZE } from '../../protocol/limits.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { testLogger } from '../helpers/test-logger.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('room file sources', () => {
  it('skips a member whose bytes missed the hash, and asks the next', async () => {
    const dir = await makeTempDir('tokenim-room-sources-')
    const storage = await openStorage(join(dir.path, 'db'))
    cleanups.push(async () => {
      await storage.close()
      await dir.remove()
    })
    const author = Buffer.from(generateIdentity().publicKey).toString('hex')
    const [liar, honest] = ['b', 'c'].map(() =>
      Buffer.from(generateIdentity().publicKey).toString('hex'),
    )
    const asked: string[] = []
    let honestFails = true
    const fetch = {
      run: async (_incoming: unknown, _signal: AbortSignal, from: string) => {
        asked.push(from)
        if (from === liar) throw new FileIntegrityError('bytes miss the hash')
        if (from === honest && honestFails) throw new Error('stream reset')
        if (from === author) throw new Error('cannot dial')
      },
    } as unknown as FileFetch
    const failed: string[] = []
    const landing = {
      fail: async (_record: unknown, reason: string) => void failed.push(reason),
    } as unknown as FileLanding
    const noop = () => {}
    const book = new TransferBook({ emit: noop, progressIntervalMs: 0 })
    const incoming = new IncomingTransfers({
      store: new TransferStore(storage.sublevel('attachments')),
      book,
      landing,
      fetch,
      maxFileSize: 1 << 30,
      log: testLogger,
      running: () => true,
      roomSources: () => [liar, honest, author],
    })
    const fileId = randomBytes(16).toString('hex')
    await incoming.receiveRoomFiles([
      {
        roomId: 'ab'.repeat(32),
        messageId: 'cd'.repeat(32),
        authorHex: author,
        mine: false,
        attachment: {
          fileId,
          name: 'a.bin',
          mime: 'application/octet-stream',
          size: 3 * ATTACHMENT_CHUNK_SIZE,
          sha256: 'ef'.repeat(32),
          key: randomBytes(32).toString('base64'),
          chunkSize: ATTACHMENT_CHUNK_SIZE,
        },
      },
    ])
    await book.incoming.get(fileId)?.running
    expect(asked).toEqual([liar, honest, author])

    honestFails = false
    incoming.resume()
    await book.incoming.get(fileId)?.running
    expect(asked).toEqual([liar, honest, author, honest])
    expect(failed).toEqual([])
  })
})
