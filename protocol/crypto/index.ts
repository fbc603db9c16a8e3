/**
 * The cryptographic primitives TokenIM uses, and nothing home-made: Ed25519 identity keys,
 * X25519 (and the Ed25519 to X25519 key map), HKDF-SHA256, HMAC-SHA256 and AES-256-GCM,
 * backed by node:crypto and @noble.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto'

export * from './aead.ts'
export * from './convert.ts'
export * from './ed25519.ts'
export * from './hkdf.ts'
export * from './hmac.ts'
export * from './random-pool.ts'
export * from './x25519.ts'

export function randomBytes(length: number): Uint8Array {
  return new Uint8Array(nodeRandomBytes(length))
}
