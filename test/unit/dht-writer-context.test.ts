import { multiaddr } from '@multiformats/multiaddr'
import { type Datastore, Key } from 'interface-datastore'
import { describe, expect, it } from 'vitest'
import {
  currentDhtWriter,
  DhtQuotaExceededError,
  DhtWriteQuotas,
  type DhtWriter,
} from '../../network/dht-quotas/index.ts'
import { testLogger } from '../helpers/test-logger.ts'

const PROTOCOL = '/test/kad/1.0.0'
const PEER = '12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK'

type Handler = (stream: unknown, connection: unknown) => Promise<void>

/** A stand-in datastore: get, has and put over a Map. */
function mapDatastore(): Datastore {
  const entries = new Map<string, Uint8Array>()
  const missing = () => Object.assign(new Error('not found'), { name: 'NotFoundError' })
  return {
    put: async (key: Key, value: Uint8Array) => {
      entries.set(key.toString(), value)
      return key
    },
    get: async (key: Key) => entries.get(key.toString()) ?? Promise.reject(missing()),
    has: async (key: Key) => entries.has(key.toString()),
  } as unknown as Datastore
}

/** The DHT service as the rest of the host sees it (host.services.dht). */
let asSeenByHost: ReturnType<typeof fakeDht> | undefined

/** A stand-in DHT service: its handler and its own `put` report who they write as. */
function fakeDht(components: { registrar: { handle(p: string, h: Handler): Promise<void> } }) {
  const seen: Array<{ where: string; writer?: DhtWriter }> = []
  const service = {
    seen,
    async start() {
      await components.registrar.handle(PROTOCOL, async () => {
        seen.push({ where: 'handler', writer: currentDhtWriter() })
        // What the handler sets off (a timer, a listener) runs later, still in its scope...
        await new Promise((resolve) => setImmediate(resolve))
        // ...and this host's own DHT calls made from there are not the writer's.
        for await (const _ of asSeenByHost!.put()) {
          // drain
        }
      })
    },
    async *put() {
      await Promise.resolve()
      seen.push({ where: 'own put', writer: currentDhtWriter() })
      yield 'event'
      seen.push({ where: 'own put, resumed', writer: currentDhtWriter() })
    },
  }
  return service
}

describe('DHT writer scope', () => {
  it('names the remote writer inside the handler and nobody inside the service’s own calls', async () => {
    let registered: Handler | undefined
    const registrar = {
      handle: async (_protocol: string, handler: Handler) => {
        registered = handler
      },
    }
    const quotas = new DhtWriteQuotas()
    const service = quotas.serving(
      PROTOCOL,
      fakeDht,
    )({ registrar, logger: { forComponent: () => testLogger } } as never)
    asSeenByHost = service
    await service.start()
    await registered!(
      {},
      { remotePeer: { toString: () => PEER }, remoteAddr: multiaddr('/ip4/192.0.2.9/tcp/4001') },
    )
    expect(service.seen).toEqual([
      { where: 'handler', writer: { peer: PEER, address: '192.0.2.9' } },
      { where: 'own put', writer: undefined },
      { where: 'own put, resumed', writer: undefined },
    ])
  })

  it('the guarded datastore charges writes in a writer scope and refuses past the quota', async () => {
    const { refusals, store, serveRequest } = await providerWriter({})
    await expect(serveRequest()).rejects.toBeInstanceOf(DhtQuotaExceededError)
    expect(refusals).toEqual(['peer_hourly_records'])
    expect(await store.has(providerKey('b'))).toBe(true)
    expect(await store.has(providerKey('c'))).toBe(false)
    // Refreshing the entries already held costs nothing: only the third is refused again.
    await serveRequest().catch(() => {})
    expect(refusals).toEqual(['peer_hourly_records', 'peer_hourly_records'])
    // Outside any writer scope (this host's own writes) nothing is charged or refused.
    await store.put(providerKey('d'), new Uint8Array(8))
    expect(await store.has(providerKey('d'))).toBe(true)
  })

  it('charges nothing to an exempt peer (a fellow relay)', async () => {
    const { refusals, store, serveRequest } = await providerWriter({ exemptPeers: [PEER] })
    await serveRequest()
    expect(refusals).toEqual([])
    expect(await store.has(providerKey('c'))).toBe(true)
  })
})

const providerKey = (cid: string) => new Key(`/dht/provider/${cid}/${PEER}`)

/**
 * A service, with quotas of 2 records an hour, whose handler stores provider entries a, b
 * and c of its writer; `serveRequest` runs that handler for a connection from PEER.
 */
async function providerWriter(init: { exemptPeers?: string[] }) {
  const refusals: string[] = []
  const quotas = new DhtWriteQuotas({
    limits: { recordsPerPeerPerHour: 2 },
    onRefused: (refused) => refusals.push(refused.reason),
    ...init,
  })
  const store = quotas.guard(mapDatastore())
  let registered: Handler | undefined
  const registrar = {
    handle: async (_protocol: string, handler: Handler) => {
      registered = handler
    },
  }
  const service = quotas.serving(PROTOCOL, (components: { registrar: typeof registrar }) => ({
    start: () =>
      components.registrar.handle(PROTOCOL, async () => {
        for (const cid of ['a', 'b', 'c']) await store.put(providerKey(cid), new Uint8Array(8))
      }),
  }))({ registrar, logger: { forComponent: () => testLogger } } as never)
  await service.start()
  const connection = {
    remotePeer: { toString: () => PEER },
    remoteAddr: multiaddr('/ip4/192.0.2.9/tcp/1'),
  }
  return { refusals, store, serveRequest: () => registered!({}, connection) }
}
