/**
 * What `tokenim relay init` and `tokenim relay start` do, apart from the command line:
 * set up a data dir, and run a relay until an abort signal (SIGINT/SIGTERM in the CLI).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import envPaths from 'env-paths'
import { publicInterfaceAddresses } from '../network/interface-addresses.ts'
import { fileExists } from '../node/index.ts'
import { loadRelayConfig } from './config.ts'
import { defaultRelayConfigYaml, RELAY_CONFIG_FILE } from './config-template.ts'
import { RelayExistsError } from './errors.ts'
import type { RelayLogger } from './logger.ts'
import { createRelayKey, relayKeyPath } from './relay-key.ts'
import { type ExtraServices, RelayNode, type RelayStatus } from './relay-node.ts'

/** A relay's data dir apart from any node's: TOKENIM_RELAY_DATA_DIR, or the platform's data folder. */
export function defaultRelayDataDir(): string {
  return process.env.TOKENIM_RELAY_DATA_DIR ?? envPaths('tokenim-relay', { suffix: '' }).data
}

export interface InitializedRelay {
  dataDir: string
  configPath: string
  keyPath: string
  peerId: string
}

/** Writes a commented default config and a new relay key; refuses to overwrite either. */
export async function initRelay(dataDir: string): Promise<InitializedRelay> {
  const root = resolve(dataDir)
  const configPath = join(root, RELAY_CONFIG_FILE)
  const keyPath = relayKeyPath(root)
  await mkdir(root, { recursive: true, mode: 0o700 })
  for (const path of [configPath, keyPath]) {
    if (await fileExists(path)) throw new RelayExistsError(path)
  }
  const privateKey = await createRelayKey(root)
  await writeFile(configPath, defaultRelayConfigYaml(root, publicInterfaceAddresses()), {
    mode: 0o644,
    flag: 'wx',
  })
  return { dataDir: root, configPath, keyPath, peerId: peerIdFromPrivateKey(privateKey).toString() }
}

export interface RunRelayOptions<Extra extends Record<string, unknown>> {
  /** The relay stops when this aborts. */
  signal: AbortSignal
  extraServices?: ExtraServices<Extra>
  logger?: RelayLogger
  /** Called once the relay runs, with its status. */
  onStarted?: (status: RelayStatus) => void
}

/** Loads the config, runs the relay until `signal` aborts, then shuts it down cleanly. */
export async function runRelay<Extra extends Record<string, unknown> = Record<string, never>>(
  configPath: string,
  options: RunRelayOptions<Extra>,
): Promise<void> {
  const relay = new RelayNode<Extra>({
    config: await loadRelayConfig(configPath),
    extraServices: options.extraServices,
    logger: options.logger,
  })
  await relay.start()
  options.onStarted?.(relay.status())
  if (!options.signal.aborted) {
    await new Promise<void>((done) =>
      options.signal.addEventListener('abort', () => done(), { once: true }),
    )
  }
  await relay.stop(String(options.signal.reason ?? 'aborted'))
}
