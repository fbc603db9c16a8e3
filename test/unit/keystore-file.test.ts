/**
 * The keystore file's bytes (node/identity/keystore-file.ts): a missing file is a typed
 * error, and a compare-and-write leaves a file that changed under it as it is.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { KeystoreFile } from '../../node/identity/keystore-file.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function keystoreFile() {
  const dir = await makeTempDir('tokenim-keystore-file-')
  cleanups.push(() => dir.remove())
  let transactions = 0
  const record = {
    transact: async <T>(work: () => Promise<{ result: T }>) => {
      transactions++
      return (await work()).result
    },
  }
  const file = new KeystoreFile(join(dir.path, 'identity.key'), record as never)
  return { file, transactions: () => transactions }
}

describe('KeystoreFile', () => {
  it('says a missing file is missing', async () => {
    const { file } = await keystoreFile()
    expect(await file.exists()).toBe(false)
    await expect(file.read()).rejects.toMatchObject({ name: 'KeystoreMissingError' })
    await expect(file.header()).rejects.toMatchObject({ name: 'KeystoreMissingError' })
  })

  it('replaces the file only while it holds what the caller read, inside a transaction', async () => {
    const { file, transactions } = await keystoreFile()
    await writeFile(file.path, 'first')
    const read = await file.read()
    await file.replaceUnchanged(read, new TextEncoder().encode('second'))
    expect(await readFile(file.path, 'utf8')).toBe('second')
    expect(transactions()).toBe(1)
    // Another process wrote meanwhile: the stale caller's write is refused.
    await expect(
      file.replaceUnchanged(read, new TextEncoder().encode('third')),
    ).rejects.toMatchObject({ name: 'KeystoreChangedError' })
    expect(await readFile(file.path, 'utf8')).toBe('second')
  })
})
