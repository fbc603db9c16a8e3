/**
 * One friend list on two devices of an account (node/friends/friend-sync.ts), on real LevelDB
 * with messaging stubbed: the laptop runs on the account key, the phone is linked. Syncs
 * between them are handed over as messaging would hand them; what goes to anyone else is
 * recorded. Each device tells the peer itself; the phone's messages carry the account's list.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { Friends } from '../../node/friends/index.ts'
import { generateIdentity, type Identity } from '../../node/identity/index.ts'
import { openStorage, type Storage } from '../../node/storage.ts'
import { fromHex, toHex } from '../../protocol/bytes.ts'
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
  /** Events told to API clients: [type, data]. */
  events: Array<[string, unknown]>
}

async function account(): Promise<{ laptop: Device; phone: Device }> {
  const laptopIdentity = generateIdentity()
  const phoneIdentity: Identity = { ...generateIdentity(), account: laptopIdentity }
  const devices: Device[] = []
  const make = async (identity: Identity, linkedRecord?: Uint8Array) => {
    const dir = await makeTempDir('tokenim-friend-sync-')
    const storage: Storage = await openStorage(dir.path)
    const device: Device = {
      key: identity.publicKey,
      friends: undefined as never,
      told: [],
      events: [],
    }
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
        devices: () => ({
          others: () => [other().key],
          linkedRecord: () => linkedRecord,
          accountOf: () => undefined,
          devicesOf: () => undefined,
          lookup: async () => undefined,
        }),
        log: testLogger,
        emit: (type, data) => device.events.push([type, data]),
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
  const laptop = await make(laptopIdentity)
  const phone = await make(phoneIdentity, ACCOUNT_LIST)
  return { laptop, phone }
}

/** Stands for the account's signed list the phone sends with its friend messages. */
const ACCOUNT_LIST = new Uint8Array([1, 2, 3])

/** A told message as [peer, type, request id, whether it carries the account's list]. */
const told = ([peer, m]: [string, FriendMessageValue]) => [
  peer,
  m.type,
  toHex(m.requestId),
  m.deviceList != null,
]

function request(note: string): { payload: Uint8Array; requestId: Uint8Array } {
  const requestId = randomBytes(16)
  const payload = encodeFriendMessage({ type: 'request', requestId, note, name: '' })
  return { payload, requestId }
}

describe('one friend list on two devices', () => {
  it('a request taken on the laptop shows on the phone; declined there, the phone declines it to the peer', async () => {
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
    expect(laptop.told).toEqual([])
    expect(phone.told.map(told)).toEqual([[toHex(carol), 'reject', toHex(requestId), true]])
  })

  it('a block on the phone removes the friend on the laptop; the phone tells it once', async () => {
    const { laptop, phone } = await account()
    const dave = generateIdentity().publicKey
    const { payload, requestId } = request('')
    await laptop.friends.receive(dave, payload)
    await laptop.friends.sendPending()
    await laptop.friends.accept(toHex(dave))
    await phone.friends.sendPending()
    expect(phone.friends.friendKeys().map(toHex)).toEqual([toHex(dave)])
    expect(laptop.told.map(told)).toEqual([[toHex(dave), 'accept', toHex(requestId), false]])
    laptop.told.splice(0)

    await phone.friends.block(toHex(dave))
    await laptop.friends.sendPending()
    expect(laptop.friends.friendKeys()).toEqual([])
    expect(laptop.friends.isBlocked(dave)).toBe(true)
    expect(laptop.told).toEqual([])
    expect(phone.told.map(told)).toEqual([[toHex(dave), 'remove', toHex(requestId), true]])
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
    expect(laptop.told).toEqual([])
    expect(phone.told).toHaveLength(1)
  })

  it('a request asked on the phone goes to the peer from the phone; the laptop holds it as ours', async () => {
    const { laptop, phone } = await account()
    const erin = generateIdentity().publicKey
    const asked = await phone.friends.add(toHex(erin), 'from the phone')
    await laptop.friends.sendPending()
    expect(laptop.told).toEqual([])
    const requestId = asked.status === 'requested' ? asked.request.requestId : ''
    expect(laptop.friends.requests().outgoing.map((r) => r.requestId)).toEqual([requestId])
    expect(phone.told.map(told)).toEqual([[toHex(erin), 'request', requestId, true]])
    expect(phone.told[0]![1].note).toBe('from the phone')
  })

  it("the peer's removal and decline, taken on the laptop, are told on the phone as the peer's", async () => {
    const { laptop, phone } = await account()
    const dave = generateIdentity().publicKey
    const { payload, requestId } = request('')
    await laptop.friends.receive(dave, payload)
    await laptop.friends.accept(toHex(dave))
    await laptop.friends.sendPending()
    expect(phone.friends.friendKeys().map(toHex)).toEqual([toHex(dave)])
    const removal = { type: 'remove' as const, requestId, note: '', name: '' }
    await laptop.friends.receive(dave, encodeFriendMessage(removal))
    await laptop.friends.sendPending()
    expect(phone.friends.friendKeys()).toEqual([])
    const ended = (device: Device) =>
      device.events
        .filter(([type]) => type === 'friend:removed' || type === 'friend:rejected')
        .map(([type, data]) => [type, (data as { by?: string }).by])
    expect(ended(phone)).toEqual([['friend:removed', 'peer']])

    // Our request, asked on the phone, declined by the peer: the laptop takes the decline.
    const erin = generateIdentity().publicKey
    const asked = await phone.friends.add(toHex(erin), '')
    await laptop.friends.sendPending()
    const erinsRequest = asked.status === 'requested' ? asked.request.requestId : ''
    const decline = {
      type: 'reject' as const,
      requestId: fromHex(erinsRequest),
      note: '',
      name: '',
    }
    await laptop.friends.receive(erin, encodeFriendMessage(decline))
    await laptop.friends.sendPending()
    expect(phone.friends.requests().outgoing).toEqual([])
    expect(ended(phone)).toEqual([
      ['friend:removed', 'peer'],
      ['friend:rejected', undefined],
    ])
    expect(ended(laptop)).toEqual(ended(phone))
  })

  it('entries that come out of order do not bring back a friendship the phone ended', async () => {
    const { laptop, phone } = await account()
    const gina = generateIdentity().publicKey
    const requestId = randomBytes(16)
    const entry = (state: 'outgoing' | 'friend' | 'blocked') => ({
      state,
      requestId: state === 'blocked' ? new Uint8Array(0) : requestId,
      note: '',
      name: '',
      claim: '',
      atMs: Date.now(),
    })
    // The phone asked gina, she accepted, the phone blocked her; the laptop gets the syncs
    // as the mailbox and the direct retry bring them: the block before the friendship.
    await laptop.friends.takeSynced(phone.key, gina, entry('outgoing'))
    await laptop.friends.takeSynced(phone.key, gina, entry('blocked'))
    await laptop.friends.takeSynced(phone.key, gina, entry('friend'))
    expect(laptop.friends.friendKeys()).toEqual([])
    expect(laptop.friends.isBlocked(gina)).toBe(true)
  })

  it('a copy of a request that reaches the laptop after the phone accepted and ended it is not taken again, nor synced back', async () => {
    const { laptop, phone } = await account()
    const frank = generateIdentity().publicKey
    const { payload } = request('twice')
    await phone.friends.receive(frank, payload)
    await phone.friends.accept(toHex(frank))
    await phone.friends.remove(toHex(frank))
    await phone.friends.sendPending()
    expect(laptop.friends.friendKeys()).toEqual([])

    // The copy that waited in the laptop's mailbox slot.
    await laptop.friends.receive(frank, payload)
    await laptop.friends.sendPending()
    expect(laptop.friends.requests().incoming).toEqual([])
    expect(phone.friends.requests().incoming).toEqual([])
    // And one the laptop took before it heard of the answer is not brought back to the phone.
    const { payload: second } = request('again')
    await phone.friends.receive(frank, second)
    await phone.friends.reject(toHex(frank))
    const requestId = toHex(decodeFriendMessage(second).requestId)
    await phone.friends.takeSynced(laptop.key, frank, {
      state: 'incoming',
      requestId: decodeFriendMessage(second).requestId,
      note: 'again',
      name: '',
      claim: '',
      atMs: Date.now(),
    })
    expect(phone.friends.requests().incoming.map((r) => r.requestId)).not.toContain(requestId)
    expect(laptop.friends.requests().incoming).toEqual([])
  })
})
