/**
 * Byte helpers every side shares: hex and base64 text of keys and ids, equality and
 * concatenation. One copy, so a key always prints and parses the same way in storage keys,
 * logs and the local API.
 *
 * `fromHex` decodes the way Node's Buffer does (it stops at the first pair that is not hex
 * and drops an odd last digit), which is what stored keys have always been read with;
 * input from outside is checked before it gets here (e.g. `parseRoomId`).
 */

/** Lowercase hex of `bytes`, without copying them. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'))
}

/** Equality of public values; not constant-time, so never use it on secrets. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const part of parts) length += part.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'))
}
