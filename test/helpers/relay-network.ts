/** Relays and nodes on loopback for integration tests, each in its own temp dir, and their waits. */
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Connection, Peer, PeerId, TypedEventTarget } from '@libp2p/interface'
import { PING_PROTOCOL } from '@libp2p/ping'
import { Uint8ArrayList } from 'uint8arraylist'
import { createTokenimNode, generateIdentity, type TokenimNode } from '../../node/index.ts'
import {
  createRelay,
  parseRelayConfig,
  type RelayConfigInput,
  type RelayNode,
} from '../../relay/index.ts'
import { makeTempDir } from './temp-dir.ts'
import { waitForEvent } from './wait.ts'

export interface Network {
  relay(overrides?: Partial<RelayConfigInput>): Promise<RelayNode>
  /** `configFileRelays` go to `<dataDir>/config.json` before the node starts. */
  node(
    relays: string[],
    options?: { listen?: string[]; configFileRelays?: string[] },
  ): Promise<TokenimNode>
  /** Stops everything started, newest first, and removes the temp dirs. */
  close(): Promise<void>
}

/** A relay config for loopback: any port, private addresses kept, quiet logs. */
export function loopbackRelayConfig(dataDir: string, overrides: Partial<RelayConfigInput> = {}) {
  return parseRelayConfig({
    dataDir,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    allowPrivateAddresses: true,
    metrics: { port: 0 },
    log: { level: 'silent' },
    ...overrides,
  })
}

export function createNetwork(): Network {
  const cleanups: Array<() => Promise<void>> = []
  return {
    async relay(overrides = {}) {
      const dir = await makeTempDir('tokenim-relay-')
      const relay = await createRelay(loopbackRelayConfig(dir.path, overrides))
      cleanups.push(async () => {
        await relay.stop()
        await dir.remove()
      })
      return relay
    },
    async node(relays, options = {}) {
      const dir = await makeTempDir('tokenim-node-')
      if (options.configFileRelays != null) {
        const config = JSON.stringify({ relays: options.configFileRelays })
        await writeFile(join(dir.path, 'config.json'), config)
      }
      const node = await createTokenimNode({
        dataDir: dir.path,
        identity: generateIdentity(),
        listen: options.listen ?? ['/ip4/127.0.0.1/tcp/0'],
        apiPort: false,
        allowPrivateAddresses: true,
        relays,
        relayRedial: { initialDelayMs: 100, maxDelayMs: 1_000 },
      })
      cleanups.push(async () => {
        await node.stop()
        await dir.remove()
      })
      return node
    },
    async close() {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
    },
  }
}

/** The relay's address that nodes dial (the simulation's own helper). */
export { relayAddress } from '../../sim/sim-relays.ts'

/**
 * Resolves once `condition()` holds: checked now, then after each `event` on `target`.
 * The way to wait for state that an event announces but may already have announced.
 */
export function waitUntil(
  target: EventTarget | TypedEventTarget<Record<string, unknown>>,
  event: string,
  condition: () => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (condition()) {
      resolve()
      return
    }
    const eventTarget = target as EventTarget
    const timer = setTimeout(() => {
      eventTarget.removeEventListener(event, listener)
      reject(new Error(`${what}: not within ${timeoutMs} ms`))
    }, timeoutMs)
    const listener = () => {
      if (!condition()) return
      clearTimeout(timer)
      eventTarget.removeEventListener(event, listener)
      resolve()
    }
    eventTarget.addEventListener(event, listener)
  })
}

/** Resolves once the node's bootstrap reports the relay connected. */
export function waitForRelay(node: TokenimNode, relay: RelayNode): Promise<void> {
  const relayId = relay.peerId.toString()
  return waitUntil(
    node.host.services.relayBootstrap,
    'relay:connected',
    () => node.status().relays.some((link) => link.peerId === relayId && link.connected),
    `node connected to relay ${relayId}`,
  )
}

/** Resolves once the node announces an address through the relay's circuit. */
export function waitForCircuitAddress(node: TokenimNode, relay: RelayNode): Promise<string> {
  const find = () =>
    node.host
      .getMultiaddrs()
      .map((ma) => ma.toString())
      .find((addr) => addr.includes(`/p2p/${relay.peerId}/p2p-circuit`))
  return waitUntil(
    node.host.services.relayBootstrap,
    'relay:listening',
    () => find() != null,
    `circuit address through ${relay.peerId}`,
  ).then(() => find()!)
}

/**
 * Resolves once `host`'s peer store holds an address of `peerId` that passes `accept`
 * (identify push brings address changes about a second after they happen).
 */
export async function waitForKnownAddress(
  host: TokenimNode['host'] | RelayNode['host'],
  peerId: PeerId,
  accept: (address: string) => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const known = (addresses: Array<{ multiaddr: { toString(): string } }>) =>
    addresses.some((address) => accept(address.multiaddr.toString()))
  const updated = waitForEvent<{ peer: Peer }>(host, 'peer:update', {
    timeoutMs,
    filter: (detail) => detail.peer.id.equals(peerId) && known(detail.peer.addresses),
  })
  const stored = await host.peerStore.get(peerId).catch(() => null)
  if (stored != null && known(stored.addresses)) {
    updated.catch(() => {})
    return
  }
  await updated
}

/**
 * One ping round trip on this very connection (a relayed one included): the ping service
 * would dial afresh, since it prefers an unlimited connection to a relayed one.
 * Returns whether the 32 bytes came back intact.
 */
export async function pingOver(connection: Connection): Promise<boolean> {
  const signal = AbortSignal.timeout(10_000)
  const stream = await connection.newStream(PING_PROTOCOL, { runOnLimitedConnection: true, signal })
  const payload = randomBytes(32)
  stream.send(payload)
  const echoed = new Uint8ArrayList()
  for await (const chunk of stream) {
    echoed.append(chunk)
    if (echoed.length >= payload.length) break
  }
  await stream.close({ signal })
  return Buffer.from(echoed.subarray(0, payload.length)).equals(payload)
}
