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
import type { PersistedDhtLedger } from '../network/dht-quotas/index.ts'
import { createHost, type Host, type HostInit } from '../network/host.ts'
import { hostLogger } from '../network/host-logger.ts'
import { type InterfaceAddresses, interfaceAddresses } from '../network/interface-addresses.ts'
import { startHost } from '../network/start-host.ts'
import {
  Composition,
  NODE_VERSION,
  openStorage,
  type PartBuilder,
  parseRelayAddresses,
  type RelayBootstrap,
  relayBootstrap,
  relayPeerId,
  type Storage,
  upgradeDataDir,
} from '../node/index.ts'
import type { RelayConfig } from './config.ts'
import { RELAY_FORMAT_SPEC } from './data-format.ts'
import { openRelayDhtLedger, relayDhtQuotas } from './dht-quotas.ts'
import type { IceServerOffer } from './directory/ice-servers.ts'
import {
  type DirectoryServer,
  directoryDhtSelectors,
  directoryDhtValidators,
  directoryServer,
} from './directory/index.ts'
import { loadSignupSetup, type SignupSetup } from './directory/signup/index.ts'
import { readSecret } from './directory/signup/secrets.ts'
import { DataDirLockedError, RelayNotStartedError, RelayStoppedError } from './errors.ts'
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
  /**
   * libp2p's connection monitor: a ping on every connection each 10 s, the connection
   * aborted when one fails. Simulations turn it off: their nodes share a few event loops,
   * so a late ping there is load, not a dead peer. @default on, libp2p's settings
   */
  connectionMonitor?: HostInit['connectionMonitor']
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

/** The relay's parts, in start order (stopped in reverse). */
interface RelayParts<Extra extends Record<string, unknown>> {
  storage: Storage
  'dht quota ledger': PersistedDhtLedger
  host: RelayHost<Extra>
  discovery: RelayDiscovery
  /** Built only when metrics or health are enabled. */
  ops: OpsServer
}

/**
 * A relay runs once: start() after stop() rejects with RelayStoppedError; `host` read before
 * start() built it throws RelayNotStartedError.
 */
export class RelayNode<Extra extends Record<string, unknown> = Record<string, never>> {
  readonly config: RelayConfig
  readonly logger: RelayLogger
  /** Present when `metrics.enabled`; services may add their metrics to it. */
  readonly metrics?: RelayMetrics
  private readonly init: RelayNodeInit<Extra>
  private startedAt = 0
  private readonly parts = new Composition<RelayParts<Extra>>({
    stoppedError: () => new RelayStoppedError('the relay was stopped while it started'),
    notStartedError: () => new RelayNotStartedError('the relay is not started'),
    onStopFailure: (part, err) => this.logger.error({ err, part }, 'stopping a part failed'),
  })

  constructor(init: RelayNodeInit<Extra>) {
    this.init = init
    this.config = init.config
    this.logger = init.logger ?? createRelayLogger(init.config.log.level)
    if (init.config.metrics.enabled) this.metrics = new RelayMetrics()
  }

  get host(): RelayHost<Extra> {
    return this.parts.get('host')
  }

  get peerId(): PeerId {
    return this.host.peerId
  }

  /** A stop() during start waits for the part under way, then stops every part built. */
  async start(): Promise<void> {
    await this.parts.start((parts) => this.startParts(parts))
    const status = this.status()
    this.logger.info(
      { peerId: status.peerId, multiaddrs: status.multiaddrs, metricsUrl: status.metricsUrl },
      'relay started',
    )
    const signupCallbackUrl = this.host.services.directory?.signupCallbackUrl
    if (signupCallbackUrl != null) {
      this.logger.info({ signupCallbackUrl }, 'OpenID sign-up logins return to this callback')
    }
    const warning = reachabilityWarning(status.multiaddrs)
    if (warning != null && !this.config.allowPrivateAddresses) this.logger.warn(warning)
  }

  /** The relay's composition root: each part built and started in dependency order. */
  private async startParts(parts: PartBuilder<RelayParts<Extra>>): Promise<void> {
    const { config } = this
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 })
    const key = await loadOrCreateRelayKey(config.dataDir)
    if (key.looseMode != null) {
      this.logger.warn(
        { mode: key.looseMode.toString(8) },
        'relay.key is readable by other users; run chmod 600 on it',
      )
    }
    const storage = await parts.add('storage', () => this.openStorage(), {
      stop: (storage) => storage.close(),
    })
    // Secrets are read (and missing ones reported) before anything listens.
    const signup = config.directory.enabled
      ? await loadSignupSetup(config.directory.signup, config.dataDir)
      : undefined
    const iceServers: IceServerOffer = {
      urls: config.turn.urls,
      secret: await readSecret(config.turn, 'secret', 'turn'),
      credentialTtlMs: config.turn.credentialTtl,
    }
    // Started below, once discovery listens: no identify of the first connections is missed.
    // Stopped after the host: the last charges of the last requests are kept too.
    const ledger = await parts.add(
      'dht quota ledger',
      () => openRelayDhtLedger(config, storage.sublevel('dht-quotas'), this.logger),
      { stop: (ledger) => ledger.close() },
    )
    const host = await parts.add(
      'host',
      () => this.createHost(key.privateKey, storage, ledger, signup, iceServers),
      { stop: (host) => host.stop() },
    )
    this.watchPeers()
    await parts.add('discovery', () => this.relayDiscovery())
    await parts.step('the libp2p host start', () => startHost(host))
    this.startedAt = Date.now()
    const { metrics, health } = config
    if (metrics.enabled || health.enabled) await parts.add('ops', () => this.opsServer())
    await parts.step(
      'the status file',
      () => this.writeStatus(),
      () => removeRelayStatus(config.dataDir),
    )
    await parts.step(
      'status updates',
      () => host.addEventListener('self:peer:update', this.onSelfUpdate),
      () => host.removeEventListener('self:peer:update', this.onSelfUpdate),
    )
  }

  private async openStorage(): Promise<Storage> {
    try {
      const upgrade = await upgradeDataDir(this.config.dataDir, RELAY_FORMAT_SPEC, undefined)
      for (const step of upgrade.steps) {
        this.logger.info(
          { from: step.from, to: step.to, note: step.note, backup: step.backup },
          `relay data dir upgraded: ${step.summary}`,
        )
      }
      return await openStorage(join(this.config.dataDir, 'db'))
    } catch (err) {
      if ((err as Error).name !== 'DataDirLockedError') throw err
      throw new DataDirLockedError(
        `the relay data dir ${this.config.dataDir} is in use by another process: is a relay already running on it?`,
      )
    }
  }

  /** Stops once; later calls wait for the same shutdown. Never rejects. */
  async stop(reason = 'stopped'): Promise<void> {
    let first = false
    await this.parts.stop(() => {
      first = true
      this.logger.info({ reason }, 'relay stopping')
    })
    if (first) this.logger.info('relay stopped')
  }

  status(): RelayStatus {
    const connections = this.host.getConnections()
    const ops = this.parts.find('ops')
    return {
      peerId: this.peerId.toString(),
      multiaddrs: this.multiaddrs(),
      connections: connections.length,
      peers: new Set(connections.map((c) => c.remotePeer.toString())).size,
      reservations: this.host.services.circuitRelay.reservations.size,
      circuits: this.circuits(),
      startedAt: this.startedAt,
      uptime: Math.round((Date.now() - this.startedAt) / 1000),
      metricsUrl: ops != null && this.config.metrics.enabled ? `${ops.url}/metrics` : null,
      healthUrl: ops != null && this.config.health.enabled ? `${ops.url}/health` : null,
    }
  }

  health(): RelayHealth {
    const { peerId, connections, peers, reservations, uptime } = this.status()
    return {
      ok: this.host.status === 'started',
      peerId,
      version: NODE_VERSION,
      connections,
      peers,
      reservations,
      uptime,
    }
  }

  multiaddrs(): string[] {
    return this.host.getMultiaddrs().map((ma) => ma.toString())
  }

  private async createHost(
    privateKey: Parameters<typeof createHost>[0]['privateKey'],
    storage: Storage,
    ledger: PersistedDhtLedger,
    signup: SignupSetup | undefined,
    iceServers: IceServerOffer,
  ) {
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
              store: storage.sublevel('directory'),
              policy: config.directory,
              registry: this.metrics?.registry,
              signup,
              iceServers,
            }),
          }
        : {}),
      ...this.extraServices(storage),
    } as ServiceFactoryMap<RelayServices & Extra>
    return createHost<RelayServices & Extra>(
      {
        privateKey,
        datastore: storage.datastore,
        listen: config.listen,
        announce: config.announce,
        dhtServer: true,
        allowPrivateAddresses: config.allowPrivateAddresses,
        connectionLimits: config.limits,
        dhtQuotas: relayDhtQuotas(config, ledger, this.logger, this.metrics),
        gossipPeerExchange: true,
        dhtValidators: directoryDhtValidators,
        connectionGater: { denyInboundRelayReservation: this.onReservationRequest },
        dhtSelectors: directoryDhtSelectors,
        metrics: this.metrics?.libp2pMetrics(),
        // libp2p's and the services' lines in the relay's JSON log; TokenIM's errors at warn.
        logger: hostLogger(this.logger),
        connectionMonitor: this.init.connectionMonitor,
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

  private extraServices(storage: Storage): ServiceFactoryMap<Extra> | undefined {
    const extra = this.init.extraServices
    if (typeof extra !== 'function') return extra
    return extra({
      config: this.config,
      metrics: this.metrics ?? new RelayMetrics(),
      storage,
      logger: this.logger,
    })
  }

  private watchPeers(): void {
    this.host.services.directory?.addEventListener('name:changed', (evt) => {
      const { name, change, peer } = evt.detail
      // Renewals come from every name holder, periodically: not an operator's event.
      if (change === 'renewed') this.logger.debug({ name, peer }, 'name renewed')
      else this.logger.info({ name, peer }, `name ${change}`)
    })
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

  /** The operations endpoint: /metrics and /health, each when enabled. */
  private opsServer(): OpsServer {
    const { metrics: metricsConfig, health } = this.config
    return new OpsServer({
      host: metricsConfig.host,
      port: metricsConfig.port,
      metrics: this.metrics,
      health: health.enabled ? () => this.health() : undefined,
    })
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
      version: NODE_VERSION,
      multiaddrs: status.multiaddrs,
      startedAt: status.startedAt,
      healthUrl: status.healthUrl,
      metricsUrl: status.metricsUrl,
    })
  }
}
