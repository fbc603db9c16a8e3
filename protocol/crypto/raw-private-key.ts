/**
 * node:crypto wants KeyObjects; our keys are raw 32-byte arrays. Importing costs more than a
 * signature, so each array is imported once while it lives. The cache is keyed by the
 * caller's array (a WeakMap keeps no key past the caller's own copy) and checked against a
 * copy, so a caller that wipes a key in place to retire it cannot use it again.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto'

const cache = new WeakMap<Uint8Array, { copy: Buffer; key: KeyObject }>()

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
