/**
 * Room members for integration tests: real libp2p hosts on the in-process memory transport,
 * each with its own LevelDB and RoomService, a 100 ms gossipsub heartbeat, and an address
 * book standing in for peer routing (the DHT) so members can dial each other by peer id.
 * Waiting is event-driven: conditions are re-checked on gossipsub heartbeats and room events.
 */
import { randomUUID } from 'node:crypto'
import { memory } from '@libp2p/memory'
import { createHost, type Host, type HostInit } from '../../network/host.ts'
import { generateIdentity, type Identity, toLibp2pPrivateKey } from '../../node/identity/index.ts'
import type { TokenimNode } from '../../node/index.ts'
import {
  RoomService,
  type RoomServiceComponents,
  type RoomServiceInit,
} from '../../node/rooms/index.ts'
import { openStorage, type Storage } from '../../node/storage.ts'
import { toHex } from '../../protocol/bytes.ts'
import { MAX_HISTORY_PAGE } from '../../protocol/limits.ts'
import type { RoomMessageView } from '../../protocol/local-api.ts'
import { roomTopic } from '../../protocol/rooms/index.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

export interface RoomPeer {
  identity: Identity
  keyHex: string
  host: Host
  rooms: RoomService
  storage: Storage
  dataDir: string
  /** room:message and room:members events, as dispatched. */
  events: EventTarget
  received: RoomMessageView[]
  stop(): Promise<void>
}

export const TEST_ROOM_INIT: RoomServiceInit = {
  syncIntervalMs: 2_000,
  keyRetryIntervalMs: 1_000,
  // Generous: twenty nodes share two cores, and a timeout that fires under load only adds
  // retries to the load.
  requestTimeoutMs: 15_000,
  minSyncGapMs: 200,
}

/**
 * Host options for many test hosts in one process: no connection limits between them, a
 * 100 ms gossipsub heartbeat, and no connection monitor (twenty nodes share one event loop:
 * a ping answered late is load, not a dead peer).
 */
export const CROWDED_HOST_OPTIONS = {
  connectionLimits: {
    maxConnections: 1000,
    inboundConnectionThreshold: 10_000,
    maxIncomingPendingConnections: 1000,
  },
  gossipOptions: { heartbeatInterval: 100 },
  connectionMonitor: { enabled: false },
} satisfies Partial<HostInit>

export class RoomNetwork {
  readonly peers: RoomPeer[] = []
  private readonly dirs: Array<{ remove(): Promise<void> }> = []
  /** Crashed peers' services, stopped for good at the end (their timers still run). */
  private readonly crashed: RoomPeer[] = []

  async start(
    options: {
      identity?: Identity
      dataDir?: string
      init?: RoomServiceInit
      keyStatements?: RoomServiceComponents['keyStatements']
      /** The account's device list, for a member on several devices (room-devices.ts). */
      ownDeviceList?: RoomServiceComponents['ownDeviceList']
      /** Our signed profile, which the rooms carry (room-profiles.ts). */
      ownProfile?: RoomServiceComponents['ownProfile']
    } = {},
  ): Promise<RoomPeer> {
    const identity = options.identity ?? generateIdentity()
    let dataDir = options.dataDir
    if (dataDir == null) {
      const dir = await makeTempDir('tokenim-room-')
      this.dirs.push(dir)
      dataDir = dir.path
    }
    const storage = await openStorage(`${dataDir}/db`)
    const host = await createHost({
      privateKey: toLibp2pPrivateKey(identity),
      datastore: storage.datastore,
      listen: [`/memory/${randomUUID()}`],
      dhtServer: false,
      allowPrivateAddresses: true,
      transports: [memory()],
      ...CROWDED_HOST_OPTIONS,
    })
    await host.start()
    const events = new EventTarget()
    const received: RoomMessageView[] = []
    const rooms = new RoomService(
      {
        host,
        db: storage.sublevel('rooms'),
        identity,
        emit: (type, data) => {
          if (type === 'room:message') received.push(data as RoomMessageView)
          events.dispatchEvent(new CustomEvent(type, { detail: data }))
        },
        keyStatements: options.keyStatements,
        ownDeviceList: options.ownDeviceList,
        ownProfile: options.ownProfile,
      },
      { ...TEST_ROOM_INIT, ...options.init },
    )
    // Others learn our address before we start dialling them, and we learn theirs.
    for (const other of this.peers) {
      await other.host.peerStore.merge(host.peerId, { multiaddrs: host.getMultiaddrs() })
      await host.peerStore.merge(other.host.peerId, { multiaddrs: other.host.getMultiaddrs() })
    }
    await rooms.start()
    const peer: RoomPeer = {
      identity,
      keyHex: toHex(identity.publicKey),
      host,
      rooms,
      storage,
      dataDir,
      events,
      received,
      stop: async () => {
        const index = this.peers.indexOf(peer)
        if (index >= 0) this.peers.splice(index, 1)
        await rooms.stop()
        await host.stop()
        await storage.close()
      },
    }
    this.peers.push(peer)
    return peer
  }

  /** Connects every pair of peers (members that are online know each other's addresses). */
  async connectAll(): Promise<void> {
    for (const [i, peer] of this.peers.entries()) {
      await Promise.all(this.peers.slice(i + 1).map((other) => peer.host.dial(other.host.peerId)))
    }
  }

  /**
   * Stops a peer the way a crash would: the host and the database close under the room
   * service, which never gets to write its clean-stop mark.
   */
  async crash(peer: RoomPeer): Promise<void> {
    this.peers.splice(this.peers.indexOf(peer), 1)
    this.crashed.push(peer)
    await peer.host.stop()
    await peer.storage.close()
  }

  async stopAll(): Promise<void> {
    for (const peer of [...this.peers].reverse()) await peer.stop()
    for (const peer of this.crashed.splice(0)) await peer.rooms.stop().catch(() => {})
    for (const dir of this.dirs.splice(0)) await dir.remove()
  }
}

/**
 * Resolves once `check()` holds, re-checking on every gossipsub heartbeat and room event of
 * `peers`; fails with `what` after `timeoutMs`.
 */
export function waitUntil(
  peers: RoomPeer[],
  check: () => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  if (check()) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const listeners: Array<() => void> = []
    const done = (err?: Error) => {
      clearTimeout(timer)
      for (const remove of listeners) remove()
      err == null ? resolve() : reject(err)
    }
    const recheck = () => {
      try {
        if (check()) done()
      } catch (err) {
        done(err as Error)
      }
    }
    const timer = setTimeout(
      () => done(new Error(`${what}: not within ${timeoutMs} ms`)),
      timeoutMs,
    )
    for (const [i, peer] of peers.entries()) {
      const sources: Array<[EventTarget, string]> = [
        [peer.events, 'room:message'],
        [peer.events, 'room:members'],
      ]
      // One heartbeat source is enough of a clock; more would only burn the CPU on checks.
      if (i === 0)
        sources.push([peer.host.services.pubsub as unknown as EventTarget, 'gossipsub:heartbeat'])
      for (const [target, type] of sources) {
        target.addEventListener(type, recheck)
        listeners.push(() => target.removeEventListener(type, recheck))
      }
    }
  })
}

/** waitUntil's view of full nodes: their room events and one gossipsub heartbeat. */
export function watchedNodes(
  nodes: Array<{ node: Pick<TokenimNode, 'rooms' | 'host'> }>,
): RoomPeer[] {
  return nodes.map(({ node }) => ({ events: node.rooms, host: node.host }) as unknown as RoomPeer)
}

/** Every peer lists the same `count` members and holds a sender key from each other member. */
export function keysSettled(peers: RoomPeer[], roomId: string, count: number): boolean {
  return peers.every((peer) => {
    const members = peer.rooms.members(roomId).members
    return (
      members.length === count &&
      members.every(
        (m) =>
          m.publicKey === peer.keyHex || peer.rooms.senderKeyIds(roomId, m.publicKey).length > 0,
      )
    )
  })
}

/** Each peer has at least `min` mesh peers on the room's topic (or all its subscribed peers). */
export function meshFormed(peers: RoomPeer[], roomId: string, min = 2): boolean {
  const topic = roomTopic(roomId)
  return peers.every((peer) => {
    const pubsub = peer.host.services.pubsub as unknown as { getMeshPeers(topic: string): string[] }
    const subscribers = peer.host.services.pubsub.getSubscribers(topic).length
    return pubsub.getMeshPeers(topic).length >= Math.min(min, subscribers) && subscribers > 0
  })
}

/** The ids of every message the peer shows in the room, oldest first (all pages). */
export function historyIds(peer: RoomPeer, roomId: string): string[] {
  const ids: string[] = []
  let before: string | undefined
  do {
    const page = peer.rooms.history(roomId, { limit: MAX_HISTORY_PAGE, before })
    ids.unshift(...page.messages.map((m) => m.id))
    before = page.nextBefore ?? undefined
  } while (before != null)
  return ids
}
