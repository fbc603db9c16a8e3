/**
 * The baseline of bench/lab-network.bench.ts: the plainest libp2p host that can cross the lab
 * (TCP, noise, yamux, identify, a relay's circuit; QUIC beside TCP), with none of TokenIM on top. It runs as
 * a process inside a lab namespace and answers on stdout, one JSON line per command:
 *
 *   raw-peer.ts serve [RELAY_MULTIADDR]   listen (and reserve a circuit on the relay); prints
 *                                         {"peerId","addresses"} once reachable, then serves
 *                                         an echo and a sink protocol until killed
 *   raw-peer.ts echo TARGET COUNT BYTES   COUNT round trips of BYTES on one stream, one at a
 *                                         time; prints {"connectMs","latenciesMs"}
 *   raw-peer.ts push TARGET BYTES         BYTES in 64 KiB frames, until the sink acknowledges
 *                                         them all; prints {"ms"}
 *   raw-peer.ts gossip-serve RELAY TOPIC  like serve (a circuit on RELAY), subscribed to TOPIC
 *                                         with gossipsub; then one line per message received:
 *                                         {"at","text"} (`at`: epoch ms, sub-millisecond)
 *   raw-peer.ts gossip-send TOPIC COUNT INTERVAL_MS TARGET…  dials each TARGET, waits until
 *                                         each is subscribed to TOPIC, publishes COUNT texts
 *                                         "<i> <epoch ms>" INTERVAL_MS apart; prints {"sent"}
 *
 * RAW_QUIC_WINDOW=default gives QUIC the package's own flow-control windows instead of
 * TokenIM's QUIC_LIMITS (protocol/limits.ts): the window a receiver grants is the server's.
 *
 * Both protocols run on limited (relayed) connections, as TokenIM's do.
 */
import { randomBytes } from 'node:crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { quic } from '@chainsafe/libp2p-quic'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { QUIC_LIMITS } from '../../protocol/limits.ts'

const ECHO = '/tokenim-bench/raw-echo/1.0.0'
const SINK = '/tokenim-bench/raw-sink/1.0.0'
const FRAME = 64 * 1024
const MAX_FRAME = 2 * FRAME
const STREAM_OPTIONS = { runOnLimitedConnection: true }

const [mode, ...args] = process.argv.slice(2)
const serving = mode === 'serve' || mode === 'gossip-serve'
const relay = serving ? args[0] : undefined
const gossiping = mode === 'gossip-serve' || mode === 'gossip-send'
const host = await createLibp2p({
  addresses: {
    listen: serving
      ? [
          '/ip4/0.0.0.0/tcp/0',
          '/ip4/0.0.0.0/udp/0/quic-v1',
          ...(relay ? [`${relay}/p2p-circuit`] : []),
        ]
      : [],
  },
  transports: [
    tcp(),
    quic(process.env.RAW_QUIC_WINDOW === 'default' ? {} : QUIC_LIMITS),
    circuitRelayTransport(),
  ],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    // As TokenIM's host runs it for rooms: on relayed connections, publishing to whoever listens.
    ...(gossiping
      ? {
          pubsub: gossipsub({ runOnLimitedConnection: true, allowPublishToZeroTopicPeers: true }),
        }
      : {}),
  },
  // The lab's homes are private networks: the LAN baseline dials 192.168.x.
  connectionGater: { denyDialMultiaddr: () => false },
})

const print = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`)

if (serving) {
  await host.handle(
    ECHO,
    async (stream) => {
      const lp = lpStream(stream, { maxDataLength: MAX_FRAME })
      try {
        for (;;) await lp.write(await lp.read())
      } catch {
        // The dialer closed the stream.
      }
    },
    STREAM_OPTIONS,
  )
  await host.handle(
    SINK,
    async (stream) => {
      const lp = lpStream(stream, { maxDataLength: MAX_FRAME })
      const header = (await lp.read()).subarray()
      const total = new DataView(header.buffer, header.byteOffset, 8).getFloat64(0)
      let received = 0
      while (received < total) received += (await lp.read()).byteLength
      await lp.write(new Uint8Array([1]))
      await stream.close()
    },
    STREAM_OPTIONS,
  )
  // Reachable once the circuit's address is ours (when a relay is named).
  while (
    relay != null &&
    !host.getMultiaddrs().some((ma) => ma.toString().includes('/p2p-circuit'))
  ) {
    await new Promise((resolve) =>
      host.addEventListener('self:peer:update', resolve, { once: true }),
    )
  }
  print({ peerId: host.peerId.toString(), addresses: host.getMultiaddrs().map(String) })
  if (mode === 'gossip-serve') {
    const pubsub = gossip()
    pubsub.subscribe(args[1])
    pubsub.addEventListener('message', (event) => {
      print({ at: now(), text: new TextDecoder().decode(event.detail.data) })
    })
  }
} else if (mode === 'gossip-send') {
  const [topic, count, intervalMs, ...targets] = [
    args[0],
    Number(args[1]),
    Number(args[2]),
    ...args.slice(3),
  ]
  const pubsub = gossip()
  pubsub.subscribe(topic)
  const peers = await Promise.all(targets.map((target) => host.dial(multiaddr(target))))
  while (
    !peers.every((connection) =>
      pubsub.getSubscribers(topic).some((peer) => peer.equals(connection.remotePeer)),
    )
  ) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  for (let i = 0; i < count; i++) {
    await pubsub.publish(topic, new TextEncoder().encode(`${i} ${now()}`))
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  print({ sent: count })
  await host.stop()
} else if (mode === 'echo') {
  const [target, count, bytes] = [args[0], Number(args[1]), Number(args[2])]
  const start = performance.now()
  const stream = await host.dialProtocol(multiaddr(target), ECHO, STREAM_OPTIONS)
  const connectMs = performance.now() - start
  const lp = lpStream(stream, { maxDataLength: MAX_FRAME })
  const payload = randomBytes(bytes)
  const latenciesMs: number[] = []
  for (let i = 0; i < count; i++) {
    const sent = performance.now()
    await lp.write(payload)
    await lp.read()
    latenciesMs.push(performance.now() - sent)
  }
  await stream.close()
  print({ connectMs, latenciesMs })
  await host.stop()
} else if (mode === 'push') {
  const [target, bytes] = [args[0], Number(args[1])]
  const stream = await host.dialProtocol(multiaddr(target), SINK, STREAM_OPTIONS)
  const lp = lpStream(stream, { maxDataLength: MAX_FRAME })
  const header = new Uint8Array(8)
  new DataView(header.buffer).setFloat64(0, bytes)
  const payload = randomBytes(FRAME)
  const start = performance.now()
  await lp.write(header)
  for (let sent = 0; sent < bytes; sent += FRAME) {
    await lp.write(payload.subarray(0, Math.min(FRAME, bytes - sent)))
  }
  await lp.read()
  print({ ms: performance.now() - start })
  await host.stop()
} else {
  throw new Error(
    'usage: raw-peer.ts serve [RELAY] | echo TARGET COUNT BYTES | push TARGET BYTES | gossip-serve RELAY TOPIC | gossip-send TOPIC COUNT INTERVAL_MS TARGET…',
  )
}

/** Epoch milliseconds with the sub-millisecond part: comparable across the lab's processes. */
function now(): number {
  return performance.timeOrigin + performance.now()
}

function gossip() {
  const pubsub = (host.services as { pubsub?: ReturnType<ReturnType<typeof gossipsub>> }).pubsub
  if (pubsub == null) throw new Error('gossipsub runs only in the gossip modes')
  return pubsub
}
