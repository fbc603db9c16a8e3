/**
 * kad-dht holds every query until its first self-query has run, and that first one has no
 * deadline. A DHT server that takes requests and never answers (a slow link, a stalled
 * peer), with the adaptive request timeout grown to 60 s, keeps it running for a minute:
 * without boundFirstSelfQueryWait a query made meanwhile ends at its own timeout having
 * asked nobody; with it, the query goes ahead.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import { type KadDHT, kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { memory } from '@libp2p/memory'
import { ping } from '@libp2p/ping'
import { createLibp2p } from 'libp2p'
import { afterEach, expect, it } from 'vitest'
import { boundFirstSelfQueryWait } from '../../node/first-self-query.ts'
import { testLogger } from '../helpers/test-logger.ts'

const PROTOCOL = '/tokenim-test/kad/1.0.0'
const cleanups: Array<() => void | Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function host(
  name: string,
  services: Record<string, unknown>,
): Promise<Libp2p<{ dht?: KadDHT }>> {
  const node = await createLibp2p({
    addresses: { listen: [`/memory/${name}-${Math.random().toString(36).slice(2)}`] },
    transports: [memory()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionMonitor: { enabled: false },
    services: { identify: identify(), ping: ping(), ...services } as never,
  })
  cleanups.push(async () => {
    await node.stop()
  })
  return node as Libp2p<{ dht?: KadDHT }>
}

/** A DHT client whose requests wait up to 60 s for an answer, as after a run of failures. */
function slowLinkClient() {
  return host('client', {
    dht: kadDHT({
      protocol: PROTOCOL,
      clientMode: true,
      peerInfoMapper: passthroughMapper,
      networkDialTimeout: { minTimeout: 60_000 },
    }),
  })
}

/** Takes DHT requests and never answers; answers libp2p's pings, so it enters the table. */
async function stalledServer(): Promise<Libp2p> {
  const server = await host('stalled', {})
  await server.handle(PROTOCOL, () => {})
  return server
}

/** The query's events within `ms`: whether it asked the server anything. */
async function askedWithin(dht: KadDHT, ms: number): Promise<string[]> {
  const names: string[] = []
  try {
    for await (const event of dht.getClosestPeers(new TextEncoder().encode('some key'), {
      signal: AbortSignal.timeout(ms),
    })) {
      names.push(event.name)
    }
  } catch {
    // The query's timeout: what it did before is the answer.
  }
  return names
}

/** The client, dialled to `server` and holding it in its table; `watch` runs before the dial. */
async function clientInTableOf(server: Libp2p, watch: (dht: KadDHT) => void = () => {}) {
  const client = await slowLinkClient()
  const dht = client.services.dht!
  watch(dht)
  const table = (dht as unknown as { routingTable: EventTarget }).routingTable
  const added = new Promise((resolve) =>
    table.addEventListener('peer:add', resolve, { once: true }),
  )
  await client.dial(server.getMultiaddrs()[0]!)
  await added
  return dht
}

it('without the bound, a query made during the first self-query asks nobody', async () => {
  const dht = await clientInTableOf(await stalledServer())
  expect(await askedWithin(dht, 3_000)).not.toContain('SEND_QUERY')
}, 20_000)

it('with the bound, the query goes ahead while the first self-query still waits', async () => {
  const dht = await clientInTableOf(await stalledServer(), (dht) => {
    cleanups.push(boundFirstSelfQueryWait({ dht, log: testLogger, waitMs: 500 }))
  })
  expect(await askedWithin(dht, 3_000)).toContain('SEND_QUERY')
}, 20_000)
