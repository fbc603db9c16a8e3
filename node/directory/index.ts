/**
 * The node's username directory: registering, renewing and releasing this identity's names,
 * verified lookups with DHT fallback, search and profiles, and the single active session
 * ("signed in elsewhere"). Design notes: doc/usernames.md.
 *
 * @example
 * ```ts
 * const directory = new NodeDirectory({ host, identity, store: storage.sublevel('directory'), log, onSignedInElsewhere })
 * await directory.start()
 * const alice = await directory.register('alice')
 * const bob = await directory.lookup('bob') // verified: relay signature, name, expiry
 * ```
 */

export {
  directoryDhtSelectors,
  directoryDhtValidators,
} from '../../network/dht-rules/name-records.ts'
export { DirectoryClient, type DirectoryClientInit, type RelayTarget } from './directory-client.ts'
export { directoryRoutes } from './directory-routes.ts'
export { NodeDirectory, type NodeDirectoryInit } from './node-directory.ts'
export { SessionGuard, type SignedInElsewhere, signedInElsewhereEvent } from './session-guard.ts'
