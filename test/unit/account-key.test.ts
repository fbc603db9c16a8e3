/**
 * The account key on a linked device (node/identity/account-key.ts): kept beside the device
 * key, opened by the same password, unchanged by a password change, and refused when the file
 * was altered or belongs to another device.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  ACCOUNT_KEY_FILE,
  accountKeyOf,
  generateIdentity,
  Keystore,
} from '../../node/identity/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { outcomeOf } from '../helpers/outcome.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const FAST = { N: 2 ** 10, r: 8, p: 1 }
const PASSWORD = 'correct horse battery staple'
const NEW_PASSWORD = 'violet lantern under rain'

let dir: Awaited<ReturnType<typeof makeTempDir>>
beforeEach(async () => {
  dir = await makeTempDir('tokenim-account-key-')
})
afterEach(() => dir.remove())

describe('a linked device keystore', () => {
  it('unlocks to the device key with the account key beside it, also after a password change', async () => {
    const keystore = new Keystore(dir.path, { scrypt: FAST })
    const device = generateIdentity()
    const account = generateIdentity()
    await keystore.createLinkedDevice(device, account, PASSWORD)

    const unlocked = await keystore.unlock(PASSWORD)
    expect(toHex(unlocked.publicKey)).toBe(toHex(device.publicKey))
    expect(toHex(accountKeyOf(unlocked).privateKey)).toBe(toHex(account.privateKey))
    // Nothing of the account key is in the file in the clear.
    const file = await readFile(join(dir.path, ACCOUNT_KEY_FILE), 'utf8')
    expect(file).not.toContain(toHex(account.privateKey))
    expect(file).not.toContain(Buffer.from(account.privateKey).toString('base64'))

    await keystore.changePassword(PASSWORD, NEW_PASSWORD)
    const again = await keystore.unlock(NEW_PASSWORD)
    expect(toHex(again.account!.publicKey)).toBe(toHex(account.publicKey))
    // Device 1 has no account key of its own: the identity is the account.
    const first = new Keystore(join(dir.path, 'first'), { scrypt: FAST })
    const created = await first.create(PASSWORD)
    expect((await first.unlock(PASSWORD)).account).toBeUndefined()
    expect(accountKeyOf(created.identity)).toBe(created.identity)
  })

  it('refuses an altered file, or one sealed for another device', async () => {
    const keystore = new Keystore(dir.path, { scrypt: FAST })
    await keystore.createLinkedDevice(generateIdentity(), generateIdentity(), PASSWORD)
    const path = join(dir.path, ACCOUNT_KEY_FILE)
    const original = JSON.parse(await readFile(path, 'utf8'))

    await writeFile(
      path,
      JSON.stringify({ ...original, account: toHex(generateIdentity().publicKey) }),
    )
    expect(await outcomeOf(keystore.unlock(PASSWORD))).toBe('KeystoreCorruptedError')

    const other = new Keystore(join(dir.path, 'other'), { scrypt: FAST })
    await other.createLinkedDevice(generateIdentity(), generateIdentity(), PASSWORD)
    await writeFile(path, await readFile(join(dir.path, 'other', ACCOUNT_KEY_FILE)))
    expect(await outcomeOf(keystore.unlock(PASSWORD))).toBe('KeystoreCorruptedError')

    await writeFile(path, JSON.stringify(original))
    expect((await keystore.unlock(PASSWORD)).account).toBeDefined()
  })

  it('refuses to create over an identity already there', async () => {
    const keystore = new Keystore(dir.path, { scrypt: FAST })
    await keystore.create(PASSWORD)
    expect(
      await outcomeOf(
        keystore.createLinkedDevice(generateIdentity(), generateIdentity(), PASSWORD),
      ),
    ).toBe('KeystoreExistsError')
  })
})
