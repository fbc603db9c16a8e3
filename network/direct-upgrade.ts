/**
 * Replaces a relayed connection by a direct one when the peer is on our own subnet.
 *
 * Two people on one LAN first meet through a relay's circuit (that is where peer routing
 * finds them). Identify over that circuit tells each the other's listen addresses; when one
 * sits on a subnet of ours, we dial it, and streams move to the direct connection (streams
 * take an unlimited connection first, see peer-streams.ts). Peers in other homes punch
 * through their NATs instead (tcp-punch.ts), which leaves neighbours to this.
 */
import type {
  ComponentLogger,
  IdentifyResult,
  Libp2pEvents,
  Logger,
  Startable,
  TypedEventTarget,
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { localSubnets, onLocalSubnet } from './local-subnets.ts'

const DIRECT_DIAL_TIMEOUT_MS = 5_000

export interface DirectUpgradeComponents {
  events: TypedEventTarget<Libp2pEvents>
  connectionManager: {
    openConnection(address: Multiaddr[], options?: { signal?: AbortSignal }): Promise<unknown>
  }
  logger: ComponentLogger
}

export class DirectUpgrade implements Startable {
  private readonly log: Logger
  private readonly dialing = new Set<string>()

  constructor(private readonly components: DirectUpgradeComponents) {
    this.log = components.logger.forComponent('tokenim:direct-upgrade')
  }

  start(): void {
    this.components.events.addEventListener('peer:identify', this.onIdentify)
  }

  stop(): void {
    this.components.events.removeEventListener('peer:identify', this.onIdentify)
  }

  private readonly onIdentify = (event: CustomEvent<IdentifyResult>): void => {
    const { peerId, connection, listenAddrs } = event.detail
    if (connection.limits == null) return
    const subnets = localSubnets()
    const neighbours = listenAddrs.filter((address) => onLocalSubnet(address, subnets))
    const key = peerId.toString()
    if (neighbours.length === 0 || this.dialing.has(key)) return
    this.dialing.add(key)
    const targets = neighbours.map((address) => address.encapsulate(`/p2p/${key}`))
    this.log('%p is on our subnet: dialling %a directly', peerId, targets)
    this.components.connectionManager
      .openConnection(targets, { signal: AbortSignal.timeout(DIRECT_DIAL_TIMEOUT_MS) })
      .catch((err: Error) => this.log('no direct connection to %p: %s', peerId, err.message))
      .finally(() => this.dialing.delete(key))
  }
}

export function directUpgrade(): (components: DirectUpgradeComponents) => DirectUpgrade {
  return (components) => new DirectUpgrade(components)
}
