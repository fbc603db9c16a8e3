/**
 * The user's TokenIM node: identity, storage, libp2p host and local API.
 *
 * @example
 * ```ts
 * import { Keystore, createTokenimNode } from './node/index.ts'
 *
 * const identity = await new Keystore(dataDir).unlock(password)
 * const node = await createTokenimNode({ dataDir, identity })
 * console.log(node.status().peerId)
 * await node.stop()
 * ```
 */
import { TokenimNode, type TokenimNodeInit } from './tokenim-node.ts'

export async function createTokenimNode(init: TokenimNodeInit): Promise<TokenimNode> {
  const node = new TokenimNode(init)
  await node.start()
  return node
}

export { loadApiAccess, rotateApiToken, saveApiAccess } from './api/api-access.ts'
// Building blocks the relay daemon composes with too (doc/architecture.md, "Module boundaries").
export {
  parseRelayAddresses,
  type RelayBootstrap,
  relayBootstrap,
  relayPeerId,
} from './bootstrap.ts'
export { Composition, type PartBuilder } from './composition.ts'
export { NodeDaemon, type NodeDaemonInit } from './daemon.ts'
export { dataDirPaths, defaultDataDir, ensureDataDir } from './data-dir.ts'
export {
  BACKUPS_FOLDER,
  type DataFormatSpec,
  FORMAT_FILE,
  NODE_DATA_FORMAT,
  readFormat,
  type UpgradeResult,
  upgradeDataDir,
} from './data-format/index.ts'
export {
  LinkCodeExpiredError,
  LinkCodeUsedError,
  LinkCodeWrongError,
  LinkError,
  type LinkedDevice,
  LinkSasRefusedError,
  LinkTimeoutError,
  linkNewDevice,
} from './devices/index.ts'
export * from './errors.ts'
export { fileExists, writeFileAtomic } from './identity/atomic-file.ts'
export * from './identity/index.ts'
export {
  createNodeLogger,
  LOG_LEVELS,
  type LogLevel,
  type NodeLogger,
  RotatingLogFile,
} from './node-log.ts'
export { ServiceLifecycle } from './service-lifecycle.ts'
export { type AppLevel, openStorage, type Storage } from './storage.ts'
export { DEFAULT_LISTEN, NODE_VERSION, TokenimNode, type TokenimNodeInit } from './tokenim-node.ts'
