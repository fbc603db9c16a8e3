import { createHash } from 'node:crypto'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AtRestSealer } from '../../node/at-rest-sealer.ts'
import { FILE_STORE_KEY_LABEL, FileStore } from '../../node/attachments/file-store.ts'
import { HEADER_SIZE, SEGMENT_OVERHEAD, SEGMENT_SIZE } from '../../node/attachments/sealed-file.ts'
import { generateIdentity } from '../../node/identity/index.ts'
import { randomBytes } from '../../protocol/crypto/index.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const identity = generateIdentity()
const sealer = () => new AtRestSealer(identity, FILE_STORE_KEY_LABEL)
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

let dir: Awaited<ReturnType<typeof makeTempDir>>
let store: FileStore

beforeEach(async () => {
  dir = await makeTempDir('tokenim-file-store-')
  store = new FileStore(dir.path, sealer())
  await store.start()
})

afterEach(async () => {
  await dir.remove()
})

async function storedFiles(): Promise<string[]> {
  const entries = await readdir(dir.path, { withFileTypes: true })
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name)
}

/** Three and a half segments, so ranges cross segment boundaries. */
const content = randomBytes(SEGMENT_SIZE * 3 + SEGMENT_SIZE / 2)

describe('sealed file store', () => {
  it('keeps files under a blinded name, sealed, and reads any range of them back', async () => {
    const pieces = (async function* () {
      yield content.subarray(0, 1000)
      yield content.subarray(1000)
    })()
    const stored = await store.importStream(pieces, 1e9)
    expect(stored).toEqual({ sha256: sha256(content), size: content.length })
    const [name] = await storedFiles()
    expect(name).toMatch(/^[0-9a-f]{32}$/)
    expect(name).not.toBe(stored.sha256.slice(0, 32))
    const onDisk = await readFile(join(dir.path, name))
    expect(onDisk.length).toBe(HEADER_SIZE + 4 * SEGMENT_OVERHEAD + content.length)
    expect(onDisk.includes(Buffer.from(content.subarray(5000, 5032)))).toBe(false)

    expect(Buffer.from(await store.read(stored.sha256))).toEqual(Buffer.from(content))
    const reader = await store.openStored(stored.sha256)
    expect(reader.size).toBe(content.length)
    for (const [position, length] of [
      [0, 10],
      [SEGMENT_SIZE - 5, 10],
      [SEGMENT_SIZE * 2 - 1, SEGMENT_SIZE + 2],
      [content.length - 7, 100],
    ]) {
      const buffer = new Uint8Array(length)
      const { bytesRead } = await reader.read(buffer, 0, length, position)
      const expected = content.subarray(position, position + length)
      expect(bytesRead).toBe(expected.length)
      expect(Buffer.from(buffer.subarray(0, bytesRead))).toEqual(Buffer.from(expected))
    }
    await reader.close()
    expect(Buffer.from(await store.head(stored.sha256, 16))).toEqual(
      Buffer.from(content.subarray(0, 16)),
    )
  })

  it('refuses a file read with another identity, a tampered segment, and moved segments', async () => {
    const { sha256: hash } = await store.importBytes(content, sha256(content))
    const [name] = await storedFiles()
    const path = join(dir.path, name)
    const original = await readFile(path)

    // Another identity finds no file under the name, and opens none under this one.
    const stranger = new FileStore(
      dir.path,
      new AtRestSealer(generateIdentity(), FILE_STORE_KEY_LABEL),
    )
    expect(await stranger.has(hash)).toBe(false)

    const tampered = Buffer.from(original)
    tampered[HEADER_SIZE + 100] ^= 1
    await writeFile(path, tampered)
    await expect(store.read(hash)).rejects.toMatchObject({ name: 'FileUnreadableError' })

    // The first two segments swapped: each is bound to its place.
    const stride = SEGMENT_SIZE + SEGMENT_OVERHEAD
    const swapped = Buffer.from(original)
    original.copy(swapped, HEADER_SIZE, HEADER_SIZE + stride, HEADER_SIZE + 2 * stride)
    original.copy(swapped, HEADER_SIZE + stride, HEADER_SIZE, HEADER_SIZE + stride)
    await writeFile(path, swapped)
    await expect(store.read(hash)).rejects.toMatchObject({ name: 'FileUnreadableError' })

    await writeFile(path, original)
    expect(Buffer.from(await store.read(hash))).toEqual(Buffer.from(content))
  })

  it('seals a file being received chunk by chunk, in any order, and takes it in whole', async () => {
    const chunkSize = 1000
    const bytes = randomBytes(3500)
    const fileId = 'ab'.repeat(16)
    const write = async (indexes: number[]) => {
      const partial = await store.openPartial(fileId, chunkSize)
      for (const index of indexes) {
        const [sealed] = partial.seal(index, [
          bytes.subarray(index * chunkSize, (index + 1) * chunkSize),
        ])
        await partial.handle.write(sealed, 0, sealed.length, partial.position(index))
      }
      await partial.handle.close()
      return partial.fresh
    }
    expect(await write([3, 1])).toBe(true)
    // Resumed: the header is kept, the chunks already there stay.
    expect(await write([0, 2])).toBe(false)
    const onDisk = await readFile(join(dir.path, 'partial', fileId))
    expect(onDisk.includes(Buffer.from(bytes.subarray(10, 40)))).toBe(false)
    expect(await store.completePartial(fileId, sha256(bytes))).toEqual({
      sha256: sha256(bytes),
      size: bytes.length,
    })
    expect(Buffer.from(await store.read(sha256(bytes)))).toEqual(Buffer.from(bytes))
    // A partial file in the clear (written before sealing) is started again.
    await writeFile(join(dir.path, 'partial', fileId), bytes)
    expect(await write([])).toBe(true)
  })

  it('seals files stored before sealing (named by their plain hash) when it starts', async () => {
    const legacy = Buffer.from('a ledger from the old days')
    const hash = sha256(legacy)
    await writeFile(join(dir.path, hash), legacy)
    await writeFile(join(dir.path, 'thumbnails', hash), Buffer.from('thumbnail bytes'))
    await store.start()
    const names = await storedFiles()
    expect(names).toHaveLength(1)
    expect(names[0]).not.toBe(hash)
    expect(Buffer.from(await store.read(hash))).toEqual(legacy)
    expect(await store.hasThumbnail(hash)).toBe(true)
    expect(await readdir(join(dir.path, 'thumbnails'))).not.toContain(hash)
    expect((await readFile(join(dir.path, names[0]))).includes(legacy)).toBe(false)
  })
})
