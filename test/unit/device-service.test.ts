/**
 * DeviceService with stub friends, messaging and DHT over a real LevelDB: sending our list
 * never holds what an incoming list waits for. Messaging queues a send in the friend's lane,
 * which may be busy delivering that friend's list to `receive` first; if sending held the
 * service's exclusive section, the two would wait for each other forever.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { DeviceService } from '../../node/devices/index.ts'
import { firstDeviceList } from '../../node/devices/own-device-list.ts'
import { generateIdentity } from '../../node/index.ts'
import { openStorage, type Storage } from '../../node/storage.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { testLogger } from '../helpers/test-logger.ts'
import { withTimeout } from '../helpers/wait.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('DeviceService', () => {
  it('takes a friend list that arrives while our own is being sent to that friend', async () => {
    const dir = await makeTempDir('tokenim-device-service-')
    const alice = generateIdentity()
    const storage: Storage = await openStorage(dir.path, { identity: alice })
    cleanups.push(async () => {
      await storage.close()
      await dir.remove()
    })
    const bob = generateIdentity()
    const bobList = firstDeviceList(bob, 'bob laptop', 1)
    const friends = Object.assign(new EventTarget(), {
      friendKeys: () => [bob.publicKey],
      isFriend: () => true,
    })
    let service: DeviceService
    const sent: Uint8Array[] = []
    const messaging = {
      // The lane delivers bob's list, queued before our send, then takes the send.
      async sendSocial(_peer: Uint8Array, payload: Uint8Array) {
        await service.receive(bob.publicKey, bobList)
        sent.push(payload)
        return { id: 'x' }
      },
    }
    // A DHT with no peers: puts and gets answer nothing.
    const dht = {
      async *put() {},
      async *get() {},
    }
    service = new DeviceService(
      {
        host: { services: { dht }, logger: { forComponent: () => testLogger } } as never,
        identity: alice,
        store: storage.sublevel('devices'),
        friends,
        messaging: () => messaging,
      },
      { deviceName: 'alice laptop', republishIntervalMs: 0 },
    )
    await service.start()
    cleanups.unshift(() => service.stop())

    await withTimeout(service.sendPending(), 5_000, 'sending our list while bob sends his')
    expect(sent).toHaveLength(1)
    expect(service.friendList(bob.publicKey)?.devices.map((d) => d.name)).toEqual(['bob laptop'])
  })
})
