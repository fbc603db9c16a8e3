/**
 * The user's identity: one Ed25519 key pair. The 32-byte seed is the identity; its public key
 * is also the node's libp2p PeerId, so peers address a user by the same key that signs.
 */
import { createHash } from 'node:crypto'
import { privateKeyFromRaw, publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { Ed25519PeerId, Ed25519PrivateKey } from '@libp2p/interface'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { isMasterSecret } from '../../protocol/accounts/master-secret.ts'
import {
  checkLength,
  ED25519_PUBLIC_KEY_LENGTH,
  type Ed25519KeyPair,
  ed25519KeyPairFromSeed,
  generateEd25519KeyPair,
} from '../../protocol/crypto/index.ts'

/**
 * `privateKey` is the 32-byte seed; `publicKey` is derived from it. `atRestSeed`, set once
 * the account has rotated its key, is the secret the data folder is sealed under (the
 * original key's seed, carried across rotations by the keystore, key-rotation.ts): data at
 * rest and recovery-code hashes outlive a rotation without being sealed again.
 */
export type Identity = Ed25519KeyPair & {
  atRestSeed?: Uint8Array
  /**
   * On a linked device, the account key, held beside this device's own key (account-key.ts);
   * absent on device 1, whose key is the account key (`accountKeyOf`).
   */
  account?: Ed25519KeyPair
}

/** The key that holds the account: the linked device's account key, or the identity itself. */
export function accountKeyOf(identity: Identity): Ed25519KeyPair {
  return identity.account ?? identity
}

/** The secret that keys what this identity keeps at rest (see `Identity`). */
export function atRestSecret(identity: Pick<Identity, 'privateKey' | 'atRestSeed'>): Uint8Array {
  return identity.atRestSeed ?? identity.privateKey
}

/** A new key, whose seed never carries a master secret's mark (so its phrase reads as a key). */
export function generateIdentity(): Identity {
  for (;;) {
    const identity = generateEd25519KeyPair()
    if (!isMasterSecret(identity.privateKey)) return identity
  }
}

export function identityFromSeed(seed: Uint8Array): Identity {
  return ed25519KeyPairFromSeed(seed)
}

/** libp2p's raw Ed25519 private key is seed || public key (64 bytes). */
export function toLibp2pPrivateKey(identity: Identity): Ed25519PrivateKey {
  const raw = new Uint8Array(64)
  raw.set(identity.privateKey, 0)
  raw.set(identity.publicKey, 32)
  const key = privateKeyFromRaw(raw)
  if (key.type !== 'Ed25519') throw new Error('libp2p did not read the key as Ed25519')
  return key
}

/** Needs only the public key, so it serves for contacts as well as for our own identity. */
export function peerIdOf(identity: Pick<Identity, 'publicKey'>): Ed25519PeerId {
  checkLength(identity.publicKey, ED25519_PUBLIC_KEY_LENGTH, 'Ed25519 public key')
  const publicKey = publicKeyFromRaw(identity.publicKey)
  if (publicKey.type !== 'Ed25519') throw new Error('libp2p did not read the key as Ed25519')
  return peerIdFromPublicKey(publicKey)
}

const FINGERPRINT_GROUPS = 6
const FINGERPRINT_GROUP_BYTES = 5

/**
 * A public key as 6 groups of 5 digits (about 100 bits of SHA-256), for two people to
 * compare aloud or side by side, in the manner of Signal's safety numbers. Each group is a
 * 40-bit big-endian slice of the hash modulo 100000; the bias this adds is negligible.
 */
export function fingerprint(publicKey: Uint8Array): string {
  checkLength(publicKey, ED25519_PUBLIC_KEY_LENGTH, 'Ed25519 public key')
  const digest = createHash('sha256').update(publicKey).digest()
  const groups: string[] = []
  for (let group = 0; group < FINGERPRINT_GROUPS; group++) {
    const start = group * FINGERPRINT_GROUP_BYTES
    const value = digest.readUIntBE(start, FINGERPRINT_GROUP_BYTES) % 100_000
    groups.push(value.toString().padStart(5, '0'))
  }
  return groups.join(' ')
}
