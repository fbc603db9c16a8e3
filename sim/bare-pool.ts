/**
 * The bare libp2p hosts (bare-host.ts) that live in one process, for the scale run's
 * baseline: started until ready as a TokenIM node is (reservations on its relays, a DHT server
 * in its routing table; no prekeys to publish), then driven by index. A "room" is a gossipsub
 * topic: creating it subscribes, joining subscribes and dials the member named; the members
 * of a room are the coordinator's to track (bare hosts have no membership to ask).
 */
import type { GossipSub } from '@libp2p/gossipsub'
import { peerIdFromString } from '@libp2p/peer-id'
import { BareHost } from './bare-host.ts'
import { SimulationError } from './errors.ts'
import { HostPool, type NodeEvent, type NodeOperations, type NodePoolInit } from './host-pool.ts'
import { waitFor } from './wait.ts'

const BARE_ROOM_TOPIC_PREFIX = '/tokenim-sim/bare-room/'

export class BarePool extends HostPool<BareHost> implements NodeOperations {
  constructor(init: NodePoolInit, onEvent: (event: NodeEvent) => void) {
    super(init)
    for (const index of init.indexes) {
      this.nodes.set(
        index,
        new BareHost({
          index,
          relays: init.relays,
          transport: init.transport,
          listenHost: init.listenHost,
          runId: init.runId,
          faults: this.faults,
          gossipHeartbeatMs: init.gossipHeartbeatMs,
          onEvent,
        }),
      )
    }
  }

  async start(index: number): Promise<void> {
    const node = this.simNode(index)
    await node.start()
    const host = node.host
    const reachable = this.reachableRelays(node)
    const circuits = () => host.getMultiaddrs().map((addr) => addr.toString())
    await waitFor(
      host,
      'self:peer:update',
      () =>
        reachable.every((relay) =>
          circuits().some((addr) => addr.includes(`/p2p/${relay}/p2p-circuit`)),
        ),
      `bare host ${index} holds a reservation on each of its relays`,
      this.readyTimeoutMs,
    )
    await this.dhtServerKnown(node, reachable)
  }

  async sendDirect(index: number, toPublicKeyHex: string): Promise<string> {
    return this.simNode(index).sendEcho(toPublicKeyHex)
  }

  async register(): Promise<void> {
    throw new SimulationError('bare hosts have no directory to register with')
  }

  async createRoom(index: number, name: string): Promise<string> {
    const topic = `${BARE_ROOM_TOPIC_PREFIX}${name}`
    this.simNode(index).host.services.pubsub.subscribe(topic)
    return topic
  }

  async joinRoom(index: number, topic: string, viaPeerId: string): Promise<void> {
    const host = this.simNode(index).host
    // Connected first, as a TokenIM member is (it syncs the room from `via`): subscribing
    // then grafts `via` into the topic's mesh at once rather than at the next heartbeat.
    await host.dial(peerIdFromString(viaPeerId))
    host.services.pubsub.subscribe(topic)
  }

  /** The node itself and the subscribers of the topic among its connections. */
  async roomMemberKeys(index: number, topic: string): Promise<string[]> {
    const node = this.simNode(index)
    const subscribers = node.host.services.pubsub.getSubscribers(topic)
    return [
      node.publicKeyHex,
      ...subscribers.map((peer) => Buffer.from(peer.publicKey?.raw ?? []).toString('hex')),
    ]
  }

  /**
   * A bare host cannot list a room's members: it is ready for posts once every member it is
   * connected to shows as subscribed and gossipsub has grafted it into the topic's mesh.
   */
  async waitForRoomMemberKeys(
    index: number,
    topic: string,
    keys: string[],
    timeoutMs: number,
  ): Promise<void> {
    const node = this.simNode(index)
    const pubsub = node.host.services.pubsub
    const members = new Set(keys)
    const ready = () => {
      const subscribed = new Set(pubsub.getSubscribers(topic).map((peer) => peer.toString()))
      const connectedMembers = node.host
        .getConnections()
        .filter((c) => members.has(Buffer.from(c.remotePeer.publicKey?.raw ?? []).toString('hex')))
      return (
        connectedMembers.every((c) => subscribed.has(c.remotePeer.toString())) &&
        (keys.length < 2 || meshPeers(pubsub, topic).length > 0)
      )
    }
    // The mesh changes at each heartbeat.
    await waitFor(
      pubsub,
      'gossipsub:heartbeat',
      ready,
      `bare host ${index} in the mesh of ${topic}`,
      timeoutMs,
    )
  }

  async sendRoom(index: number, topic: string): Promise<string> {
    return this.simNode(index).publish(topic)
  }
}

/** The topic's mesh: gossipsub has it, its exported interface does not say so. */
function meshPeers(pubsub: GossipSub, topic: string): string[] {
  return (pubsub as unknown as { getMeshPeers(topic: string): string[] }).getMeshPeers(topic)
}
