/** HKDF-SHA256 (RFC 5869) through node:crypto. */
import { hkdfSync } from 'node:crypto'

export function hkdfSha256(
  inputKeyMaterial: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array | string,
  length: number,
): Uint8Array {
  const infoBytes = typeof info === 'string' ? new TextEncoder().encode(info) : info
  return new Uint8Array(hkdfSync('sha256', inputKeyMaterial, salt, infoBytes, length))
}
