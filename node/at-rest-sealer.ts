/**
 * Seals values a component keeps on disk under keys derived from the identity (which is
 * itself password-sealed), so nothing sealed opens before the identity is unlocked:
 *
 * - `seal`/`open`: AES-256-GCM under a fresh random nonce, with the value's database key as
 *   associated data, so a value moved to another key (or another purpose) does not open;
 * - `blind`: a keyed hash (HMAC-SHA256, truncated to 128 bits) of a name that must stay
 *   findable by exact match (a search token, a file's hash) without being readable.
 *
 * Each purpose has its own pair of keys (HKDF-SHA256 over the identity's at-rest secret with
 * the purpose as label): a key of one component opens nothing of another. The secret is the
 * original key's seed, which a key rotation carries over (`Identity.atRestSeed`).
 */
import {
  type AeadKey,
  aeadKey,
  aeadOpen,
  aeadSeal,
  hkdfSha256,
  hmacSha256,
} from '../protocol/crypto/index.ts'
import { atRestSecret, type Identity } from './identity/identity.ts'

const utf8 = new TextEncoder()
/** Bytes of a blinded name kept: 128 bits leave collisions out of reach. */
const BLIND_LENGTH = 16

export class AtRestSealer {
  readonly #key: AeadKey
  readonly #blindKey: Uint8Array

  /** `purpose` separates the keys of different components. */
  constructor(identity: Pick<Identity, 'privateKey' | 'atRestSeed'>, purpose: string) {
    const secret = atRestSecret(identity)
    this.#key = aeadKey(hkdfSha256(secret, new Uint8Array(0), purpose, 32))
    this.#blindKey = hkdfSha256(secret, new Uint8Array(0), `${purpose}/blind`, 32)
  }

  /** `databaseKey` (or other bytes that name the value) is bound as associated data. */
  seal(databaseKey: string | Uint8Array, plaintext: Uint8Array): Uint8Array {
    return aeadSeal(this.#key, plaintext, bytesOf(databaseKey))
  }

  /** Throws DecryptionError when the value was altered or sealed for another key. */
  open(databaseKey: string | Uint8Array, sealed: Uint8Array): Uint8Array {
    return aeadOpen(this.#key, sealed, bytesOf(databaseKey))
  }

  /** The same name always gives the same 32 hex digits; they reveal nothing of it. */
  blind(name: string): string {
    const mac = hmacSha256(this.#blindKey, utf8.encode(name))
    return Buffer.from(mac.buffer, mac.byteOffset, BLIND_LENGTH).toString('hex')
  }
}

function bytesOf(name: string | Uint8Array): Uint8Array {
  return typeof name === 'string' ? utf8.encode(name) : name
}
