/**
 * TCP hole punching between two nodes that meet through a relay's circuit, in pure Node.
 *
 * When identify runs over a relayed (limited) connection and the peer speaks
 * PUNCH_PROTOCOL, the side with the smaller peer id starts, on a stream over that circuit:
 * each side picks a free local port P and announces its predicted public address, the IP an
 * unlimited connection's peer (its relay) observed for it with port P (CONNECT both ways,
 * the initiator timing the round trip); the initiator sends SYNC and waits half a round
 * trip, the responder connects on SYNC, and both connect from P to the other's address
 * (simultaneous-open.ts). A NAT that keeps source ports (most home routers) maps P to P, so
 * the prediction holds; behind a NAT that picks a new port per connection it does not, and
 * the peers stay on the relay. The socket is upgraded by the node's own upgrader (noise
 * checks the peer's identity, yamux): the initiator as dialer, the responder as listener.
 * Streams then prefer the direct connection (peer-streams.ts).
 *
 * Bounds (PunchBudget, PUNCH_* in protocol/limits.ts): one punch per peer at a time, a few
 * failed ones per peer per period, a few at once; the exchange and the connects have
 * deadlines; a peer may only name a public address and an unprivileged port. A failed punch is logged with
 * its typed error and leaves the relayed connection as it was.
 */
import type { Socket } from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'
import type {
  ComponentLogger,
  Connection,
  IdentifyResult,
  Libp2pEvents,
  Logger,
  PeerId,
  Startable,
  Stream,
  TypedEventTarget,
  Upgrader,
} from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'
import { isPrivate } from '@libp2p/utils'
import { CODE_IP4, CODE_TCP, type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { MalformedMessageError } from '../protocol/errors.ts'
import { PUNCH_PROTOCOL } from '../protocol/ids.ts'
import {
  MAX_CONCURRENT_PUNCHES,
  PUNCH_CONNECT_WINDOW_MS,
  PUNCH_EXCHANGE_TIMEOUT_MS,
  PUNCH_FAILURE_PERIOD_MS,
  PUNCH_FAILURES_PER_PEER,
  PUNCH_STREAM_LIMITS,
} from '../protocol/limits.ts'
import { decodePunchFrame, encodePunchFrame, PunchFrameKind } from '../protocol/punch.ts'
import { PunchFailedError, PunchRefusedError } from './errors.ts'
import { FramedStream } from './framed-stream.ts'
import { localSubnets, onLocalSubnet } from './local-subnets.ts'
import { PunchBudget } from './punch-budget.ts'
import { freeTcpPort, simultaneousOpen } from './simultaneous-open.ts'
import { socketConnection } from './socket-connection.ts'

/** Peers with failed punches remembered: far more than a node meets through relays in a period. */
const MAX_PUNCH_PEERS = 1_024
/** Lowest port a peer may ask us to connect to: nothing a server listens on. */
const LOWEST_PUNCH_PORT = 1_024
/** Time for noise and yamux on the punched socket. */
const UPGRADE_TIMEOUT_MS = 10_000

export interface TcpPunchComponents {
  peerId: PeerId
  events: TypedEventTarget<Libp2pEvents>
  registrar: Pick<Registrar, 'handle' | 'unhandle'>
  connectionManager: { getConnections(peer?: PeerId): Connection[] }
  upgrader: Pick<Upgrader, 'upgradeInbound' | 'upgradeOutbound'>
  logger: ComponentLogger
}

/** Where a punch connects, parsed from a peer's CONNECT. */
interface PunchTarget {
  address: Multiaddr
  host: string
  port: number
}

export class TcpPunch implements Startable {
  private readonly log: Logger
  private readonly budget = new PunchBudget({
    failuresPerPeer: PUNCH_FAILURES_PER_PEER,
    periodMs: PUNCH_FAILURE_PERIOD_MS,
    concurrent: MAX_CONCURRENT_PUNCHES,
    maxPeers: MAX_PUNCH_PEERS,
  })
  /** Our public IPv4 address as the last peer on an unlimited connection saw it. */
  private publicIp: string | undefined
  /** Aborts the punches under way when the node stops. */
  private shutdown = new AbortController()

  constructor(private readonly components: TcpPunchComponents) {
    this.log = components.logger.forComponent('tokenim:punch')
  }

  async start(): Promise<void> {
    this.shutdown = new AbortController()
    await this.components.registrar.handle(PUNCH_PROTOCOL, this.onStream, {
      runOnLimitedConnection: true,
      maxInboundStreams: PUNCH_STREAM_LIMITS.maxInboundStreams,
      maxOutboundStreams: PUNCH_STREAM_LIMITS.maxOutboundStreams,
    })
    this.components.events.addEventListener('peer:identify', this.onIdentify)
  }

  async stop(): Promise<void> {
    this.shutdown.abort(new PunchRefusedError('the node is stopping'))
    this.components.events.removeEventListener('peer:identify', this.onIdentify)
    await this.components.registrar.unhandle(PUNCH_PROTOCOL)
  }

  private readonly onIdentify = (event: CustomEvent<IdentifyResult>): void => {
    const { peerId, connection, observedAddr, protocols, listenAddrs } = event.detail
    if (connection.limits == null) {
      this.notePublicAddress(observedAddr)
      return
    }
    // Both sides see this identify; one starts. Neighbours are direct-upgrade.ts's.
    if (!protocols.includes(PUNCH_PROTOCOL)) return
    if (this.components.peerId.toString() >= peerId.toString()) return
    // identify-push over the circuit dispatches this too, also after a punch succeeded. With
    // no public address seen (one machine, a LAN), there is nothing to punch with.
    if (this.directConnectionTo(peerId) || this.publicIp == null) return
    const subnets = localSubnets()
    if (listenAddrs.some((address) => onLocalSubnet(address, subnets))) return
    this.initiate(peerId, connection).catch((err: Error) =>
      this.log('no direct connection to %p: %s: %s', peerId, err.name, err.message),
    )
  }

  private notePublicAddress(observed: Multiaddr | undefined): void {
    const ip = observed?.getComponents()[0]
    if (ip?.code !== CODE_IP4 || ip.value == null || isPrivate(observed!)) return
    if (ip.value !== this.publicIp) this.log('peers see our public address as %s', ip.value)
    this.publicIp = ip.value
  }

  /** The initiator's side: CONNECT, CONNECT back, SYNC, half a round trip, connect. */
  private async initiate(peer: PeerId, relayed: Connection): Promise<void> {
    return this.punch(
      peer,
      async (signal) => {
        const port = await freeTcpPort()
        const stream = await relayed.newStream(PUNCH_PROTOCOL, {
          runOnLimitedConnection: true,
          signal,
        })
        const framed = new FramedStream(stream, { limits: PUNCH_STREAM_LIMITS })
        const sent = performance.now()
        await framed.write(this.connectFrame(port), { signal })
        const target = punchTarget(
          decodePunchFrame(await framed.read({ signal }), PunchFrameKind.CONNECT).address,
        )
        const roundTrip = performance.now() - sent
        await framed.write(
          encodePunchFrame({ kind: PunchFrameKind.SYNC, address: new Uint8Array() }),
        )
        closeQuietly(stream)
        this.log(
          'punching to %p at %a (round trip %d ms)',
          peer,
          target.address,
          Math.round(roundTrip),
        )
        await delay(roundTrip / 2, undefined, { signal })
        return { port, target }
      },
      'outbound',
    )
  }

  /** The responder's side: CONNECT, CONNECT back, connect on SYNC. */
  private readonly onStream = async (stream: Stream, connection: Connection): Promise<void> => {
    const peer = connection.remotePeer
    await this.punch(
      peer,
      async (signal) => {
        if (connection.limits == null) {
          throw new PunchRefusedError('asked to punch over a direct connection')
        }
        const framed = new FramedStream(stream, { limits: PUNCH_STREAM_LIMITS })
        const target = punchTarget(
          decodePunchFrame(await framed.read({ signal }), PunchFrameKind.CONNECT).address,
        )
        const port = await freeTcpPort()
        await framed.write(this.connectFrame(port), { signal })
        decodePunchFrame(await framed.read({ signal }), PunchFrameKind.SYNC)
        closeQuietly(stream)
        this.log('punching to %p at %a', peer, target.address)
        return { port, target }
      },
      'inbound',
    ).catch((err: Error) => {
      stream.abort(err)
      this.log('no direct connection to %p: %s: %s', peer, err.name, err.message)
    })
  }

  /**
   * One punch with `peer` within the budget: `exchange` agrees on ports and addresses over the
   * relay, then both connect and the socket becomes a libp2p connection.
   */
  private async punch(
    peer: PeerId,
    exchange: (signal: AbortSignal) => Promise<{ port: number; target: PunchTarget }>,
    direction: 'inbound' | 'outbound',
  ): Promise<void> {
    const key = peer.toString()
    if (this.directConnectionTo(peer)) throw new PunchRefusedError('a direct connection exists')
    if (this.publicIp == null) throw new PunchRefusedError('no peer has told us our public address')
    this.budget.take(key)
    const started = performance.now()
    let succeeded = false
    try {
      const stopping = this.shutdown.signal
      const { port, target } = await exchange(
        AbortSignal.any([stopping, AbortSignal.timeout(PUNCH_EXCHANGE_TIMEOUT_MS)]),
      )
      const socket = await simultaneousOpen({
        localPort: port,
        host: target.host,
        port: target.port,
        windowMs: PUNCH_CONNECT_WINDOW_MS,
        signal: stopping,
      })
      await this.upgrade(socket, peer, target, direction)
      succeeded = true
      this.log(
        'punched a direct connection to %p at %a in %d ms',
        peer,
        target.address,
        Math.round(performance.now() - started),
      )
    } finally {
      this.budget.release(key, succeeded)
    }
  }

  private directConnectionTo(peer: PeerId): boolean {
    return this.components.connectionManager.getConnections(peer).some((c) => c.limits == null)
  }

  private connectFrame(port: number): Uint8Array {
    const address = multiaddr(`/ip4/${this.publicIp}/tcp/${port}`)
    return encodePunchFrame({ kind: PunchFrameKind.CONNECT, address: address.bytes })
  }

  private async upgrade(
    socket: Socket,
    peer: PeerId,
    target: PunchTarget,
    direction: 'inbound' | 'outbound',
  ): Promise<void> {
    const connection = socketConnection({
      socket,
      remoteAddr: target.address.encapsulate(`/p2p/${peer}`),
      direction,
      // Named as @libp2p/tcp names its connections: DEBUG=tokenim:* stays about punches.
      log: this.components.logger.forComponent('libp2p:tcp-punch:connection'),
    })
    const signal = AbortSignal.timeout(UPGRADE_TIMEOUT_MS)
    try {
      // The connection manager learns of the new connection from the upgrader's event.
      if (direction === 'outbound') {
        await this.components.upgrader.upgradeOutbound(connection, { signal })
      } else {
        await this.components.upgrader.upgradeInbound(connection, { signal })
      }
    } catch (err) {
      connection.abort(err as Error)
      throw new PunchFailedError(`the punched socket did not become a connection: ${err}`)
    }
  }
}

/** Ends our side of the exchange's stream without waiting for the peer's. */
function closeQuietly(stream: Stream): void {
  stream.close().catch((err: Error) => stream.abort(err))
}

/**
 * The address in a peer's CONNECT, if we may connect to it: /ip4/<public>/tcp/<port ≥ 1024>.
 * Throws MalformedMessageError otherwise.
 */
export function punchTarget(bytes: Uint8Array): PunchTarget {
  let address: Multiaddr
  try {
    address = multiaddr(bytes)
  } catch (err) {
    throw new MalformedMessageError(`punch address is no multiaddr: ${(err as Error).message}`)
  }
  const [ip, tcp, ...rest] = address.getComponents()
  const port = Number(tcp?.value)
  if (ip?.code !== CODE_IP4 || tcp?.code !== CODE_TCP || rest.length > 0) {
    throw new MalformedMessageError(`punch address ${address} is not /ip4/…/tcp/…`)
  }
  if (isPrivate(address) || !(port >= LOWEST_PUNCH_PORT && port <= 65_535)) {
    throw new MalformedMessageError(`punch address ${address} is private or a privileged port`)
  }
  return { address, host: ip.value!, port }
}

export function tcpPunch(): (components: TcpPunchComponents) => TcpPunch {
  return (components) => new TcpPunch(components)
}
