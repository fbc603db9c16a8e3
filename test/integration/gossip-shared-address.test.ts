/**
 * Many peers on one IP address still get our gossip: real hosts on loopback TCP, so every
 * peer of the publisher shows 127.0.0.1, as every peer reached through one relay's circuit
 * shows the relay's address. gossipsub's IP colocation penalty would score 14 such peers
 * below its publish threshold (-5 per surplus peer over 10, squared), and a publish would
 * reach none of them.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { createHost, type Host } from '../../network/host.ts'
import { generateIdentity, toLibp2pPrivateKey } from '../../node/identity/index.ts'
import { openStorage, type Storage } from '../../node/storage.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { waitForEvent } from '../helpers/wait.ts'
import { CROWDED_HOST_OPTIONS } from './room-network.ts'

const TOPIC = 'tokenim-test-shared-address'
const SUBSCRIBERS = 14

interface TestHost {
  host: Host
  storage: Storage
}

const started: TestHost[] = []
const dirs: Array<{ remove(): Promise<void> }> = []

async function startHost(): Promise<Host> {
  const dir = await makeTempDir('tokenim-gossip-')
  dirs.push(dir)
  const storage = await openStorage(`${dir.path}/db`)
  const host = await createHost({
    privateKey: toLibp2pPrivateKey(generateIdentity()),
    datastore: storage.datastore,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    dhtServer: false,
    allowPrivateAddresses: true,
    // Fifteen hosts dial each other from one address within a second.
    ...CROWDED_HOST_OPTIONS,
  })
  await host.start()
  started.push({ host, storage })
  return host
}

afterAll(async () => {
  for (const { host, storage } of started) {
    await host.stop()
    await storage.close()
  }
  for (const dir of dirs) await dir.remove()
})

/** Resolves once `host` knows `count` peers on TOPIC (checked on each heartbeat). */
function subscribersSeen(host: Host, count: number): Promise<unknown> {
  const pubsub = host.services.pubsub
  if (pubsub.getSubscribers(TOPIC).length >= count) return Promise.resolve()
  return waitForEvent(pubsub as unknown as EventTarget, 'gossipsub:heartbeat', {
    timeoutMs: 30_000,
    filter: () => pubsub.getSubscribers(TOPIC).length >= count,
  })
}

describe('gossip between peers that share an IP address', () => {
  it(`a publish reaches all of ${SUBSCRIBERS} peers on one address`, async () => {
    const publisher = await startHost()
    const subscribers = await Promise.all(
      Array.from({ length: SUBSCRIBERS }, async () => {
        const host = await startHost()
        host.services.pubsub.subscribe(TOPIC)
        await host.dial(publisher.getMultiaddrs())
        return host
      }),
    )
    publisher.services.pubsub.subscribe(TOPIC)
    await subscribersSeen(publisher, SUBSCRIBERS)

    const data = new TextEncoder().encode('to everyone on 127.0.0.1')
    const arrivals = subscribers.map((host) =>
      waitForEvent<{ msg: { topic: string } }>(
        host.services.pubsub as unknown as EventTarget,
        'gossipsub:message',
        { timeoutMs: 10_000, filter: (detail) => detail.msg.topic === TOPIC },
      ).then(
        () => true,
        () => false,
      ),
    )
    await publisher.services.pubsub.publish(TOPIC, data)
    const arrived = await Promise.all(arrivals)
    expect(arrived.filter(Boolean)).toHaveLength(SUBSCRIBERS)
  }, 90_000)
})
