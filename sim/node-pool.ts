/**
 * The full TokenIM nodes that live in one process (all of them, or one shard's): started
 * until ready (relays, DHT server, prekeys), then driven by index for 1:1 and room traffic.
 * What any simulated host answers is in host-pool.ts.
 */
import { join } from 'node:path'
import { generateIdentity } from '../node/identity/index.ts'
import { BarePool } from './bare-pool.ts'
import { HostPool, type NodeEvent, type NodeOperations, type NodePoolInit } from './host-pool.ts'
import { SimNode } from './sim-node.ts'
import { waitFor } from './wait.ts'

export class NodePool extends HostPool<SimNode> implements NodeOperations {
  constructor(init: NodePoolInit, onEvent: (event: NodeEvent) => void) {
    super(init)
    for (const index of init.indexes) {
      const node = new SimNode({
        index,
        identity: generateIdentity(),
        dataDir: join(init.root, `node-${index}`),
        relays: init.relays,
        transport: init.transport,
        listenHost: init.listenHost,
        runId: init.runId,
        faults: this.faults,
        messaging: init.messaging,
        rooms: init.rooms,
        gossipHeartbeatMs: init.gossipHeartbeatMs,
      })
      forwardEvents(node, onEvent)
      this.nodes.set(index, node)
    }
  }

  async start(index: number): Promise<void> {
    const node = this.simNode(index)
    await node.start()
    const timeoutMs = this.readyTimeoutMs
    const bootstrap = node.node.host.services.relayBootstrap
    const reachable = this.reachableRelays(node)
    await waitFor(
      bootstrap,
      'relay:connected',
      () =>
        reachable.every((relay) =>
          node.node.status().relays.some((link) => link.peerId === relay && link.connected),
        ),
      `node ${node.index} connected to its relays`,
      timeoutMs,
    )
    await this.dhtServerKnown(node, reachable)
    // A node cut off from every relay has nowhere to publish; it still comes up.
    if (reachable.length > 0) await prekeysConfirmed(node, timeoutMs)
  }

  async sendDirect(index: number, toPublicKeyHex: string, text: string): Promise<string> {
    const { id } = await this.simNode(index).node.messages.send(toPublicKeyHex, text)
    return id
  }

  async register(index: number, name: string): Promise<void> {
    await this.simNode(index).node.directory.register(name)
  }

  async createRoom(index: number, name: string): Promise<string> {
    const { roomId } = await this.simNode(index).rooms.create(name)
    return roomId
  }

  async joinRoom(index: number, roomId: string, viaPeerId: string): Promise<void> {
    await this.simNode(index).rooms.join(roomId, { via: [viaPeerId] })
  }

  async roomMemberKeys(index: number, roomId: string): Promise<string[]> {
    return this.simNode(index)
      .rooms.members(roomId)
      .members.map((m) => m.publicKey)
  }

  async waitForRoomMemberKeys(
    index: number,
    roomId: string,
    keys: string[],
    timeoutMs: number,
  ): Promise<void> {
    const node = this.simNode(index)
    const expected = [...keys].sort().join(',')
    const sees = () =>
      node.running &&
      node.rooms
        .members(roomId)
        .members.map((m) => m.publicKey)
        .sort()
        .join(',') === expected
    await waitFor(
      node,
      'room:members',
      sees,
      `node ${index} sees the room's ${keys.length} members`,
      timeoutMs,
    )
  }

  async sendRoom(index: number, roomId: string, text: string): Promise<string> {
    const view = await this.simNode(index).rooms.send(roomId, text)
    return view.id
  }
}

/** The pool of the kind of host `init.hosts` names. */
export function createPool(
  init: NodePoolInit,
  onEvent: (event: NodeEvent) => void,
): NodePool | BarePool {
  return init.hosts === 'bare' ? new BarePool(init, onEvent) : new NodePool(init, onEvent)
}

function forwardEvents(node: SimNode, onEvent: (event: NodeEvent) => void): void {
  const index = node.index
  node.addEventListener('message:received', (evt) => {
    const { id } = (evt as CustomEvent<{ id: string }>).detail
    onEvent({ kind: 'message:received', index, id, at: Date.now() })
  })
  node.addEventListener('message:state', (evt) => {
    const { id, state } = (evt as CustomEvent<{ id: string; state: string }>).detail
    onEvent({ kind: 'message:state', index, id, state })
  })
  node.addEventListener('room:message', (evt) => {
    const { id, mine } = (evt as CustomEvent<{ id: string; mine: boolean }>).detail
    if (!mine) onEvent({ kind: 'room:message', index, id, at: Date.now() })
  })
}

/**
 * TokenimNode publishes its prekey bundle again once it identifies a DHT server, and keeps
 * trying while nobody takes it; a node counts as ready once a DHT peer confirmed it, since
 * without that nobody could start a session with it.
 */
async function prekeysConfirmed(node: SimNode, timeoutMs: number): Promise<void> {
  const prekeys = node.node.prekeyService
  await waitFor(
    prekeys,
    'prekeys:published',
    () => prekeys.bundleConfirmed,
    `node ${node.index} had its prekey bundle confirmed by a DHT server`,
    timeoutMs,
  )
}
