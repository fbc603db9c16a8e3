/**
 * The username directory a relay serves on `/tokenim/directory/1.0.0`: first come, first
 * served names scoped to this relay (`alice@<relay peer id>`), proven with the identity key,
 * written durably before they are acknowledged, published in the DHT so lookups survive the
 * relay going down; optional signed profiles and prefix search; per-peer and per-IP rate
 * limits with a lockout; and the newest-session tracking that tells an older session of an
 * identity that it was signed in elsewhere. Design notes: doc/usernames.md.
 *
 * @example
 * ```ts
 * const storage = await openStorage(path)
 * const host = await createHost(
 *   { ...hostInit, dhtServer: true, dhtValidators: directoryDhtValidators, dhtSelectors: directoryDhtSelectors },
 *   { directory: directoryServer({ store: storage.sublevel('directory'), policy: config.directory, registry: metrics.registry }) },
 * )
 * await host.start()
 * ```
 */
import {
  DirectoryServer,
  type DirectoryServerComponents,
  type DirectoryServerInit,
} from './directory-server.ts'

export function directoryServer(
  init: DirectoryServerInit,
): (components: DirectoryServerComponents) => DirectoryServer {
  return (components) => new DirectoryServer(components, init)
}

export {
  directoryDhtSelectors,
  directoryDhtValidators,
} from '../../network/dht-rules/name-records.ts'
export {
  DEFAULT_DIRECTORY_POLICY,
  type DirectoryPolicy,
  type DirectoryTuning,
  type RegistrationMode,
} from './config.ts'
export {
  DirectoryServer,
  type DirectoryServerComponents,
  type DirectoryServerInit,
} from './directory-server.ts'
export { DirectoryMetrics } from './metrics.ts'
