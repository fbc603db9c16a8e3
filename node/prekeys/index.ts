/**
 * The owner's X3DH prekeys, published in the DHT under `/tokenim-prekeys/<hex sha256(identity
 * key)>` as a record signed by the identity key, and verified fetching of others' bundles.
 * Private halves stay in LevelDB, sealed under a key derived from the identity.
 *
 * @example
 * ```ts
 * import { PrekeyService } from './node/prekeys/index.ts'
 * import { decodeMessageHeader, SessionRatchet } from './protocol/session/index.ts'
 *
 * const prekeys = new PrekeyService({ host, identity, store: storage.sublevel('prekeys') })
 * await prekeys.start()
 *
 * // initiator
 * const bundle = await prekeys.fetchBundle(bob.publicKey)
 * const session = SessionRatchet.initiate({ identity, bundle })
 *
 * // responder, on a session-start message
 * const start = decodeMessageHeader(header).sessionStart!
 * const signedPrekey = await prekeys.signedPrekey(start.signedPrekeyId)
 * const oneTimePrekey =
 *   start.oneTimePrekeyId == null ? undefined : await prekeys.peekOneTimePrekey(start.oneTimePrekeyId)
 * // refuse the start if a named key is missing (already used, or rotated out); once it is
 * // accepted, commit prekeys.deleteOneTimePrekeyOp(id) in the batch that stores the session
 * ```
 */
export * from './errors.ts'
export {
  PrekeyService,
  type PrekeyServiceComponents,
  type PrekeyServiceEvents,
  type PrekeyServiceInit,
  type PublishResult,
} from './prekey-service.ts'
