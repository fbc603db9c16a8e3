/**
 * Vouches for the public addresses of this machine's own network interfaces.
 *
 * libp2p hands out a non-private listen address only once something confirms it (autoNAT, a
 * peer's observation): a relay listening on `0.0.0.0` on a public server would otherwise
 * give nodes nothing but its loopback address, which they rightly drop. An address bound to
 * one of the machine's own interfaces is reachable unless a firewall says otherwise, which
 * is the operator's own doing, so the relay confirms those at once (go-libp2p and kubo
 * announce interface addresses the same way). Addresses learnt from peers (a NAT's outside
 * address) stay libp2p's to verify.
 *
 * @example
 * ```ts
 * const host = await createHost(init, { interfaceAddresses: interfaceAddresses() })
 * ```
 */
import { networkInterfaces } from 'node:os'
import type {
  ComponentLogger,
  Libp2pEvents,
  Logger,
  Startable,
  TypedEventTarget,
} from '@libp2p/interface'
import { getNetConfig, isPrivate, isPrivateIp } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'

/** How long a confirmation holds; each new listener confirms again. */
const CONFIRMATION_TTL_MS = 365 * 24 * 60 * 60 * 1000

export interface InterfaceAddressesComponents {
  addressManager: {
    getAddressesWithMetadata(): Array<{ multiaddr: Multiaddr; verified: boolean; type: string }>
    confirmObservedAddr(addr: Multiaddr, options?: { type?: 'transport'; ttl?: number }): void
  }
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

export class InterfaceAddresses implements Startable {
  private readonly log: Logger

  constructor(private readonly components: InterfaceAddressesComponents) {
    this.log = components.logger.forComponent('tokenim:interface-addresses')
  }

  start(): void {
    this.components.events.addEventListener('transport:listening', this.confirm)
  }

  afterStart(): void {
    this.confirm()
  }

  stop(): void {
    this.components.events.removeEventListener('transport:listening', this.confirm)
  }

  /** The public transport addresses that sit on one of our interfaces, confirmed. */
  private readonly confirm = (): void => {
    const local = localInterfaceAddresses()
    for (const address of this.components.addressManager.getAddressesWithMetadata()) {
      if (address.type !== 'transport' || address.verified || isPrivate(address.multiaddr)) continue
      const { host } = getNetConfig(address.multiaddr)
      if (!local.has(host)) continue
      this.log('confirming the interface address %a', address.multiaddr)
      this.components.addressManager.confirmObservedAddr(address.multiaddr, {
        type: 'transport',
        ttl: CONFIRMATION_TTL_MS,
      })
    }
  }
}

export function localInterfaceAddresses(): Set<string> {
  const addresses = new Set<string>()
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) addresses.add(entry.address)
  }
  return addresses
}

export function interfaceAddresses(): (
  components: InterfaceAddressesComponents,
) => InterfaceAddresses {
  return (components) => new InterfaceAddresses(components)
}

/** The machine's interface addresses that libp2p counts as public (reachable from the internet). */
export function publicInterfaceAddresses(): string[] {
  return [...localInterfaceAddresses()].filter((address) => isPrivateIp(address) === false)
}
