/**
 * node:crypto wants KeyObjects; our keys are raw 32-byte arrays, and importing one costs more
 * than a signature or an agreement with it.
 *
 * Private keys: each array is imported once while it lives. The cache is keyed by the
 * caller's array (a WeakMap keeps no key past the caller's own copy) and checked against a
 * copy, so a caller that wipes a key in place to retire it cannot use it again.
 *
 * Public keys: the most recent ones, by value, in a bounded cache per algorithm.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { toHex } from '../bytes.ts'

const cache = new WeakMap<Uint8Array, { copy: Buffer; key: KeyObject }>()

/** For a key generated as a KeyObject and exported raw: its first use needs no import. */
export function rememberPrivateKey(raw: Uint8Array, key: KeyObject): void {
  cache.set(raw, { copy: Buffer.from(raw), key })
}

/** `pkcs8Prefix`: the DER bytes that wrap a raw key of this algorithm as PKCS#8. */
export function importRawPrivateKey(raw: Uint8Array, pkcs8Prefix: Buffer): KeyObject {
  let cached = cache.get(raw)
  if (cached == null || !cached.copy.equals(raw)) {
    const key = createPrivateKey({
      key: Buffer.concat([pkcs8Prefix, raw]),
      format: 'der',
      type: 'pkcs8',
    })
    cached = { copy: Buffer.from(raw), key }
    cache.set(raw, cached)
  }
  return cached.key
}

/** Imported public keys of one algorithm, the `size` most recently first imported. */
export class RecentPublicKeys {
  readonly #keys = new Map<string, KeyObject>()

  /** `spkiPrefix`: the DER bytes that wrap a raw key of this algorithm as SPKI. */
  constructor(
    private readonly spkiPrefix: Buffer,
    private readonly size: number,
  ) {}

  /** Throws node:crypto's error for bytes that are no valid key. */
  import(raw: Uint8Array): KeyObject {
    const id = toHex(raw)
    let key = this.#keys.get(id)
    if (key == null) {
      key = createPublicKey({
        key: Buffer.concat([this.spkiPrefix, raw]),
        format: 'der',
        type: 'spki',
      })
      if (this.#keys.size >= this.size) this.#keys.delete(this.#keys.keys().next().value as string)
      this.#keys.set(id, key)
    }
    return key
  }
}
