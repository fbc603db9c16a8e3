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

/** Associated data longer than this (in UTF-16 units) is encoded into an array of its own. */
const SCRATCH_CHARS = 1024
/** Sealed values are cut from slabs of this size; a larger one gets an array of its own. */
const SLAB_BYTES = 64 * 1024
const SLAB_LARGEST = SLAB_BYTES / 16

export class AtRestSealer {
  readonly #key: AeadKey
  readonly #blindKey: Uint8Array
  /**
   * Where a database key is encoded as associated data: a fresh array for each would cost a
   * tenth of a small seal. Reused at once: AES-GCM takes in the associated data as it is set.
   */
  readonly #scratch = new Uint8Array(SCRATCH_CHARS * 3)
  /**
   * Where sealed values are written: a fresh array for each costs the garbage collector an
   * outside-the-heap buffer, a fifth of a small seal. A slab holds sealed bytes of this
   * sealer only, never a plaintext, so a reader that took a value's .buffer whole would see
   * other sealed values and nothing else. A slab lives as long as a value cut from it.
   */
  #slab = new Uint8Array(0)
  #slabAt = 0
  readonly #cut = (length: number): Uint8Array => {
    if (length > SLAB_LARGEST) return new Uint8Array(length)
    if (this.#slabAt + length > this.#slab.length) {
      this.#slab = new Uint8Array(SLAB_BYTES)
      this.#slabAt = 0
    }
    const out = this.#slab.subarray(this.#slabAt, this.#slabAt + length)
    this.#slabAt += length
    return out
  }

  /** `purpose` separates the keys of different components. */
  constructor(identity: Pick<Identity, 'privateKey' | 'atRestSeed'>, purpose: string) {
    const secret = atRestSecret(identity)
    this.#key = aeadKey(hkdfSha256(secret, new Uint8Array(0), purpose, 32))
    this.#blindKey = hkdfSha256(secret, new Uint8Array(0), `${purpose}/blind`, 32)
  }

  /**
   * `databaseKey` (or other bytes that name the value) is bound as associated data. The
   * value is a view of a slab of sealed values: for storage, which writes it by its offset
   * and length.
   */
  seal(databaseKey: string | Uint8Array, plaintext: Uint8Array): Uint8Array {
    return aeadSeal(this.#key, plaintext, this.#bytesOf(databaseKey), this.#cut)
  }

  /** Throws DecryptionError when the value was altered or sealed for another key. */
  open(databaseKey: string | Uint8Array, sealed: Uint8Array): Uint8Array {
    return aeadOpen(this.#key, sealed, this.#bytesOf(databaseKey))
  }

  /** The same name always gives the same 32 hex digits; they reveal nothing of it. */
  blind(name: string): string {
    const mac = hmacSha256(this.#blindKey, utf8.encode(name))
    return Buffer.from(mac.buffer, mac.byteOffset, BLIND_LENGTH).toString('hex')
  }

  /** The UTF-8 bytes of `name`, valid until the next call. */
  #bytesOf(name: string | Uint8Array): Uint8Array {
    if (typeof name !== 'string') return name
    if (name.length > SCRATCH_CHARS) return utf8.encode(name)
    return this.#scratch.subarray(0, utf8.encodeInto(name, this.#scratch).written)
  }
}
