/**
 * DeviceService with stub friends, messaging and DHT over a real LevelDB: sending our list
 * never holds what an incoming list waits for. Messaging queues a send in the friend's lane,
 * which may be busy delivering that friend's list to `receive` first; if sending held the
 * service's exclusive section, the two would wait for each other forever.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { DeviceService, type DeviceServiceComponents } from '../../node/devices/index.ts'
import { addDevice, firstDeviceList } from '../../node/devices/own-device-list.ts'
import { generateIdentity } from '../../node/index.ts'
import { openStorage, type Storage } from '../../node/storage.ts'
import { openDeviceList } from '../../protocol/accounts/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { testLogger } from '../helpers/test-logger.ts'
import { withTimeout } from '../helpers/wait.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function aliceStorage() {
  const dir = await makeTempDir('tokenim-device-service-')
  const alice = generateIdentity()
  const storage: Storage = await openStorage(dir.path, { identity: alice })
  cleanups.push(async () => {
    await storage.close()
    await dir.remove()
  })
  return { alice, storage }
}

/** Alice's service over `storage`, with stub friends and messaging and a DHT with no peers. */
function serviceOf(
  alice: ReturnType<typeof generateIdentity>,
  storage: Storage,
  friends: DeviceServiceComponents['friends'],
  messaging: { sendSocial(peer: Uint8Array, payload: Uint8Array): Promise<{ id: string }> },
): DeviceService {
  const dht = { async *put() {}, async *get() {} }
  return new DeviceService(
    {
      host: { services: { dht }, logger: { forComponent: () => testLogger } } as never,
      identity: alice,
      store: storage.sublevel('devices'),
      friends,
      messaging: () => messaging,
    },
    { deviceName: 'alice laptop', republishIntervalMs: 0 },
  )
}

describe('DeviceService', () => {
  it('takes a friend list that arrives while our own is being sent to that friend', async () => {
    const { alice, storage } = await aliceStorage()
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
    service = serviceOf(alice, storage, friends, messaging)
    await service.start()
    cleanups.unshift(() => service.stop())

    await withTimeout(service.sendPending(), 5_000, 'sending our list while bob sends his')
    expect(sent).toHaveLength(1)
    expect(service.friendList(bob.publicKey)?.devices.map((d) => d.name)).toEqual(['bob laptop'])
  })

  it("sends our list to every device of a friend's account, and again after the friend left and came back", async () => {
    const { alice, storage } = await aliceStorage()
    const bob = generateIdentity()
    const bobPhone = generateIdentity()
    const bobList = addDevice(
      bob,
      openDeviceList(firstDeviceList(bob, 'bob laptop', 1)),
      bobPhone.publicKey,
      'bob phone',
      2,
    ).list
    const friends = Object.assign(new EventTarget(), {
      friendKeys: () => [bob.publicKey],
      isFriend: () => true,
    })
    const sentTo: string[] = []
    const messaging = {
      async sendSocial(peer: Uint8Array) {
        sentTo.push(toHex(peer))
        return { id: 'x' }
      },
    }
    const service = serviceOf(alice, storage, friends, messaging)
    await service.start()
    cleanups.unshift(() => service.stop())
    const both = [toHex(bob.publicKey), toHex(bobPhone.publicKey)]

    await service.receive(bob.publicKey, bobList)
    await service.sendPending()
    expect(sentTo.sort()).toEqual([...both].sort())
    await service.sendPending()
    expect(sentTo).toHaveLength(2)

    // Bob leaves (what we sent his devices is forgotten), comes back and sends his list again.
    const changed = (friend: boolean) =>
      friends.dispatchEvent(
        new CustomEvent('friends:changed', { detail: { peer: bob.publicKey, friend } }),
      )
    changed(false)
    await service.stop()
    await service.start()
    sentTo.length = 0
    await service.receive(bob.publicKey, bobList)
    await service.sendPending()
    expect(sentTo.sort()).toEqual([...both].sort())
  })
})
