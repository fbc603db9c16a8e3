/**
 * A running relay: the shared libp2p host in DHT server mode, a circuit relay server,
 * gossipsub with peer exchange, a persistent key and LevelDB store in its data dir, the
 * operations endpoint (/metrics, /health), a status file, and JSON logs.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import {
  type CircuitRelayService,
  circuitRelayServer,
  RELAY_V2_STOP_CODEC,
} from '@libp2p/circuit-relay-v2'
import type { PeerId } from '@libp2p/interface'
import { isPrivate } from '@libp2p/utils'
import type { ServiceFactoryMap } from 'libp2p'
import {
  parseRelayAddresses,
  type RelayBootstrap,
  relayBootstrap,
  relayPeerId,
} from '../node/bootstrap.ts'
import { createHost, type Host } from '../node/host.ts'
import { type InterfaceAddresses, interfaceAddresses } from '../node/network/interface-addresses.ts'
import { StartStopGuard, type StoppablePart, stopEach } from '../node/start-stop-guard.ts'
import { openStorage, type Storage } from '../node/storage.ts'
import type { RelayConfig } from './config.ts'
import { relayDhtQuotas } from './dht-quotas.ts'
import {
  type DirectoryServer,
  directoryDhtSelectors,
  directoryDhtValidators,
  directoryServer,
} from './directory/index.ts'
import { DataDirLockedError, RelayStoppedError } from './errors.ts'
import { createRelayLogger, type RelayLogger } from './logger.ts'
import { RelayMetrics } from './metrics.ts'
import { OpsServer, type RelayHealth } from './ops-server.ts'
import { reachabilityWarning } from './reachability.ts'
import { RelayDiscovery } from './relay-discovery.ts'
import { loadOrCreateRelayKey } from './relay-key.ts'
import { removeRelayStatus, writeRelayStatus } from './status-file.ts'

// A type alias, not an interface: libp2p's ServiceMap needs an index-signature-compatible type.
export type RelayServices = {
  circuitRelay: CircuitRelayService
  relayBootstrap: RelayBootstrap
  interfaceAddresses: InterfaceAddresses
  /** The username directory; absent when `directory.enabled` is false. */
  directory?: DirectoryServer
}

export type RelayHost<Extra extends Record<string, unknown> = Record<string, never>> = Host<
  RelayServices & Extra
>

/** What a service mounted on the relay (such as the username directory) may use. */
export interface RelayServiceContext {
  config: RelayConfig
  /** Register the service's counters here; they appear on /metrics. */
  metrics: RelayMetrics
  /** The relay's database; take a sublevel of your own (`storage.sublevel('directory')`). */
  storage: Storage
  logger: RelayLogger
}

export type ExtraServices<Extra extends Record<string, unknown>> =
  | ServiceFactoryMap<Extra>
  | ((context: RelayServiceContext) => ServiceFactoryMap<Extra>)

export interface RelayNodeInit<Extra extends Record<string, unknown> = Record<string, never>> {
  config: RelayConfig
  /** More libp2p services to run on the relay, or a function of the relay's context making them. */
  extraServices?: ExtraServices<Extra>
  /** @default JSON lines on stdout at `config.log.level` */
  logger?: RelayLogger
}

export interface RelayStatus {
  peerId: string
  /** Full multiaddrs ending in /p2p/<peer id>: what nodes pass to `--relay`. */
  multiaddrs: string[]
  connections: number
  peers: number
  reservations: number
  circuits: number
  startedAt: number
  /** Seconds since start. */
  uptime: number
  metricsUrl: string | null
  healthUrl: string | null
}

export class RelayNode<Extra extends Record<string, unknown> = Record<string, never>> {
  readonly config: RelayConfig
  readonly logger: RelayLogger
  /** Present when `metrics.enabled`; services may add their metrics to it. */
  readonly metrics?: RelayMetrics
  private readonly init: RelayNodeInit<Extra>
  private storage?: Storage
  private hostInstance?: RelayHost<Extra>
  private ops?: OpsServer
  private discovery?: RelayDiscovery
  private startedAt = 0
  private readonly lifecycle = new StartStopGuard({
    release: () => this.releaseResources(),
    stoppedError: () => new RelayStoppedError('the relay was stopped while it started'),
  })

  constructor(init: RelayNodeInit<Extra>) {
    this.init = init
    this.config = init.config
    this.logger = init.logger ?? createRelayLogger(init.config.log.level)
    if (init.config.metrics.enabled) this.metrics = new RelayMetrics()
  }

  get host(): RelayHost<Extra> {
    if (this.hostInstance == null) throw new Error('the relay is not started')
    return this.hostInstance
  }

  get peerId(): PeerId {
    return this.host.peerId
  }

  /** A stop() during start waits for the step under way, then releases what was started. */
  async start(): Promise<void> {
    await this.lifecycle.start(() => this.startParts())
    const status = this.status()
    this.logger.info(
      { peerId: status.peerId, multiaddrs: status.multiaddrs, metricsUrl: status.metricsUrl },
      'relay started',
    )
    const warning = reachabilityWarning(status.multiaddrs)
    if (warning != null && !this.config.allowPrivateAddresses) this.logger.warn(warning)
  }

  private async startParts(): Promise<void> {
    const { config } = this
    const checkpoint = () => this.lifecycle.checkpoint()
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 })
    const key = await loadOrCreateRelayKey(config.dataDir)
    if (key.looseMode != null) {
      this.logger.warn(
        { mode: key.looseMode.toString(8) },
        'relay.key is readable by other users; run chmod 600 on it',
      )
    }
    try {
      this.storage = await openStorage(join(config.dataDir, 'db'))
    } catch (err) {
      if ((err as Error).name !== 'DataDirLockedError') throw err
      throw new DataDirLockedError(
        `the relay data dir ${config.dataDir} is in use by another process: is a relay already running on it?`,
      )
    }
    checkpoint()
    this.hostInstance = await this.createHost(key.privateKey)
    this.watchPeers()
    this.discovery = this.relayDiscovery()
    this.discovery.start()
    await this.host.start()
    this.startedAt = Date.now()
    checkpoint()
    await this.startOps()
    checkpoint()
    await this.writeStatus()
    this.host.addEventListener('self:peer:update', this.onSelfUpdate)
  }

  /** Stops once; later calls wait for the same shutdown. Never rejects. */
  async stop(reason = 'stopped'): Promise<void> {
    let first = false
    await this.lifecycle.stop(() => {
      first = true
      this.logger.info({ reason }, 'relay stopping')
    })
    if (first) this.logger.info('relay stopped')
  }

  status(): RelayStatus {
    const connections = this.host.getConnections()
    return {
      peerId: this.peerId.toString(),
      multiaddrs: this.multiaddrs(),
      connections: connections.length,
      peers: new Set(connections.map((c) => c.remotePeer.toString())).size,
      reservations: this.host.services.circuitRelay.reservations.size,
      circuits: this.circuits(),
      startedAt: this.startedAt,
      uptime: Math.round((Date.now() - this.startedAt) / 1000),
      metricsUrl:
        this.ops != null && this.config.metrics.enabled ? `${this.ops.url}/metrics` : null,
      healthUrl: this.ops != null && this.config.health.enabled ? `${this.ops.url}/health` : null,
    }
  }

  health(): RelayHealth {
    const { peerId, connections, peers, reservations, uptime } = this.status()
    return { ok: this.host.status === 'started', peerId, connections, peers, reservations, uptime }
  }

  multiaddrs(): string[] {
    return this.host.getMultiaddrs().map((ma) => ma.toString())
  }

  private async createHost(privateKey: Parameters<typeof createHost>[0]['privateKey']) {
    const { config } = this
    const relayLimits = config.circuitRelay
    const services = {
      circuitRelay: circuitRelayServer({
        hopTimeout: relayLimits.hopTimeout,
        reservations: {
          maxReservations: relayLimits.maxReservations,
          reservationTtl: relayLimits.reservationTtl,
          defaultDurationLimit: relayLimits.durationLimit,
          defaultDataLimit: BigInt(relayLimits.dataLimit),
        },
      }),
      relayBootstrap: relayBootstrap({ relays: config.peers, listenThroughRelays: false }),
      interfaceAddresses: interfaceAddresses(),
      ...(config.directory.enabled
        ? {
            directory: directoryServer({
              store: this.storage!.sublevel('directory'),
              policy: config.directory,
              registry: this.metrics?.registry,
            }),
          }
        : {}),
      ...this.extraServices(),
    } as ServiceFactoryMap<RelayServices & Extra>
    return createHost<RelayServices & Extra>(
      {
        privateKey,
        datastore: this.storage!.datastore,
        listen: config.listen,
        announce: config.announce,
        dhtServer: true,
        allowPrivateAddresses: config.allowPrivateAddresses,
        connectionLimits: config.limits,
        dhtQuotas: relayDhtQuotas(config, this.logger, this.metrics),
        gossipPeerExchange: true,
        dhtValidators: directoryDhtValidators,
        connectionGater: { denyInboundRelayReservation: this.onReservationRequest },
        dhtSelectors: directoryDhtSelectors,
        metrics: this.metrics?.libp2pMetrics(),
      },
      services,
    )
  }

  /**
   * libp2p's relay server reports no reservation events; its gater hook sees every request
   * just before the server decides, by the rule mirrored here (full unless it is a renewal).
   */
  private readonly onReservationRequest = (peer: PeerId): boolean => {
    const reservations = this.host.services.circuitRelay.reservations
    const { maxReservations } = this.config.circuitRelay
    if (reservations.has(peer)) {
      this.logger.debug({ peer: peer.toString() }, 'reservation renewed')
    } else if (reservations.size >= maxReservations) {
      this.metrics?.reservationsRefused.inc()
      this.logger.warn(
        { peer: peer.toString(), maxReservations },
        'reservation refused: the relay holds circuitRelay.maxReservations already',
      )
    } else {
      this.logger.info({ peer: peer.toString() }, 'node reserved a circuit')
    }
    return false
  }

  /** Other relays of the network, learnt from the circuit addresses of shared nodes. */
  private relayDiscovery(): RelayDiscovery {
    const host = this.host
    return new RelayDiscovery({
      host,
      keep: (address) => host.services.relayBootstrap.add(address),
      known: parseRelayAddresses(this.config.peers).map((address) =>
        relayPeerId(address).toString(),
      ),
      dialable: (address) => this.config.allowPrivateAddresses || !isPrivate(address),
      log: host.logger.forComponent('tokenim:relay-discovery'),
      onFound: (address) => this.logger.info({ address }, 'found another relay of the network'),
    })
  }

  private extraServices(): ServiceFactoryMap<Extra> | undefined {
    const extra = this.init.extraServices
    if (typeof extra !== 'function') return extra
    return extra({
      config: this.config,
      metrics: this.metrics ?? new RelayMetrics(),
      storage: this.storage!,
      logger: this.logger,
    })
  }

  private watchPeers(): void {
    this.host.addEventListener('peer:connect', (evt) => {
      this.metrics?.peerConnects.inc()
      this.logger.debug({ peer: evt.detail.toString() }, 'peer connected')
    })
    this.host.addEventListener('peer:disconnect', (evt) => {
      this.metrics?.peerDisconnects.inc()
      this.logger.debug({ peer: evt.detail.toString() }, 'peer disconnected')
    })
    this.metrics?.observe({
      connections: () => {
        const counts = { inbound: 0, outbound: 0 }
        for (const connection of this.host.getConnections()) counts[connection.direction]++
        return counts
      },
      peers: () => this.status().peers,
      reservations: () => this.host.services.circuitRelay.reservations.size,
      circuits: () => this.circuits(),
    })
  }

  /** Each relayed connection is piped through one outbound stop stream to its target. */
  private circuits(): number {
    let count = 0
    for (const connection of this.host.getConnections()) {
      for (const stream of connection.streams) {
        if (stream.protocol === RELAY_V2_STOP_CODEC && stream.direction === 'outbound') count++
      }
    }
    return count
  }

  private async startOps(): Promise<void> {
    const { metrics: metricsConfig, health } = this.config
    if (!metricsConfig.enabled && !health.enabled) return
    this.ops = new OpsServer({
      host: metricsConfig.host,
      port: metricsConfig.port,
      metrics: this.metrics,
      health: health.enabled ? () => this.health() : undefined,
    })
    await this.ops.start()
  }

  private readonly onSelfUpdate = (): void => {
    this.writeStatus().catch((err: Error) =>
      this.logger.error({ err }, 'could not update the relay status file'),
    )
  }

  private async writeStatus(): Promise<void> {
    const status = this.status()
    await writeRelayStatus(this.config.dataDir, {
      pid: process.pid,
      peerId: status.peerId,
      multiaddrs: status.multiaddrs,
      startedAt: status.startedAt,
      healthUrl: status.healthUrl,
      metricsUrl: status.metricsUrl,
    })
  }

  private async releaseResources(): Promise<void> {
    this.hostInstance?.removeEventListener('self:peer:update', this.onSelfUpdate)
    this.discovery?.stop()
    const parts: StoppablePart[] = [
      [
        'the status file',
        this.startedAt !== 0 ? () => removeRelayStatus(this.config.dataDir) : undefined,
      ],
      ['the ops server', this.ops && (() => this.ops?.stop())],
      ['the libp2p host', this.hostInstance && (() => this.hostInstance?.stop())],
      ['storage', this.storage && (() => this.storage?.close())],
    ]
    await stopEach(parts, (part, err) => this.logger.error({ err, part }, 'stopping a part failed'))
    this.ops = undefined
  }
}
