/**
 * The most a plain libp2p host can do towards a QUIC hole punch, for bench/lab-network.bench.ts:
 * QUIC, a relay's circuit (noise, yamux), identify and DCUtR, and each side's address as the relay observes
 * it confirmed by hand (autoNAT cannot confirm it behind these NATs, so without this DCUtR
 * has nothing to dial). It runs as a process inside a lab namespace, one JSON line on stdout:
 *
 *   quic-punch-peer.ts serve RELAY             reserve a circuit on RELAY (a QUIC multiaddr);
 *                                              prints {"peerId","observed"}, then waits
 *   quic-punch-peer.ts punch RELAY TARGET MS   connect to RELAY, dial TARGET (a circuit
 *                                              address); prints {"direct","ms","remoteAddr",
 *                                              "observed"} once a direct connection opens or
 *                                              MS have passed ({"error"} if the relay told it
 *                                              no address)
 *
 * DCUtR's own log (DEBUG=libp2p:dcutr*) goes to stderr.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { quic } from '@chainsafe/libp2p-quic'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { dcutr } from '@libp2p/dcutr'
import { identify } from '@libp2p/identify'
import type { IdentifyResult } from '@libp2p/interface'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'

interface ObservedAddressConfirmation {
  confirmObservedAddr(address: Multiaddr, options?: { type?: 'observed' }): void
}

const [mode, relay, target, windowMs] = process.argv.slice(2)
if (relay == null || (mode !== 'serve' && mode !== 'punch')) {
  throw new Error('usage: quic-punch-peer.ts serve RELAY | punch RELAY TARGET MS')
}
const lastPeerId = (address: string) => address.split('/p2p/').at(-1)
const relayPeer = lastPeerId(relay)

const host = await createLibp2p({
  start: false,
  addresses: {
    listen: ['/ip4/0.0.0.0/udp/0/quic-v1', ...(mode === 'serve' ? [`${relay}/p2p-circuit`] : [])],
  },
  transports: [quic(), circuitRelayTransport()],
  // For the relayed connection; QUIC brings its own encryption and streams.
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    dcutr: dcutr(),
    addresses: (components: { addressManager: ObservedAddressConfirmation }) =>
      components.addressManager,
  },
  // The lab's homes are private networks.
  connectionGater: { denyDialMultiaddr: () => false },
})

/** Confirms the address the relay observed for us: resolves with it. */
const observed = new Promise<Multiaddr>((resolve) => {
  host.addEventListener('peer:identify', (event: CustomEvent<IdentifyResult>) => {
    const { peerId, observedAddr } = event.detail
    if (peerId.toString() !== relayPeer || observedAddr == null) return
    host.services.addresses.confirmObservedAddr(observedAddr, { type: 'observed' })
    resolve(observedAddr)
  })
})
await host.start()
/** How long the relay's identify may take to tell us our address. */
const OBSERVED_WITHIN_MS = 15_000
const delay = (ms: number) => new Promise<null>((resolve) => setTimeout(() => resolve(null), ms))
const print = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`)

if (mode === 'serve') {
  const seen = await observed
  while (!host.getMultiaddrs().some((ma) => ma.toString().includes('/p2p-circuit'))) {
    await new Promise((resolve) =>
      host.addEventListener('self:peer:update', resolve, { once: true }),
    )
  }
  print({ peerId: host.peerId.toString(), observed: seen.toString() })
} else {
  await host.dial(multiaddr(relay))
  const seen = await Promise.race([observed, delay(OBSERVED_WITHIN_MS)])
  if (seen == null) {
    print({ direct: false, ms: 0, remoteAddr: null, observed: null, error: 'no observed address' })
    process.exit(0)
  }
  const targetPeer = lastPeerId(target)
  const started = performance.now()
  const direct = new Promise<string>((resolve) => {
    host.addEventListener('connection:open', (event) => {
      const connection = event.detail
      if (connection.remotePeer.toString() === targetPeer && connection.limits == null) {
        resolve(connection.remoteAddr.toString())
      }
    })
  })
  await host.dial(multiaddr(target))
  const remoteAddr = await Promise.race([direct, delay(Number(windowMs))])
  print({
    direct: remoteAddr != null,
    ms: performance.now() - started,
    remoteAddr,
    observed: seen.toString(),
  })
  await host.stop()
  process.exit(0)
}
