/**
 * Which account a request or answer speaks for, and which devices one to an account goes to
 * (node/friends/account-reach.ts), with real signed device lists and node/devices stubbed.
 */
import { describe, expect, it } from 'vitest'
import { AccountReach, type FriendDevices } from '../../node/friends/account-reach.ts'
import { type OpenedDeviceList, openDeviceList } from '../../protocol/accounts/index.ts'
import { bytesEqual, toHex } from '../../protocol/bytes.ts'
import { type Ed25519KeyPair, generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import type { FriendMessageValue } from '../../protocol/social.ts'
import { deviceList } from '../helpers/room-fixtures.ts'
import { testLogger } from '../helpers/test-logger.ts'

const alice = generateEd25519KeyPair()
const phone = generateEd25519KeyPair()
const tablet = generateEd25519KeyPair()
const aliceList = deviceList(alice, 2, [phone])

function request(carried?: Uint8Array): FriendMessageValue {
  return {
    type: 'request',
    requestId: new Uint8Array(16).fill(1),
    note: 'hi',
    name: '',
    ...(carried == null ? {} : { deviceList: carried }),
  }
}

/**
 * A reach whose node/devices holds `held` (friends' lists) and finds `published` in the DHT
 * (or asks `dht`, which the lookup's timeout cuts short).
 */
function reach(
  held: OpenedDeviceList[] = [],
  published: OpenedDeviceList[] = [],
  dht?: () => Promise<OpenedDeviceList | undefined>,
): { reach: AccountReach; judged: Uint8Array[]; lookups: string[] } {
  const judged: Uint8Array[] = []
  const lookups: string[] = []
  const listOf = (account: Uint8Array) => held.find((list) => bytesEqual(list.account, account))
  const devices: FriendDevices = {
    others: () => [],
    linkedRecord: () => undefined,
    accountOf: (device) =>
      held.find(
        (list) =>
          !bytesEqual(list.account, device) &&
          list.devices.some((listed) => bytesEqual(listed.device, device)),
      )?.account,
    devicesOf: (account) => listOf(account)?.devices.map((device) => device.device),
    lookup: async (account, { signal }) => {
      lookups.push(toHex(account))
      if (dht == null) return published.find((list) => bytesEqual(list.account, account))
      signal?.throwIfAborted()
      return Promise.race([
        dht(),
        new Promise<never>((_, reject) =>
          signal?.addEventListener('abort', () => reject(signal.reason)),
        ),
      ])
    },
  }
  return {
    reach: new AccountReach({
      devices: () => devices,
      deviceLists: () => ({
        receive: async (_peer, record) => {
          judged.push(record)
        },
      }),
      log: testLogger,
      lookupTimeoutMs: 200,
    }),
    judged,
    lookups,
  }
}

const hex = (key: Ed25519KeyPair) => toHex(key.publicKey)

describe('account reach', () => {
  it('takes a stranger’s linked device as its account when the list it carries names it, and answers every device', async () => {
    const { reach: bob } = reach()
    expect(await bob.senderAccount(phone.publicKey, request(aliceList))).toBe(hex(alice))
    expect(bob.targets(hex(alice))).toEqual([hex(alice), hex(phone)])
  })

  it('refuses a stranger’s device its account’s newer list in the DHT no longer names (revoked), and looks each account up once', async () => {
    const { reach: bob, lookups } = reach([], [openDeviceList(deviceList(alice, 3, [tablet]))])
    expect(await bob.senderAccount(phone.publicKey, request(aliceList))).toBeUndefined()
    expect(await bob.senderAccount(tablet.publicKey, request(aliceList))).toBeUndefined()
    expect(await bob.senderAccount(tablet.publicKey, request(deviceList(alice, 3, [tablet])))).toBe(
      hex(alice),
    )
    expect(lookups).toEqual([hex(alice)])
    expect(bob.targets(hex(alice))).toEqual([hex(alice), hex(tablet)])
  })

  it('takes the carried list as it is when the DHT does not answer', async () => {
    const { reach: bob, lookups } = reach([], [], () => new Promise(() => {}))
    expect(await bob.senderAccount(phone.publicKey, request(aliceList))).toBe(hex(alice))
    expect(lookups).toEqual([hex(alice)])
  })

  it('drops a message whose carried list does not name the sender, or does not open', async () => {
    const { reach: bob } = reach()
    expect(await bob.senderAccount(tablet.publicKey, request(aliceList))).toBeUndefined()
    const broken = aliceList.slice(0, -1)
    expect(await bob.senderAccount(phone.publicKey, request(broken))).toBeUndefined()
    expect(bob.targets(hex(alice))).toEqual([hex(alice)])
  })

  it('a message without a list is from the key that sent it; a friend’s device is known by the list held', async () => {
    const { reach: bob } = reach([openDeviceList(aliceList)])
    expect(await bob.senderAccount(tablet.publicKey, request())).toBe(hex(tablet))
    expect(await bob.senderAccount(phone.publicKey, request())).toBe(hex(alice))
  })

  it('a friend’s device its held list does not name yet is the friend’s only once node/devices takes the newer list', async () => {
    const held = [openDeviceList(deviceList(alice, 1, []))]
    const { reach: bob, judged } = reach(held)
    const newer = deviceList(alice, 3, [tablet])
    // node/devices (stubbed) judged it but kept the held list: the tablet is not alice's here.
    expect(await bob.senderAccount(tablet.publicKey, request(newer))).toBeUndefined()
    expect(judged).toEqual([newer])
    held[0] = openDeviceList(newer)
    expect(await bob.senderAccount(tablet.publicKey, request(newer))).toBe(hex(alice))
  })

  it('looks a stranger’s list up in the DHT once before telling it, and tells every device it names', async () => {
    const { reach: bob, lookups } = reach([], [openDeviceList(aliceList)])
    await bob.prefetch(hex(alice))
    await bob.prefetch(hex(alice))
    expect(lookups).toEqual([hex(alice)])
    expect(bob.targets(hex(alice))).toEqual([hex(alice), hex(phone)])
    const { reach: carol, lookups: none } = reach([openDeviceList(aliceList)])
    await carol.prefetch(hex(alice))
    expect(none).toEqual([])
  })
})
