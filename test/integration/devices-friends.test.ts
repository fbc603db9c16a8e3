/**
 * A linked device's friends (real nodes behind a loopback relay, real LevelDB): alice on a
 * laptop and a linked phone hold one friend list. A request to the account shows on both and
 * is answered from either; a removal on one device is one on the other; the phone sees its
 * friends' presence and sends the account's device list and profile to them itself.
 */
import { describe, expect, it } from 'vitest'
import { FRIENDS_API_PATHS, PROFILE_API_PATHS } from '../../protocol/local-api.ts'
import {
  converse,
  type FriendNode,
  friendIds,
  relayForFriendNodes,
  startFriendNode,
} from './friends-nodes.ts'
import { aliceWithPhoneAndBob, linkDevice } from './linked-account.ts'

const relay = relayForFriendNodes()
const WAIT = { timeoutMs: 30_000 }

describe('a linked device’s friends', () => {
  it('a request to the account shows on laptop and phone; accepted on the phone, both are carol’s friend; removed on the phone, gone everywhere', async () => {
    const alice = await startFriendNode(relay())
    const phone = await linkDevice(relay(), alice, [])
    const carol = await startFriendNode(relay())

    await carol.api.request('POST', FRIENDS_API_PATHS.add, { to: alice.peerId, note: 'hi, carol' })
    const [onLaptop, onPhone] = await Promise.all([
      alice.event('friend:request', (request) => request.peerId === carol.peerId, WAIT),
      phone.event('friend:request', (request) => request.peerId === carol.peerId, WAIT),
    ])
    expect(onPhone.data.note).toBe('hi, carol')
    expect(onPhone.data.requestId).toBe(onLaptop.data.requestId)
    expect(phone.node.friends.requests().incoming.map((r) => r.peerId)).toEqual([carol.peerId])

    // Accepted on the phone: the phone tells carol, as the account; the laptop follows.
    await phone.api.request('POST', FRIENDS_API_PATHS.accept, { peer: carol.peerId })
    await carol.event('friend:accepted', (friend) => friend.peerId === alice.peerId, WAIT)
    await alice.event('friend:accepted', (friend) => friend.peerId === carol.peerId, WAIT)
    expect(friendIds(alice)).toEqual([carol.peerId])
    expect(friendIds(phone)).toEqual([carol.peerId])
    expect(friendIds(carol)).toEqual([alice.peerId])
    expect(alice.node.friends.requests().incoming).toEqual([])
    expect(phone.node.friends.requests().incoming).toEqual([])

    // Carol learns the account's devices and writes to both; the laptop writes to her.
    await carol.event(
      'friend:devices',
      (data) => data.peerId === alice.peerId && data.devices.count === 2,
      WAIT,
    )
    await converse(alice, carol, 'hello carol, from the laptop')
    const since = Date.now()
    await carol.node.messages.send(alice.peerId, 'hello alice')
    const shown = (node: FriendNode) =>
      node.event('message:received', (m) => m.peerId === carol.peerId && m.text === 'hello alice', {
        ...WAIT,
        since,
      })
    await Promise.all([shown(alice), shown(phone)])

    // Removed on the phone, which tells carol: the laptop drops her.
    await phone.api.request('POST', FRIENDS_API_PATHS.remove, { peer: carol.peerId })
    await alice.event('friend:removed', (removed) => removed.peerId === carol.peerId, WAIT)
    await carol.event(
      'friend:removed',
      (removed) => removed.peerId === alice.peerId && removed.by === 'peer',
      WAIT,
    )
    expect(friendIds(alice)).toEqual([])
    expect(friendIds(phone)).toEqual([])
    expect(friendIds(carol)).toEqual([])
  }, 180_000)

  it('the phone sees bob’s presence; bob removed on the laptop is removed on the phone, also after its restart', async () => {
    const { alice, phone, bob } = await aliceWithPhoneAndBob(relay)
    expect(friendIds(phone)).toEqual([bob.peerId])
    await phone.event('presence:changed', (p) => p.peerId === bob.peerId && p.online, WAIT)
    expect(phone.node.presence.of(bob.identity.publicKey).online).toBe(true)

    await alice.api.request('POST', FRIENDS_API_PATHS.remove, { peer: bob.peerId })
    await phone.event('friend:removed', (removed) => removed.peerId === bob.peerId, WAIT)
    await bob.event('friend:removed', (removed) => removed.peerId === alice.peerId, WAIT)
    expect(friendIds(phone)).toEqual([])
    expect(friendIds(bob)).toEqual([])
    // The friends its link handed over were taken once: a restart does not bring bob back.
    const restarted = await phone.restart()
    expect(friendIds(restarted)).toEqual([])
  }, 180_000)

  it('a request that comes while the phone is off waits for it in the mailbox; answered on the laptop, the phone follows', async () => {
    const alice = await startFriendNode(relay())
    const phone = await linkDevice(relay(), alice, [])
    const carol = await startFriendNode(relay())
    await phone.stop()

    await carol.api.request('POST', FRIENDS_API_PATHS.add, { to: alice.peerId, note: 'while away' })
    await alice.event('friend:request', (request) => request.peerId === carol.peerId, WAIT)
    const back = await phone.restart()
    const shown = await back.event('friend:request', (r) => r.peerId === carol.peerId, WAIT)
    expect(shown.data.note).toBe('while away')

    await alice.api.request('POST', FRIENDS_API_PATHS.accept, { peer: carol.peerId })
    await back.event('friend:accepted', (friend) => friend.peerId === carol.peerId, WAIT)
    await carol.event('friend:accepted', (friend) => friend.peerId === alice.peerId, WAIT)
    expect(friendIds(back)).toEqual([carol.peerId])
    expect(back.node.friends.requests().incoming).toEqual([])
  }, 180_000)

  it('with the laptop off, the phone sends bob the account’s new device list and profile', async () => {
    const { alice, phone, bob } = await aliceWithPhoneAndBob(relay)
    await alice.stop()

    const list = await phone.node.devices.rename('pocket')
    const devices = await bob.event(
      'friend:devices',
      (data) => data.peerId === alice.peerId && data.devices.version === list.version,
      WAIT,
    )
    expect(devices.data.devices.names).toContain('pocket')

    await phone.api.request('PUT', PROFILE_API_PATHS.own, { displayName: 'Alice, on the phone' })
    await bob.event(
      'profile:changed',
      (data) => data.peerId === alice.peerId && data.profile.displayName === 'Alice, on the phone',
      WAIT,
    )
  }, 180_000)
})
