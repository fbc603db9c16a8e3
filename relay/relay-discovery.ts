/**
 * Relays of one network find each other through the nodes they share.
 *
 * A node behind NAT listens through every relay it knows, and tells each (identify) its
 * circuit addresses: `<relay address>/p2p/<relay>/p2p-circuit/p2p/<node>`. What comes before
 * `/p2p-circuit` is another relay of the same network. Two relays an operator forgot to list
 * under `peers` would otherwise hold two separate DHTs; once a relay has dialled such an
 * address and seen the peer speak the DHT and the circuit relay protocols, it keeps it
 * connected like a configured peer.
 *
 * Bounds: a node could name any address as a "relay", so each candidate is dialled once,
 * kept only if it proves to be a relay, and at most MAX_DISCOVERED_RELAYS are kept or tried.
 */
import type { IdentifyResult, Libp2p, Logger } from '@libp2p/interface'
import { CODE_P2P, CODE_P2P_CIRCUIT, type Multiaddr } from '@multiformats/multiaddr'
import { DHT_PROTOCOL } from '../protocol/ids.ts'

export const MAX_DISCOVERED_RELAYS = 32
const RELAY_HOP_PROTOCOL = '/libp2p/circuit/relay/0.2.0/hop'
const PROBE_TIMEOUT_MS = 10_000

export interface RelayDiscoveryInit {
  host: Pick<Libp2p, 'peerId' | 'dial' | 'peerStore' | 'addEventListener' | 'removeEventListener'>
  /** Keeps a relay connected from now on (RelayBootstrap.add); false when already kept. */
  keep(address: string): Promise<boolean>
  /** Relays kept already (configured under `peers`). */
  known: string[]
  /** Whether a candidate's address may be dialled (private ones only on test networks). */
  dialable(address: Multiaddr): boolean
  log: Logger
  /** Called with each relay found and kept. */
  onFound?(address: string): void
}

export class RelayDiscovery {
  private readonly seen = new Set<string>()
  /** Candidates dialled, waiting for identify to say which protocols they speak. */
  private readonly probing = new Map<string, (protocols: string[]) => void>()

  constructor(private readonly init: RelayDiscoveryInit) {
    for (const peer of init.known) this.seen.add(peer)
    this.seen.add(init.host.peerId.toString())
  }

  start(): void {
    this.init.host.addEventListener('peer:identify', this.onIdentify)
  }

  stop(): void {
    this.init.host.removeEventListener('peer:identify', this.onIdentify)
  }

  private readonly onIdentify = (event: CustomEvent<IdentifyResult>): void => {
    this.probing.get(event.detail.peerId.toString())?.(event.detail.protocols)
    for (const address of event.detail.listenAddrs) {
      const relay = relayOf(address)
      if (relay == null || this.seen.has(relay.peer) || !this.init.dialable(relay.address)) continue
      if (this.seen.size >= MAX_DISCOVERED_RELAYS + this.init.known.length + 1) return
      this.seen.add(relay.peer)
      void this.probe(relay.address, relay.peer)
    }
  }

  private async probe(address: Multiaddr, peer: string): Promise<void> {
    const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS)
    // libp2p identifies every new connection; the answer says what the candidate speaks.
    const identified = new Promise<string[]>((resolve, reject) => {
      this.probing.set(peer, resolve)
      signal.addEventListener('abort', () => reject(new Error('it did not identify in time')))
    })
    identified.catch(() => undefined)
    try {
      const connection = await this.init.host.dial(address, { signal })
      // Two relays that learn of each other at once dial each other: the dial may return the
      // other's connection, identified before this probe listened. Its answer is then stored.
      const known = await this.init.host.peerStore
        .get(connection.remotePeer)
        .then((stored) => stored.protocols)
        .catch((): string[] => [])
      const identifiedAlready = known.includes(DHT_PROTOCOL) && known.includes(RELAY_HOP_PROTOCOL)
      const protocols = identifiedAlready ? known : await identified
      if (!protocols.includes(DHT_PROTOCOL) || !protocols.includes(RELAY_HOP_PROTOCOL)) {
        this.init.log('%s named as a relay by a node is no relay of ours', peer)
        return
      }
      if (await this.init.keep(address.toString())) this.init.onFound?.(address.toString())
    } catch (err) {
      this.init.log(
        '%s named as a relay by a node cannot be reached: %s',
        peer,
        (err as Error).message,
      )
    } finally {
      this.probing.delete(peer)
    }
  }
}

/** The relay part of a circuit address (`…/p2p/<relay>/p2p-circuit/…`), if it is one. */
function relayOf(address: Multiaddr): { address: Multiaddr; peer: string } | undefined {
  const components = address.getComponents()
  const circuit = components.findIndex((component) => component.code === CODE_P2P_CIRCUIT)
  if (circuit < 1 || components[circuit - 1].code !== CODE_P2P) return undefined
  const peer = components[circuit - 1].value
  if (peer == null) return undefined
  return { address: address.decapsulate('/p2p-circuit'), peer }
}
