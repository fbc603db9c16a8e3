/**
 * Seals values a component keeps in LevelDB under a key derived from the identity (which is
 * itself password-sealed), each bound to its database key so that a value moved to another
 * key does not open.
 */
import { aeadOpen, aeadSeal, hkdfSha256 } from '../protocol/crypto/index.ts'
import type { Identity } from './identity/index.ts'

const utf8 = new TextEncoder()

export class AtRestSealer {
  readonly #key: Uint8Array

  /** `purpose` separates the keys of different components. */
  constructor(identity: Identity, purpose: string) {
    this.#key = hkdfSha256(identity.privateKey, new Uint8Array(0), purpose, 32)
  }

  seal(databaseKey: string, plaintext: Uint8Array): Uint8Array {
    return aeadSeal(this.#key, plaintext, utf8.encode(databaseKey))
  }

  /** Throws DecryptionError when the value was altered or sealed for another key. */
  open(databaseKey: string, sealed: Uint8Array): Uint8Array {
    return aeadOpen(this.#key, sealed, utf8.encode(databaseKey))
  }
}
