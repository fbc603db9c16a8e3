/**
 * What a simulation is made of (`SimulationInit`) and the defaults of its timers: short ones
 * for scenarios, so that retries and mailbox collection happen within a run, and ones closer
 * to the product's for measuring what nodes cost.
 */
import type { DirectMessagesInit } from '../node/messaging/index.ts'
import type { RoomServiceInit } from '../node/rooms/index.ts'
import type { HostKind } from './host-pool.ts'
import type { NatHome } from './nat-network.ts'
import type { RemoteShardsInit } from './sharded-nodes.ts'
import type { SimTransport } from './sim-node.ts'

export interface SimulationInit {
  /** @default 1 */
  relays?: number
  nodes: number
  /**
   * What runs on each node's host: a full TokenIM node, or a bare libp2p host with the same
   * stack and none of TokenIM's services (sim/bare-host.ts), the scale run's baseline. Bare
   * hosts answer 1:1 sends with a raw-stream echo and rooms with plain gossipsub topics; they
   * have no directory, and the simulation tracks their rooms' members itself.
   * @default 'tokenim'
   */
  hosts?: HostKind
  /**
   * Child processes the nodes are spread over (node i in shard i mod N), each with its own
   * event loop; 1 keeps every node in this process. Relays stay in this process.
   * @default 1
   */
  shards?: number
  /**
   * Shards, counted in `shards`, that join from other machines or network namespaces
   * (`tokenim sim shard`) instead of being forked here. The relays and the forked shards
   * then listen on `host`, an address of this machine the joined shards can reach.
   */
  remoteShards?: RemoteShardsInit & { host: string }
  /**
   * Puts the network behind NAT routers, in a NAT lab built for the run (root only; TCP): the
   * nodes of each home on a LAN behind its router, the others on a public host, each relay on
   * a public host of its own; one shard process per group. `shards` does not apply.
   */
  nat?: { homes: NatHome[] }
  /**
   * Each relay in a process of its own (on loopback), so that a busy coordinator does not
   * starve the DHT servers every node waits for. Always so behind NAT.
   * @default false
   */
  relayProcesses?: boolean
  /**
   * How nodes reach each other; relays always listen on TCP. Shards need `tcp`.
   * @default 'memory', or 'tcp' with shards
   */
  transport?: SimTransport
  /** Messaging settings, over the simulation's defaults (`SIMULATION_MESSAGING`). */
  messaging?: DirectMessagesInit
  /** Room settings, over `SIMULATION_ROOMS`. */
  roomOptions?: RoomServiceInit
  /** @default 500 */
  gossipHeartbeatMs?: number
  /** Seed of the random choices (churn victims, loss). @default 1 */
  seed?: number
  /** Nodes started at once. @default 8 */
  startConcurrency?: number
  /** Longest wait for one node to reach its relays. @default 30000 */
  readyTimeoutMs?: number
  /** Keep the data dirs after `stop()` (to look at them). @default false */
  keepDataDirs?: boolean
  /** Told each time a node is up during start-up: how many are, of how many. */
  onNodeUp?: (up: number, total: number) => void
}

/**
 * Simulation defaults: unsynced writes (a simulated crash cannot lose the page cache, and
 * fsync per message would measure the disk, not the network), and short timers so that
 * retries and mailbox collection happen within a run.
 */
export const SIMULATION_MESSAGING: DirectMessagesInit = {
  syncWrites: false,
  ackTimeoutMs: 3_000,
  collectIntervalMs: 15_000,
  retryIntervalMs: 2_000,
  dialTimeoutMs: 5_000,
}

export const SIMULATION_ROOMS: RoomServiceInit = {
  syncIntervalMs: 2_000,
  keyRetryIntervalMs: 1_000,
  requestTimeoutMs: 5_000,
  minSyncGapMs: 500,
}

/**
 * Timers closer to the product's own (mailbox collection and outbox retry 30 s, room sync
 * 30 s, gossipsub heartbeat 1 s), for measuring what nodes cost rather than testing faults.
 */
export const PRODUCT_TIMERS: Pick<
  SimulationInit,
  'messaging' | 'roomOptions' | 'gossipHeartbeatMs'
> = {
  messaging: { collectIntervalMs: 30_000, retryIntervalMs: 30_000, ackTimeoutMs: 5_000 },
  roomOptions: { syncIntervalMs: 30_000, keyRetryIntervalMs: 10_000 },
  gossipHeartbeatMs: 1_000,
}
