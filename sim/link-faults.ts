/**
 * Faults on the links between simulated peers: partitions through libp2p's connection gater
 * (every node of the simulation shares one `LinkFaults`), and latency and loss on the
 * in-memory transport by delaying the bytes each connection hands up to its node.
 */
import type { ConnectionGater, MultiaddrConnection, PeerId, Transport } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface LinkShape {
  /** One-way delay added to every chunk a node receives, ms. */
  latencyMs: number
  /** Extra random delay of up to this many ms per chunk (order is kept). */
  jitterMs: number
  /**
   * Chance that a chunk is "lost". The transport is reliable, as TCP is, so a loss shows up
   * as a retransmission: the chunk and those queued behind it wait `retransmitMs` more.
   */
  loss: number
  retransmitMs: number
}

const NO_SHAPE: LinkShape = { latencyMs: 0, jitterMs: 0, loss: 0, retransmitMs: 200 }

export class LinkFaults {
  /** peer id -> the partition side it is on; peers on different sides cannot connect. */
  private readonly sides = new Map<string, number>()
  private shape: LinkShape = { ...NO_SHAPE }
  private readonly random: () => number

  constructor(random: () => number = Math.random) {
    this.random = random
  }

  /** Puts each group on its own side; peers not named stay reachable from every side. */
  partition(groups: string[][]): void {
    this.sides.clear()
    groups.forEach((group, side) => {
      for (const peer of group) this.sides.set(peer, side)
    })
  }

  heal(): void {
    this.sides.clear()
  }

  get partitioned(): boolean {
    return this.sides.size > 0
  }

  /** Whether a link between these two peers is cut by the current partition. */
  blocked(a: string, b: string): boolean {
    const sideA = this.sides.get(a)
    const sideB = this.sides.get(b)
    return sideA != null && sideB != null && sideA !== sideB
  }

  setShape(shape: Partial<LinkShape>): void {
    this.shape = { ...this.shape, ...shape }
  }

  currentShape(): LinkShape {
    return { ...this.shape }
  }

  /** The gater of the node `self`: refuses peers across the partition, both ways. */
  gaterFor(self: string): ConnectionGater {
    const deny = (peer: PeerId) => this.blocked(self, peer.toString())
    return {
      denyDialPeer: async (peer) => deny(peer),
      denyInboundEncryptedConnection: async (peer) => deny(peer),
      denyOutboundEncryptedConnection: async (peer) => deny(peer),
      denyInboundUpgradedConnection: async (peer) => deny(peer),
      denyOutboundUpgradedConnection: async (peer) => deny(peer),
    }
  }

  /**
   * Wraps a transport factory (the memory transport) so that every connection's incoming
   * bytes go through the current link shape.
   */
  shapeTransport<C>(factory: (components: C) => Transport): (components: C) => Transport {
    return (components) => {
      const transport = factory(components)
      const shapeUpgrader = <O extends { upgrader: unknown }>(options: O): O => {
        const upgrader = options.upgrader as {
          upgradeInbound(maConn: MultiaddrConnection, opts?: unknown): Promise<unknown>
          upgradeOutbound(maConn: MultiaddrConnection, opts?: unknown): Promise<unknown>
        }
        const wrapped = Object.create(upgrader) as typeof upgrader
        wrapped.upgradeInbound = (maConn, opts) =>
          upgrader.upgradeInbound(this.delayIncoming(maConn), opts)
        wrapped.upgradeOutbound = (maConn, opts) =>
          upgrader.upgradeOutbound(this.delayIncoming(maConn), opts)
        return { ...options, upgrader: wrapped }
      }
      const dial = transport.dial.bind(transport)
      const createListener = transport.createListener.bind(transport)
      transport.dial = (ma: Multiaddr, options) => dial(ma, shapeUpgrader(options))
      transport.createListener = (options) => createListener(shapeUpgrader(options))
      return transport
    }
  }

  /**
   * Routes the connection's incoming chunks, and its close, through a queue released on a
   * timer: ordered, each chunk no earlier than the one before it. Reads the shape per chunk
   * so that changes apply to open connections too.
   */
  private delayIncoming(maConn: MultiaddrConnection): MultiaddrConnection {
    const target = maConn as unknown as {
      onData(data: unknown): void
      onTransportClosed(err?: Error): void
    }
    const onData = target.onData.bind(target)
    const onClosed = target.onTransportClosed.bind(target)
    // One FIFO and one timer per connection: timers alone could fire out of order.
    const queue: Array<{ at: number; deliver: () => void }> = []
    let armed = false
    const arm = () => {
      armed = queue.length > 0
      if (armed) setTimeout(drain, Math.max(0, queue[0].at - Date.now()))
    }
    const drain = () => {
      while (queue.length > 0 && queue[0].at <= Date.now()) queue.shift()!.deliver()
      arm()
    }
    const schedule = (deliver: () => void) => {
      const { latencyMs, jitterMs, loss, retransmitMs } = this.shape
      if (latencyMs === 0 && jitterMs === 0 && loss === 0 && queue.length === 0) {
        deliver()
        return
      }
      let at = Date.now() + latencyMs + this.random() * jitterMs
      if (loss > 0 && this.random() < loss) at += retransmitMs
      queue.push({ at: Math.max(at, queue.at(-1)?.at ?? 0), deliver })
      if (!armed) arm()
    }
    target.onData = (data) => schedule(() => onData(data))
    target.onTransportClosed = (err) => schedule(() => onClosed(err))
    return maConn
  }
}
