/**
 * The cryptographic primitives TokenIM uses, and nothing home-made: Ed25519 identity keys,
 * X25519, HKDF-SHA256 and AES-256-GCM, backed by node:crypto and @noble.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto'

export * from './aead.ts'
export * from './ed25519.ts'
export * from './hkdf.ts'
export * from './x25519.ts'

export function randomBytes(length: number): Uint8Array {
  return new Uint8Array(nodeRandomBytes(length))
}
