/**
 * An account whose key a test rotates: its own folder and keystore (fast scrypt), removed
 * after the test file. `rotate` also returns the account's rotations from its first key, as
 * the daemon hands them on (name moves carry them).
 */
import { afterAll } from 'vitest'
import { type Identity, Keystore } from '../../node/identity/index.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const FAST = { N: 2 ** 10, r: 8, p: 1 }
export const ROTATING_PASSWORD = 'correct horse battery staple'

export interface RotatingAccount {
  dir: { path: string; remove(): Promise<void> }
  keystore: Keystore
  identity: Identity
  rotate(): Promise<Awaited<ReturnType<Keystore['rotate']>> & { rotations: Uint8Array[] }>
}

/** Registers the clean-up; returns the factory of accounts for the file's tests. */
export function rotatingAccounts(): (prefix: string) => Promise<RotatingAccount> {
  const folders: Array<{ remove(): Promise<void> }> = []
  afterAll(async () => {
    for (const folder of folders.splice(0)) await folder.remove()
  })
  return async (prefix) => {
    const dir = await makeTempDir(prefix)
    folders.push(dir)
    const keystore = new Keystore(dir.path, { scrypt: FAST })
    const { identity } = await keystore.create(ROTATING_PASSWORD)
    return {
      dir,
      keystore,
      identity,
      async rotate() {
        const rotated = await keystore.rotate(ROTATING_PASSWORD)
        return { ...rotated, rotations: (await keystore.keyChain()).rotations }
      },
    }
  }
}
