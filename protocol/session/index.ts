/**
 * End-to-end encryption for 1:1 chats: X3DH to start a session from the peer's published
 * prekeys, then the Double Ratchet for every message (forward secrecy and post-compromise
 * security), following Signal's published specifications. Pure code: the caller stores state
 * and moves bytes.
 *
 * The caller's duties, which this module cannot do for it:
 * - check that a bundle's identity key is the peer it means to reach;
 * - delete a one-time prekey once `SessionRatchet.accept` succeeds with it (its private key
 *   is zeroed in place then, so the same object cannot start a second session);
 * - persist `serialize()` after every successful `encrypt` / `decrypt`, before acting on the
 *   result, sealed at rest;
 * - remember the base keys of sessions already accepted from a peer and refuse a session
 *   start that repeats one: a start without a one-time prekey can be replayed for as long as
 *   its signed prekey lives.
 *
 * @example
 * ```ts
 * import { generateEd25519KeyPair } from '../crypto/index.ts'
 * import {
 *   createPrekeyBundle,
 *   decodeMessageHeader,
 *   generateOneTimePrekeys,
 *   generateSignedPrekey,
 *   SessionRatchet,
 * } from './index.ts'
 *
 * const alice = generateEd25519KeyPair()
 * const bob = generateEd25519KeyPair()
 * const signedPrekey = generateSignedPrekey(bob, 1)
 * const [oneTimePrekey] = generateOneTimePrekeys(1, 100)
 * const bundle = createPrekeyBundle(bob.publicKey, signedPrekey, oneTimePrekey)
 *
 * const aliceSession = SessionRatchet.initiate({ identity: alice, bundle })
 * const first = aliceSession.encrypt(new TextEncoder().encode('hi bob'))
 *
 * // Bob looks up the prekeys the header names, then accepts.
 * const start = decodeMessageHeader(first.header).sessionStart
 * const { session: bobSession, plaintext } = SessionRatchet.accept({
 *   identity: bob,
 *   signedPrekey, // the one with id start.signedPrekeyId
 *   oneTimePrekey, // the one with id start.oneTimePrekeyId, then deleted
 *   header: first.header,
 *   ciphertext: first.ciphertext,
 * })
 * const reply = bobSession.encrypt(new TextEncoder().encode('hi alice'))
 * aliceSession.decrypt(reply.header, reply.ciphertext)
 * const stored = bobSession.serialize() // persist; SessionRatchet.deserialize(stored) later
 * ```
 */
export * from './limits.ts'
export * from './message-header.ts'
export * from './prekeys.ts'
export { RATCHET_STATE_VERSION } from './ratchet-state.ts'
export * from './session-ratchet.ts'
export * from './x3dh.ts'
