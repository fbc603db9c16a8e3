/**
 * The libp2p host every TokenIM process runs: the user's node and the relay share it, so both
 * speak exactly the same transports, encryption, muxer and DHT. Its plain libp2p part
 * (`stackInit`, `libp2pServices`) is also the simulation's bare host, the scale run's baseline.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { quic } from '@chainsafe/libp2p-quic'
import { yamux } from '@chainsafe/libp2p-yamux'
import { autoNAT } from '@libp2p/autonat'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { dcutr } from '@libp2p/dcutr'
import { type GossipSub, type GossipsubOpts, gossipsub } from '@libp2p/gossipsub'
import { type Identify, type IdentifyPush, identify, identifyPush } from '@libp2p/identify'
import type { ComponentLogger, PrivateKey } from '@libp2p/interface'
import {
  type KadDHT,
  type KadDHTInit,
  kadDHT,
  passthroughMapper,
  removePrivateAddressesMapper,
  type Selectors,
  type Validators,
} from '@libp2p/kad-dht'
import { type Ping, ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { isLoopback } from '@libp2p/utils'
import { webSockets } from '@libp2p/websockets'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Datastore } from 'interface-datastore'
import { createLibp2p, type Libp2p, type Libp2pInit, type ServiceFactoryMap } from 'libp2p'
import { DHT_PROTOCOL } from '../protocol/ids.ts'
import {
  DHT_STREAM_LIMITS,
  MAX_PING_STREAMS_PER_CONNECTION,
  QUIC_LIMITS,
} from '../protocol/limits.ts'
import { reachableAddressesFirst } from './address-order.ts'
import { DhtWriteQuotas, type DhtWriteQuotasInit } from './dht-quotas/index.ts'
import {
  DhtRecordSweeper,
  type DhtRecordSweeperComponents,
  servingOwnRecordsUntilExpiry,
} from './dht-rules/record-keeping.ts'
import { tokenimDhtSelectors, tokenimDhtValidators } from './dht-rules/validators.ts'
import { type DirectUpgrade, directUpgrade } from './direct-upgrade.ts'
import { freshDialBacks } from './fresh-dial-backs.ts'
import { tokenimMsgIdFn } from './gossip-message-id.ts'
import { type StreamGuards, streamGuards, TOKENIM_STREAM_GUARDS } from './index.ts'
import { tcpPunch } from './tcp-punch.ts'

export interface ConnectionLimits {
  /** @default 300 */
  maxConnections?: number
  /**
   * Inbound connections per second accepted from one host. Every simulated node on loopback
   * shares 127.0.0.1, so simulations raise this.
   * @default 5
   */
  inboundConnectionThreshold?: number
  /** @default 10 */
  maxIncomingPendingConnections?: number
}

export interface HostInit {
  privateKey: PrivateKey
  datastore: Datastore
  /** Where libp2p and the services log (network/host-logger.ts). @default libp2p's, DEBUG= */
  logger?: ComponentLogger
  /**
   * Multiaddrs to listen on, e.g. `/ip4/0.0.0.0/tcp/0`, `/ip4/0.0.0.0/udp/0/quic-v1` and
   * `/ip4/0.0.0.0/tcp/0/ws`.
   */
  listen: string[]
  /** Multiaddrs to announce instead of the listen addresses (a relay behind NAT). */
  announce?: string[]
  /**
   * Relays answer DHT queries. `'auto'` (user nodes on real networks): answer them once
   * autoNAT confirms a public address, so nodes reachable from the internet add replicas for
   * the mailbox; nodes behind NAT only ask.
   */
  dhtServer: boolean | 'auto'
  /**
   * Keep private and loopback addresses in DHT answers: needed when every peer is on one
   * machine or one LAN, wrong on the internet.
   * @default false
   */
  allowPrivateAddresses?: boolean
  /**
   * DHT record validators and selectors per key namespace, added to TokenIM's own (mailbox,
   * inbox and prekey records, see network/dht-rules/validators.ts), which every host installs.
   */
  dhtValidators?: Validators
  dhtSelectors?: Selectors
  connectionLimits?: ConnectionLimits
  /**
   * What each remote writer may store in this host's DHT (it matters in server mode), and
   * who hears of refusals (network/dht-quotas).
   * @default protocol/limits.ts's DEFAULT_DHT_* quotas, refusals on the libp2p log
   */
  dhtQuotas?: DhtWriteQuotasInit
  /**
   * Dial and listen through circuit relays (`/p2p-circuit` addresses), so that a node behind
   * NAT stays reachable through the relays it holds a reservation on.
   * @default false
   */
  circuitRelayClient?: boolean
  /**
   * Gossipsub peer exchange: when pruning a peer from a mesh, hand it other peers to try.
   * Relays turn it on, being where new nodes first land.
   * @default false
   */
  gossipPeerExchange?: boolean
  /**
   * Peer ids whose gossipsub peer exchange this host follows: a node's own relays, where new
   * nodes land. PX from anyone else is ignored, since it would let any peer steer who a node
   * meshes with.
   * @default []
   */
  peerExchangeFrom?: string[]
  /** A libp2p metrics implementation (the relay passes Prometheus metrics). */
  metrics?: Libp2pInit['metrics']
  /**
   * Transports to use instead of TCP, QUIC and WebSockets (tests and benchmarks pass
   * `@libp2p/memory`); the circuit relay transport is still added when asked for.
   * @default [tcp(), quic(), webSockets()]
   */
  transports?: NonNullable<Libp2pInit['transports']>
  /** Overrides of gossipsub options (tests and simulations shorten the heartbeat). */
  gossipOptions?: Partial<GossipsubOpts>
  /**
   * libp2p's connection monitor, which pings peers and closes connections whose pings time
   * out. Many nodes in one process starve the event loop, so simulations relax it.
   */
  connectionMonitor?: Libp2pInit['connectionMonitor']
  /** libp2p's connection gater: simulations cut links between peers with it (partitions). */
  connectionGater?: Libp2pInit['connectionGater']
}

export const DEFAULT_CONNECTION_LIMITS: Required<ConnectionLimits> = {
  maxConnections: 300,
  inboundConnectionThreshold: 5,
  maxIncomingPendingConnections: 10,
}

// A type alias, not an interface: libp2p's ServiceMap needs an index-signature-compatible type.
export type HostServices = {
  identify: Identify
  identifyPush: IdentifyPush
  ping: Ping
  dht: KadDHT
  dhtRecordSweeper: DhtRecordSweeper
  pubsub: GossipSub
  streamGuards: StreamGuards
  directUpgrade: DirectUpgrade
  /** Asks peers to dial us back (nodes in 'auto' DHT mode) and dials others back (relays). */
  autoNAT?: unknown
  /** Hole punching for nodes that listen through relays: libp2p's DCUtR and our TCP punch. */
  dcutr?: unknown
  tcpPunch?: unknown
}

/** libp2p's own services of a host (`libp2pServices`). */
export type Libp2pServices = Pick<
  HostServices,
  'identify' | 'identifyPush' | 'ping' | 'dht' | 'pubsub' | 'dcutr'
>

/** What the plain libp2p stack of a host depends on: everything but TokenIM's own DHT rules. */
export type StackInit = Omit<HostInit, 'datastore' | 'dhtValidators' | 'dhtSelectors' | 'dhtQuotas'>

/** kad-dht's options on every host, before TokenIM's record validators and selectors. */
export function dhtOptions(init: StackInit): KadDHTInit {
  return {
    protocol: DHT_PROTOCOL,
    // undefined: kad-dht serves while our confirmed addresses include a public one.
    clientMode: init.dhtServer === 'auto' ? undefined : !init.dhtServer,
    peerInfoMapper:
      init.allowPrivateAddresses === true ? passthroughMapper : removePrivateAddressesMapper,
    maxInboundStreams: DHT_STREAM_LIMITS.maxInboundStreams,
    maxOutboundStreams: DHT_STREAM_LIMITS.maxOutboundStreams,
  }
}

/**
 * libp2p's own services as every host runs them (identify, ping, the DHT `dht`, gossipsub,
 * DCUtR for relay clients): the whole of a host but TokenIM's services. The simulation's
 * bare hosts (sim/bare-host.ts) are this alone, so they measure what libp2p itself costs.
 */
export function libp2pServices(
  init: StackInit,
  dht: ReturnType<typeof kadDHT>,
): ServiceFactoryMap<Libp2pServices> {
  return {
    identify: identify(),
    // Addresses change after start (a relay reservation adds a circuit address): tell peers.
    identifyPush: identifyPush(),
    ping: ping({
      maxInboundStreams: MAX_PING_STREAMS_PER_CONNECTION,
      maxOutboundStreams: MAX_PING_STREAMS_PER_CONNECTION,
    }),
    dht,
    // DCUtR upgrades a circuit when a peer has a confirmed public address.
    ...(init.circuitRelayClient === true ? { dcutr: dcutr() } : {}),
    pubsub: gossipsub({
      allowPublishToZeroTopicPeers: true,
      doPX: init.gossipPeerExchange === true,
      scoreParams: {
        appSpecificScore: peerExchangeSourceScore(init.peerExchangeFrom ?? []),
        // No penalty for many peers on one IP address (gossipsub's P6): every peer reached
        // through a relay's circuit shows the relay's address, and so do neighbours behind one
        // NAT. Past 10 of them the penalty pushed them all below zero (out of the meshes),
        // past 13 below the publish threshold: room posts then waited for the sync.
        IPColocationFactorWeight: 0,
      },
      msgIdFn: tokenimMsgIdFn,
      // Room members behind NAT meet through a relay's circuit; their messages are small and
      // the relay's data limit bounds what a circuit carries.
      runOnLimitedConnection: true,
      ...init.gossipOptions,
    }),
  }
}

function hostServices(init: HostInit, quotas: DhtWriteQuotas): ServiceFactoryMap<HostServices> {
  const dht = quotas.serving(
    DHT_PROTOCOL,
    kadDHT({
      ...dhtOptions(init),
      validators: { ...tokenimDhtValidators(init.datastore), ...init.dhtValidators },
      selectors: { ...tokenimDhtSelectors(), ...init.dhtSelectors },
    }),
  )
  return {
    ...libp2pServices(init, dht),
    // kad-dht reads its frames with libp2p's lpStream, which buffers an endless length
    // prefix for ever: a guard checks every DHT stream, both ways, and peers that break
    // the framing of any protocol lose their connections (network/).
    streamGuards: streamGuards(TOKENIM_STREAM_GUARDS),
    dhtRecordSweeper: (components: DhtRecordSweeperComponents) => new DhtRecordSweeper(components),
    directUpgrade: directUpgrade(),
    ...(init.dhtServer !== false ? { autoNAT: freshDialBacks(autoNAT()) } : {}),
    // The TCP punch when both sit behind port-preserving NATs, which DCUtR cannot do from Node.
    ...(init.circuitRelayClient === true ? { tcpPunch: tcpPunch() } : {}),
  }
}

// Weighted by gossipsub's appSpecificWeight (10), this lifts a trusted peer from a neutral 0
// to 20, above the default acceptPXThreshold (10); everyone else stays at 0.
const PEER_EXCHANGE_SOURCE_SCORE = 2

function peerExchangeSourceScore(peerIds: string[]): (peerId: string) => number {
  const sources = new Set(peerIds)
  return (peerId) => (sources.has(peerId) ? PEER_EXCHANGE_SOURCE_SCORE : 0)
}

export type Host<Extra extends Record<string, unknown> = Record<string, never>> = Libp2p<
  HostServices & Extra
>

function outwardAddresses(addresses: Multiaddr[]): Multiaddr[] {
  const outward = addresses.filter((address) => !isLoopback(address))
  return outward.length > 0 ? outward : addresses
}

/**
 * The libp2p init every host shares, services and datastore aside: addresses, transports,
 * encryption, muxer, connection manager.
 */
export function stackInit(init: StackInit): Omit<Libp2pInit, 'services' | 'datastore'> {
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...init.connectionLimits }
  return {
    privateKey: init.privateKey,
    addresses: {
      listen: init.listen,
      announce: init.announce ?? [],
      // A loopback address handed to a peer on another machine sends its dial to the peer
      // itself; only hosts that share one machine want them (and a host that listens on
      // loopback alone can only mean that).
      announceFilter:
        init.allowPrivateAddresses === true
          ? (addresses: Multiaddr[]) => addresses
          : outwardAddresses,
    },
    transports: [
      // QUIC (UDP) beside TCP: the transport UDP hole punching would need; its dials leave
      // from a socket of their own, not the listener's, so QUIC punches fail today; the TCP
      // punch (tcp-punch.ts) does not need a transport (doc/networking.md, "Hole punching").
      ...(init.transports ?? [tcp(), quic(QUIC_LIMITS), webSockets()]),
      // The transport clears its queue of reservations still waiting whenever it holds
      // enough, which strands a second relay's request: let them all run at once instead.
      ...(init.circuitRelayClient === true
        ? [circuitRelayTransport({ reservationConcurrency: 16 })]
        : []),
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { ...limits, addressSorter: reachableAddressesFirst },
    metrics: init.metrics,
    ...(init.logger == null ? {} : { logger: init.logger }),
    connectionMonitor: init.connectionMonitor,
    connectionGater: init.connectionGater,
  } satisfies Libp2pInit
}

/** Creates (does not start) a libp2p host with TokenIM's standard stack. */
export async function createHost<Extra extends Record<string, unknown> = Record<string, never>>(
  init: HostInit,
  extraServices?: ServiceFactoryMap<Extra>,
): Promise<Host<Extra>> {
  const quotas = new DhtWriteQuotas(init.dhtQuotas)
  return createLibp2p({
    ...stackInit(init),
    start: false,
    // kad-dht would stop serving our records 48 hours after receiving them, whatever their
    // own expiry says (network/dht-rules/record-keeping.ts). Strangers' writes are charged to
    // their quotas (network/dht-quotas).
    datastore: servingOwnRecordsUntilExpiry(quotas.guard(init.datastore)),
    services: { ...hostServices(init, quotas), ...extraServices } as ServiceFactoryMap<
      HostServices & Extra
    >,
  })
}
