/**
 * One friend list on two devices of an account (node/friends/friend-sync.ts), on real LevelDB
 * with messaging stubbed: the laptop runs on the account key, the phone is linked. Syncs
 * between them are handed over as messaging would hand them; what goes to anyone else is
 * recorded.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { Friends } from '../../node/friends/index.ts'
import { generateIdentity, type Identity } from '../../node/identity/index.ts'
import { openStorage, type Storage } from '../../node/storage.ts'
import { toHex } from '../../protocol/bytes.ts'
import { randomBytes } from '../../protocol/crypto/index.ts'
import { decodeDeviceSync } from '../../protocol/device-sync.ts'
import {
  decodeFriendMessage,
  encodeFriendMessage,
  type FriendMessageValue,
} from '../../protocol/social.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { testLogger } from '../helpers/test-logger.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface Device {
  key: Uint8Array
  friends: Friends
  /** Friend messages to anyone but our other device: [peer hex, message]. */
  told: Array<[string, FriendMessageValue]>
}

async function account(): Promise<{ laptop: Device; phone: Device }> {
  const laptopIdentity = generateIdentity()
  const phoneIdentity: Identity = { ...generateIdentity(), account: laptopIdentity }
  const devices: Device[] = []
  const make = async (identity: Identity, speaksForAccount: boolean) => {
    const dir = await makeTempDir('tokenim-friend-sync-')
    const storage: Storage = await openStorage(dir.path)
    const device: Device = { key: identity.publicKey, friends: undefined as never, told: [] }
    const other = () => devices.find((d) => d !== device)!
    device.friends = new Friends(
      {
        db: storage.sublevel('friends'),
        identity,
        messaging: () => ({
          sendSocial: async (peer, payload) => {
            const message = decodeFriendMessage(payload)
            if (toHex(peer) !== toHex(other().key)) device.told.push([toHex(peer), message])
            else {
              const sync = decodeDeviceSync(message.deviceSync!)
              if (sync.kind !== 'friend') throw new Error(`unexpected ${sync.kind} sync`)
              await other().friends.takeSynced(device.key, sync.peer, sync.entry)
            }
            return { id: 'x' }
          },
        }),
        devices: () => ({ others: () => [other().key], speaksForAccount }),
        log: testLogger,
        emit: () => {},
      },
      { retryIntervalMs: 3_600_000 },
    )
    await device.friends.start()
    cleanups.push(async () => {
      await device.friends.stop()
      await storage.close()
      await dir.remove()
    })
    devices.push(device)
    return device
  }
  const laptop = await make(laptopIdentity, true)
  const phone = await make(phoneIdentity, false)
  return { laptop, phone }
}

function request(note: string): { payload: Uint8Array; requestId: Uint8Array } {
  const requestId = randomBytes(16)
  const payload = encodeFriendMessage({ type: 'request', requestId, note, name: '' })
  return { payload, requestId }
}

describe('one friend list on two devices', () => {
  it('a request taken on the laptop shows on the phone; declined there, the laptop declines it to the peer', async () => {
    const { laptop, phone } = await account()
    const carol = generateIdentity().publicKey
    const { payload, requestId } = request('hi, carol')
    await laptop.friends.receive(carol, payload)
    await laptop.friends.sendPending()
    const incoming = phone.friends.requests().incoming
    expect(incoming.map((r) => [r.publicKey, r.requestId, r.note])).toEqual([
      [toHex(carol), toHex(requestId), 'hi, carol'],
    ])

    await phone.friends.reject(toHex(carol))
    await laptop.friends.sendPending()
    expect(laptop.friends.requests().incoming).toEqual([])
    expect(phone.told).toEqual([])
    expect(laptop.told.map(([peer, m]) => [peer, m.type, toHex(m.requestId)])).toEqual([
      [toHex(carol), 'reject', toHex(requestId)],
    ])
  })

  it('a block on the phone removes the friend on the laptop, which tells it once', async () => {
    const { laptop, phone } = await account()
    const dave = generateIdentity().publicKey
    const { payload, requestId } = request('')
    await laptop.friends.receive(dave, payload)
    await laptop.friends.sendPending()
    await laptop.friends.accept(toHex(dave))
    await phone.friends.sendPending()
    expect(phone.friends.friendKeys().map(toHex)).toEqual([toHex(dave)])
    laptop.told.splice(0)

    await phone.friends.block(toHex(dave))
    await laptop.friends.sendPending()
    expect(laptop.friends.friendKeys()).toEqual([])
    expect(laptop.friends.isBlocked(dave)).toBe(true)
    expect(phone.told).toEqual([])
    expect(laptop.told.map(([peer, m]) => [peer, m.type, toHex(m.requestId)])).toEqual([
      [toHex(dave), 'remove', toHex(requestId)],
    ])
    // The same entry again (a copy after a crash) changes nothing and tells nobody.
    const blocked = { state: 'blocked' as const, requestId: new Uint8Array(0), note: '' }
    const since = laptop.friends.blocked()[0]!.since
    await laptop.friends.takeSynced(phone.key, dave, {
      ...blocked,
      name: '',
      claim: '',
      atMs: since,
    })
    await laptop.friends.sendPending()
    expect(laptop.told).toHaveLength(1)
  })

  it('a request asked on the phone goes to the peer from the laptop, with the same id and note', async () => {
    const { laptop, phone } = await account()
    const erin = generateIdentity().publicKey
    const asked = await phone.friends.add(toHex(erin), 'from the phone')
    await laptop.friends.sendPending()
    expect(phone.told).toEqual([])
    const requestId = asked.status === 'requested' ? asked.request.requestId : ''
    expect(laptop.friends.requests().outgoing.map((r) => r.requestId)).toEqual([requestId])
    expect(laptop.told.map(([peer, m]) => [peer, m.type, toHex(m.requestId), m.note])).toEqual([
      [toHex(erin), 'request', requestId, 'from the phone'],
    ])
  })
})
