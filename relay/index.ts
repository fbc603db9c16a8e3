/**
 * The TokenIM relay: a DHT server nodes bootstrap from, a circuit relay that keeps nodes
 * behind NAT reachable, and the home of the username directory. Operators run it with
 * `tokenim relay start`; tests and embedders call `createRelay`.
 *
 * @example
 * ```ts
 * import { createRelay, loadRelayConfig } from './relay/index.ts'
 *
 * const relay = await createRelay(await loadRelayConfig('/var/lib/tokenim-relay/relay.yaml'))
 * console.log(relay.status().multiaddrs) // give these to nodes: tokenim start --relay <addr>
 * await relay.stop()
 * ```
 */
import {
  isParsedRelayConfig,
  parseRelayConfig,
  type RelayConfig,
  type RelayConfigInput,
} from './config.ts'
import { RelayNode, type RelayNodeInit } from './relay-node.ts'

export type CreateRelayOptions<Extra extends Record<string, unknown>> = Omit<
  RelayNodeInit<Extra>,
  'config'
>

/**
 * Starts a relay. `config` is a parsed config, or a plain object that is checked first
 * (relative `dataDir` from the working directory).
 * @throws InvalidConfigError, DataDirLockedError, RelayKeyError
 */
export async function createRelay<Extra extends Record<string, unknown> = Record<string, never>>(
  config: RelayConfig | RelayConfigInput,
  options: CreateRelayOptions<Extra> = {},
): Promise<RelayNode<Extra>> {
  const parsed = isParsedRelayConfig(config) ? config : parseRelayConfig(config)
  const relay = new RelayNode<Extra>({ ...options, config: parsed })
  await relay.start()
  return relay
}

export {
  type DirectoryConfig,
  loadRelayConfig,
  parseRelayConfig,
  REGISTRATION_POLICIES,
  type RegistrationPolicy,
  type RelayConfig,
  type RelayConfigInput,
  relayConfigSchema,
} from './config.ts'
export { defaultRelayConfigYaml, RELAY_CONFIG_FILE } from './config-template.ts'
export {
  defaultRelayDataDir,
  type InitializedRelay,
  initRelay,
  type RunRelayOptions,
  runRelay,
} from './daemon.ts'
export * from './errors.ts'
export { createRelayLogger, type RelayLogger } from './logger.ts'
export { type RelayGaugeSource, RelayMetrics } from './metrics.ts'
export type { RelayHealth } from './ops-server.ts'
export { reachabilityWarning } from './reachability.ts'
export { RELAY_KEY_FILE } from './relay-key.ts'
export {
  type ExtraServices,
  type RelayHost,
  RelayNode,
  type RelayNodeInit,
  type RelayServiceContext,
  type RelayServices,
  type RelayStatus,
} from './relay-node.ts'
export {
  RELAY_STATUS_FILE,
  type RelayStatusFile,
  type RelayStatusReport,
  readRelayStatus,
} from './status-file.ts'
