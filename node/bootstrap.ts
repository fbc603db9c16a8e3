/**
 * Keeps a node connected to its relays: it dials each configured relay after start, tags it
 * in the peer store so the connection pruner spares it, and redials it whenever it drops,
 * with exponential backoff and jitter (so a thousand nodes do not knock on a restarted relay
 * at the same instant), capped so a relay that was down for hours is retried every minute.
 *
 * The relays are DHT servers: once identify confirms the DHT protocol, kad-dht adds them to
 * the routing table and runs its self-query, which fills the table with the peers nearest
 * to us. kad-dht tries that once per link; routing-table-refill.ts tries again while the
 * table stays empty.
 *
 * It also keeps the node listening through each connected relay's circuit
 * (`<relay>/p2p-circuit`), so a node behind NAT stays reachable. It asks the transport
 * manager to listen only once the relay is connected, and again whenever the circuit
 * address is gone while the relay is connected: libp2p's circuit transport makes a static
 * reservation only once (a relay down at start would fail the node's start, and a relay
 * restart would leave the node unreachable through it until the node restarts).
 *
 * @example
 * ```ts
 * const host = await createHost(init, {
 *   relayBootstrap: relayBootstrap({ relays: ['/ip4/203.0.113.5/tcp/4001/p2p/12D3Koo...'] }),
 * })
 * await host.start()
 * host.services.relayBootstrap.addEventListener('relay:connected', (evt) => console.log(evt.detail))
 * ```
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  type AbortOptions,
  type ComponentLogger,
  KEEP_ALIVE,
  type Libp2pEvents,
  type Logger,
  type PeerId,
  type PeerStore,
  type Startable,
  type TypedEventTarget,
} from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { CODE_P2P, type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import type { RelayLinkStatus } from '../protocol/local-api.ts'
import { InvalidConfigError, RelayBootstrapStoppedError } from './errors.ts'
import { writeFileAtomic } from './identity/atomic-file.ts'
import { ServiceLifecycle } from './service-lifecycle.ts'

/**
 * Peer store tag of a configured relay. It starts with libp2p's KEEP_ALIVE, so libp2p also
 * redials the peer on its own and the pruner keeps the connection; its own name lets a
 * later start drop the tag from relays no longer configured.
 */
export const RELAY_TAG = `${KEEP_ALIVE}-tokenim-relay`
const RELAY_TAG_VALUE = 50

export interface RelayBootstrapInit {
  /** Relay multiaddrs, each ending in `/p2p/<peer id>`. */
  relays: string[]
  /**
   * Listen through each connected relay's circuit (needs the circuit relay transport).
   * Relays keeping in touch with other relays turn it off.
   * @default true
   */
  listenThroughRelays?: boolean
  /** Wait before the first redial of a relay that dropped or could not be dialled. @default 1000 */
  initialRedialDelayMs?: number
  /** The backoff doubles after each failed dial up to this. @default 60000 */
  maxRedialDelayMs?: number
  /** One dial attempt gives up after this. @default 10000 */
  dialTimeoutMs?: number
}

export interface RelayBootstrapComponents {
  peerStore: PeerStore
  connectionManager: {
    openConnection(peer: Multiaddr, options?: AbortOptions): Promise<unknown>
    getConnections(peerId?: PeerId): unknown[]
  }
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
  transportManager: { listen(addrs: Multiaddr[]): Promise<void> }
  addressManager: { getAddresses(): Multiaddr[] }
}

export interface RelayBootstrapEvents {
  'relay:connected': CustomEvent<PeerId>
  'relay:disconnected': CustomEvent<PeerId>
  /** The node holds a reservation on the relay and is reachable through its circuit. */
  'relay:listening': CustomEvent<PeerId>
}

interface RelayLink {
  address: Multiaddr
  peerId: PeerId
  connected: boolean
  /** Dials failed since the last successful connection. */
  failures: number
  dialing: boolean
  redialTimer?: NodeJS.Timeout
  nextDialAt: number | null
  connectedAt: number | null
  /** Attempts to listen through the circuit failed since the last success. */
  circuitFailures: number
  reserving: boolean
  circuitTimer?: NodeJS.Timeout
}

export const DEFAULT_INITIAL_REDIAL_DELAY_MS = 1_000
export const DEFAULT_MAX_REDIAL_DELAY_MS = 60_000
const DEFAULT_DIAL_TIMEOUT_MS = 10_000

export class RelayBootstrap extends TypedEventEmitter<RelayBootstrapEvents> implements Startable {
  private readonly components: RelayBootstrapComponents
  private readonly log: Logger
  private readonly links = new Map<string, RelayLink>()
  private readonly initialDelayMs: number
  private readonly maxDelayMs: number
  private readonly dialTimeoutMs: number
  private readonly listenThroughRelays: boolean
  private readonly lifecycle = new ServiceLifecycle(
    () => new RelayBootstrapStoppedError('the relay bootstrap is stopped'),
  )

  constructor(components: RelayBootstrapComponents, init: RelayBootstrapInit) {
    super()
    this.components = components
    this.log = components.logger.forComponent('tokenim:bootstrap')
    this.initialDelayMs = init.initialRedialDelayMs ?? DEFAULT_INITIAL_REDIAL_DELAY_MS
    this.maxDelayMs = init.maxRedialDelayMs ?? DEFAULT_MAX_REDIAL_DELAY_MS
    this.dialTimeoutMs = init.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS
    this.listenThroughRelays = init.listenThroughRelays ?? true
    for (const address of parseRelayAddresses(init.relays)) this.addLink(address)
  }

  readonly [Symbol.toStringTag] = 'tokenim:relay-bootstrap'

  start(): void {
    this.lifecycle.start()
    this.components.events.addEventListener('peer:connect', this.onConnect)
    this.components.events.addEventListener('peer:disconnect', this.onDisconnect)
    this.components.events.addEventListener('self:peer:update', this.onSelfUpdate)
    this.components.events.addEventListener('transport:listening', this.onSelfUpdate)
  }

  /** Dials after every transport listens, so a relay that dials back finds us. */
  async afterStart(): Promise<void> {
    await this.retagRelays()
    for (const link of this.links.values()) this.dial(link)
  }

  stop(): Promise<void> {
    return this.lifecycle.stop(() => {
      this.components.events.removeEventListener('peer:connect', this.onConnect)
      this.components.events.removeEventListener('peer:disconnect', this.onDisconnect)
      this.components.events.removeEventListener('self:peer:update', this.onSelfUpdate)
      this.components.events.removeEventListener('transport:listening', this.onSelfUpdate)
      for (const link of this.links.values()) {
        clearTimeout(link.redialTimer)
        clearTimeout(link.circuitTimer)
        link.nextDialAt = null
      }
    })
  }

  /** Each configured relay, whether it is connected, and when the next dial is due. */
  status(): RelayLinkStatus[] {
    return [...this.links.values()].map((link) => ({
      address: link.address.toString(),
      peerId: link.peerId.toString(),
      connected: link.connected,
      connectedAt: link.connectedAt,
      failedDials: link.failures,
      nextDialAt: link.nextDialAt,
      circuitAddress: this.circuitAddress(link),
    }))
  }

  /**
   * Keeps one more relay connected, from now on (dialled at once while running). Returns
   * false when the relay is already configured.
   * @throws InvalidConfigError when the address is no relay multiaddr with its peer id
   */
  async add(relay: string): Promise<boolean> {
    const [address] = parseRelayAddresses([relay])
    if (this.links.has(relayPeerId(address).toString())) return false
    const link = this.addLink(address)
    if (this.lifecycle.running) {
      await this.tag(link)
      this.dial(link)
    }
    return true
  }

  /**
   * Stops keeping the relay with this peer id connected: no more redials, and its tag goes,
   * so the connection pruner may close it. Returns false when it was not configured.
   */
  async remove(peerId: string): Promise<boolean> {
    const link = this.links.get(peerId)
    if (link == null) return false
    this.links.delete(peerId)
    clearTimeout(link.redialTimer)
    clearTimeout(link.circuitTimer)
    await this.components.peerStore.merge(link.peerId, { tags: { [RELAY_TAG]: undefined } })
    return true
  }

  /** Peer ids of the relays connected now. */
  connectedRelays(): PeerId[] {
    return [...this.links.values()].filter((link) => link.connected).map((link) => link.peerId)
  }

  private addLink(address: Multiaddr): RelayLink {
    const peerId = relayPeerId(address)
    const link: RelayLink = {
      address,
      peerId,
      connected: false,
      failures: 0,
      dialing: false,
      nextDialAt: null,
      connectedAt: null,
      circuitFailures: 0,
      reserving: false,
    }
    this.links.set(peerId.toString(), link)
    return link
  }

  private readonly onConnect = (evt: CustomEvent<PeerId>): void => {
    const link = this.links.get(evt.detail.toString())
    if (link == null) return
    clearTimeout(link.redialTimer)
    link.connected = true
    link.failures = 0
    link.nextDialAt = null
    link.connectedAt = Date.now()
    this.log('relay %p connected', link.peerId)
    // libp2p's reconnect queue drops KEEP_ALIVE tags after its own retries give up.
    void this.tag(link).catch((err) =>
      this.log.error('could not tag relay %p - %e', link.peerId, err),
    )
    this.safeDispatchEvent('relay:connected', { detail: link.peerId })
    this.ensureCircuit(link)
  }

  private readonly onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const link = this.links.get(evt.detail.toString())
    if (link == null) return
    link.connected = false
    link.connectedAt = null
    clearTimeout(link.circuitTimer)
    this.log('relay %p disconnected', link.peerId)
    this.safeDispatchEvent('relay:disconnected', { detail: link.peerId })
    this.scheduleRedial(link)
  }

  /** Our address through a relay's circuit drops with its reservation: listen again. */
  private readonly onSelfUpdate = (): void => {
    for (const link of this.links.values()) this.ensureCircuit(link)
  }

  private circuitAddress(link: RelayLink): string | null {
    const through = `/p2p/${link.peerId}/p2p-circuit`
    const address = this.components.addressManager
      .getAddresses()
      .find((ma) => ma.toString().includes(through))
    return address?.toString() ?? null
  }

  private ensureCircuit(link: RelayLink): void {
    if (!this.listenThroughRelays || !this.lifecycle.running || !link.connected || link.reserving)
      return
    if (link.circuitTimer != null || this.circuitAddress(link) != null) return
    link.reserving = true
    this.components.transportManager
      .listen([link.address.encapsulate('/p2p-circuit')])
      .then(
        () => {
          link.circuitFailures = 0
          this.log('listening through relay %p', link.peerId)
          this.safeDispatchEvent('relay:listening', { detail: link.peerId })
        },
        (err: Error) => {
          link.circuitFailures++
          this.log('could not listen through relay %p - %s', link.peerId, err.message)
        },
      )
      .finally(() => {
        link.reserving = false
        if (link.circuitFailures === 0 || !this.lifecycle.running) return
        const delay = redialDelayMs(link.circuitFailures - 1, this.initialDelayMs, this.maxDelayMs)
        link.circuitTimer = setTimeout(() => {
          link.circuitTimer = undefined
          this.ensureCircuit(link)
        }, delay)
        link.circuitTimer.unref?.()
      })
  }

  private dial(link: RelayLink): void {
    if (!this.lifecycle.running || link.dialing || link.connected) return
    link.dialing = true
    link.nextDialAt = null
    const signal = this.lifecycle.signal({ signal: AbortSignal.timeout(this.dialTimeoutMs) })
    this.components.connectionManager
      .openConnection(link.address, { signal })
      .then(
        () => {
          // peer:connect marks the link connected; a dial that joined an existing
          // connection (a relay added while connected) sees no new event, so mark it here.
          const joined = !link.connected
          if (this.components.connectionManager.getConnections(link.peerId).length > 0) {
            link.connected = true
            link.failures = 0
            link.connectedAt ??= Date.now()
            if (joined) this.safeDispatchEvent('relay:connected', { detail: link.peerId })
          }
        },
        (err: Error) => {
          if (!this.lifecycle.running) return
          link.failures++
          this.log('dial %d to relay %a failed - %s', link.failures, link.address, err.message)
        },
      )
      .finally(() => {
        link.dialing = false
        if (!link.connected) this.scheduleRedial(link)
      })
  }

  private scheduleRedial(link: RelayLink): void {
    if (!this.lifecycle.running || link.dialing) return
    clearTimeout(link.redialTimer)
    const delay = redialDelayMs(link.failures, this.initialDelayMs, this.maxDelayMs)
    link.nextDialAt = Date.now() + delay
    link.redialTimer = setTimeout(() => this.dial(link), delay)
    link.redialTimer.unref?.()
  }

  private async tag(link: RelayLink): Promise<void> {
    await this.components.peerStore.merge(link.peerId, {
      multiaddrs: [link.address.decapsulateCode(CODE_P2P)],
      tags: { [RELAY_TAG]: { value: RELAY_TAG_VALUE } },
    })
  }

  /** Tags the configured relays and untags relays an earlier start was configured with. */
  private async retagRelays(): Promise<void> {
    const stale = await this.components.peerStore.all({
      filters: [(peer) => peer.tags.has(RELAY_TAG) && !this.links.has(peer.id.toString())],
    })
    for (const peer of stale) {
      await this.components.peerStore.merge(peer.id, { tags: { [RELAY_TAG]: undefined } })
    }
    for (const link of this.links.values()) await this.tag(link)
  }
}

/**
 * Delay before the redial that follows `failures` failed dials: doubling from `initialMs`,
 * capped at `maxMs`, then drawn from its upper half ("equal jitter"), which spreads the
 * nodes of a restarted relay out while keeping each one's wait near the schedule.
 */
export function redialDelayMs(
  failures: number,
  initialMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(failures, 30))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

/**
 * Checks relay multiaddrs: each must parse and end with the relay's peer id, since a node
 * must know whom it expects to reach.
 * @throws InvalidConfigError naming the bad address
 */
export function parseRelayAddresses(relays: string[]): Multiaddr[] {
  return relays.map((text) => {
    let address: Multiaddr
    try {
      address = multiaddr(text)
    } catch (err) {
      throw new InvalidConfigError(
        `relay address "${text}" is not a multiaddr: ${(err as Error).message}`,
      )
    }
    const last = address.getComponents().at(-1)
    if (last?.code !== CODE_P2P || last.value == null) {
      throw new InvalidConfigError(
        `relay address "${text}" must end with /p2p/<the relay's peer id>, as "tokenim relay status" prints it`,
      )
    }
    try {
      relayPeerId(address)
    } catch {
      throw new InvalidConfigError(`relay address "${text}" ends with an invalid peer id`)
    }
    return address
  })
}

/** The peer id a relay address ends with (checked by parseRelayAddresses). */
export function relayPeerId(address: Multiaddr): PeerId {
  return peerIdFromString(address.getComponents().at(-1)!.value!)
}

export function relayBootstrap(
  init: RelayBootstrapInit,
): (components: RelayBootstrapComponents) => RelayBootstrap {
  return (components) => new RelayBootstrap(components, init)
}

/** Name of the optional node config file in the data dir. */
export const NODE_CONFIG_FILE = 'config.json'

/**
 * The `relays` list of `<dataDir>/config.json`, or none when the file does not exist.
 * @throws InvalidConfigError when the file is not JSON or `relays` is not a list of strings
 */
export async function relaysFromNodeConfig(dataDir: string): Promise<string[]> {
  const path = join(dataDir, NODE_CONFIG_FILE)
  const relays = (await readNodeConfig(path)).relays ?? []
  if (!Array.isArray(relays) || !relays.every((relay) => typeof relay === 'string')) {
    throw new InvalidConfigError(`relays: expected a list of multiaddr strings (in ${path})`)
  }
  parseRelayAddresses(relays)
  return relays
}

/** Replaces the `relays` list of `<dataDir>/config.json`, keeping its other settings. */
export async function saveRelaysToNodeConfig(dataDir: string, relays: string[]): Promise<void> {
  const path = join(dataDir, NODE_CONFIG_FILE)
  const config = { ...(await readNodeConfig(path)), relays }
  await writeFileAtomic(path, new TextEncoder().encode(`${JSON.stringify(config, null, 2)}\n`))
}

async function readNodeConfig(path: string): Promise<{ relays?: unknown }> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw err
  }
  try {
    return (JSON.parse(text) as { relays?: unknown } | null) ?? {}
  } catch (err) {
    throw new InvalidConfigError(`${path} is not valid JSON: ${(err as Error).message}`)
  }
}
