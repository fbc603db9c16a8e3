/**
 * The relay's identity: one Ed25519 key in `<dataDir>/relay.key` (mode 0600). Unlike a user's
 * identity it is not sealed with a password: a relay restarts unattended (after a crash, a
 * reboot, an upgrade), and a password kept next to it on the same disk would protect nothing.
 * The key only names the relay; it never decrypts anyone's messages. File permissions and the
 * host's disk protection guard it.
 */
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Ed25519PrivateKey } from '@libp2p/interface'
import {
  fileExists,
  generateIdentity,
  identityFromSeed,
  toLibp2pPrivateKey,
  writeFileAtomic,
} from '../node/index.ts'
import { toHex } from '../protocol/bytes.ts'
import { RelayExistsError, RelayKeyError } from './errors.ts'

export const RELAY_KEY_FILE = 'relay.key'
const KEY_FORMAT = 'tokenim-relay-key'
const KEY_VERSION = 1

interface RelayKeyFile {
  format: typeof KEY_FORMAT
  version: typeof KEY_VERSION
  /** The 32-byte Ed25519 seed, hex. */
  seed: string
}

export function relayKeyPath(dataDir: string): string {
  return join(dataDir, RELAY_KEY_FILE)
}

/** Writes a new relay key; refuses to replace one, since that would change the relay's peer id. */
export async function createRelayKey(dataDir: string): Promise<Ed25519PrivateKey> {
  const path = relayKeyPath(dataDir)
  if (await fileExists(path)) throw new RelayExistsError(path)
  const identity = generateIdentity()
  const file: RelayKeyFile = {
    format: KEY_FORMAT,
    version: KEY_VERSION,
    seed: toHex(identity.privateKey),
  }
  await writeFileAtomic(path, new TextEncoder().encode(`${JSON.stringify(file)}\n`), 0o600)
  return toLibp2pPrivateKey(identity)
}

export interface LoadedRelayKey {
  privateKey: Ed25519PrivateKey
  /** Set when group or others may read the file: the daemon logs it as a warning. */
  looseMode?: number
}

/** Reads the relay key, creating it on first start. */
export async function loadOrCreateRelayKey(dataDir: string): Promise<LoadedRelayKey> {
  const path = relayKeyPath(dataDir)
  if (!(await fileExists(path))) return { privateKey: await createRelayKey(dataDir) }
  const mode = (await stat(path)).mode & 0o777
  let parsed: Partial<RelayKeyFile>
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<RelayKeyFile>
  } catch {
    throw new RelayKeyError(path, 'not valid JSON')
  }
  if (parsed.format !== KEY_FORMAT || parsed.version !== KEY_VERSION) {
    throw new RelayKeyError(path, `expected format ${KEY_FORMAT} version ${KEY_VERSION}`)
  }
  if (typeof parsed.seed !== 'string' || !/^[0-9a-f]{64}$/.test(parsed.seed)) {
    throw new RelayKeyError(path, 'the seed must be 64 hex digits')
  }
  const privateKey = toLibp2pPrivateKey(identityFromSeed(Buffer.from(parsed.seed, 'hex')))
  return (mode & 0o077) === 0 ? { privateKey } : { privateKey, looseMode: mode }
}
