/**
 * The account key on a linked device (doc/accounts.md, "Why linked devices hold the account
 * key"): `<dataDir>/account.key` holds the account key's seed, sealed with AES-256-GCM under
 * a key derived (HKDF) from this device's at-rest secret, the secret everything else the
 * device keeps is sealed under. The device key is sealed under the password in
 * `identity.key`, so the account key opens only with the password too, and a password change
 * (which reseals `identity.key` alone) needs no second write that a crash could tear.
 * The associated data binds the file to both public keys: a file moved to another device,
 * or edited to name another account, does not open. Device 1 has no such file: its device
 * key is the account key.
 */
import { join } from 'node:path'
import { bytesEqual, concatBytes, fromHex, toHex } from '../../protocol/bytes.ts'
import { aeadOpen, aeadSeal, type Ed25519KeyPair, hkdfSha256 } from '../../protocol/crypto/index.ts'
import { KeystoreCorruptedError } from '../errors.ts'
import { readFileIfExists, writeFileAtomic } from './atomic-file.ts'
import { atRestSecret, type Identity, identityFromSeed } from './identity.ts'

export const ACCOUNT_KEY_FILE = 'account.key'
const FORMAT = 'tokenim-account-key'
const VERSION = 1
const KEY_INFO = 'tokenim/identity/account-key'

interface AccountKeyFile {
  format: typeof FORMAT
  version: typeof VERSION
  account: string
  device: string
  sealed: string
}

/** Writes the account key, sealed for this device. */
export async function saveAccountKey(
  dir: string,
  device: Identity,
  account: Ed25519KeyPair,
): Promise<void> {
  const file: AccountKeyFile = {
    format: FORMAT,
    version: VERSION,
    account: toHex(account.publicKey),
    device: toHex(device.publicKey),
    sealed: Buffer.from(
      aeadSeal(sealKey(device), account.privateKey, ad(account.publicKey, device.publicKey)),
    ).toString('base64'),
  }
  const text = `${JSON.stringify(file, null, 2)}\n`
  await writeFileAtomic(join(dir, ACCOUNT_KEY_FILE), new TextEncoder().encode(text))
}

/**
 * The account key this device holds, or undefined when it has none (device 1). Throws
 * KeystoreCorruptedError when the file is damaged or belongs to another device.
 */
export async function loadAccountKey(
  dir: string,
  device: Identity,
): Promise<Ed25519KeyPair | undefined> {
  const path = join(dir, ACCOUNT_KEY_FILE)
  const text = await readFileIfExists(path)
  if (text == null) return undefined
  try {
    const file = JSON.parse(text) as AccountKeyFile
    if (file.format !== FORMAT || file.version !== VERSION) throw new Error('unknown format')
    const accountKey = fromHex(file.account)
    if (!bytesEqual(fromHex(file.device), device.publicKey)) throw new Error('another device')
    const seed = aeadOpen(
      sealKey(device),
      new Uint8Array(Buffer.from(file.sealed, 'base64')),
      ad(accountKey, device.publicKey),
    )
    const account = identityFromSeed(seed)
    if (!bytesEqual(account.publicKey, accountKey)) throw new Error('key mismatch')
    return { publicKey: account.publicKey, privateKey: account.privateKey }
  } catch (err) {
    throw new KeystoreCorruptedError(
      path,
      `the account key file does not open for this device (${(err as Error).message})`,
    )
  }
}

function sealKey(device: Identity): Uint8Array {
  return hkdfSha256(atRestSecret(device), new Uint8Array(0), KEY_INFO, 32)
}

function ad(account: Uint8Array, device: Uint8Array): Uint8Array {
  return concatBytes(new TextEncoder().encode(FORMAT), account, device)
}
