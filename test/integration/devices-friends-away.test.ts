/**
 * Friend messages from and to every device of an account (real nodes behind a loopback relay,
 * real LevelDB, the DHT the relay serves): with alice's laptop (device 1, on the account key)
 * off, bob's request reaches her phone, the phone answers and removes bob as the account; the
 * phone asks carol, a stranger, as the account and blocks her once friends. The laptop,
 * started again, follows without telling anyone twice.
 */
import { describe, expect, it } from 'vitest'
import { FRIENDS_API_PATHS } from '../../protocol/local-api.ts'
import {
  type FriendNode,
  friendIds,
  relayForFriendNodes,
  startFriendNode,
} from './friends-nodes.ts'
import { linkDevice } from './linked-account.ts'

const relay = relayForFriendNodes()
const WAIT = { timeoutMs: 30_000 }

function incomingIds(node: FriendNode): string[] {
  return node.node.friends.requests().incoming.map((request) => request.peerId)
}

describe('friend messages reach and leave every device of an account', () => {
  it('with the laptop off, the phone takes bob’s request, accepts it, chats and removes bob; the laptop then agrees', async () => {
    const alice = await startFriendNode(relay())
    const phone = await linkDevice(relay(), alice, [])
    const bob = await startFriendNode(relay())
    // Bob, a stranger, finds the account's devices in the DHT.
    expect((await alice.node.devices.publish()).confirmed).toBeGreaterThan(0)
    await alice.stop()

    await bob.api.request('POST', FRIENDS_API_PATHS.add, { to: alice.peerId, note: 'hi alice' })
    const request = await phone.event('friend:request', (r) => r.peerId === bob.peerId, WAIT)
    expect(request.data.note).toBe('hi alice')

    await phone.api.request('POST', FRIENDS_API_PATHS.accept, { peer: bob.peerId })
    await bob.event('friend:accepted', (friend) => friend.peerId === alice.peerId, WAIT)
    expect(friendIds(bob)).toEqual([alice.peerId])
    expect(friendIds(phone)).toEqual([bob.peerId])

    // The accept carried the account's list: bob shows the phone's texts as alice's.
    await bob.event(
      'friend:devices',
      (data) => data.peerId === alice.peerId && data.devices.count === 2,
      WAIT,
    )
    const since = Date.now()
    await bob.node.messages.send(alice.peerId, 'hello alice')
    await phone.event(
      'message:received',
      (m) => m.peerId === bob.peerId && m.text === 'hello alice',
      { ...WAIT, since },
    )
    await phone.node.messages.send(bob.peerId, 'hello bob, from the phone')
    await bob.event(
      'message:received',
      (m) => m.peerId === alice.peerId && m.text === 'hello bob, from the phone',
      { ...WAIT, since },
    )

    await phone.api.request('POST', FRIENDS_API_PATHS.remove, { peer: bob.peerId })
    await bob.event(
      'friend:removed',
      (removed) => removed.peerId === alice.peerId && removed.by === 'peer',
      WAIT,
    )
    expect(friendIds(bob)).toEqual([])
    expect(friendIds(phone)).toEqual([])

    // The laptop collects bob's request and text and the phone's syncs from the mailbox.
    const restarted = Date.now()
    const laptop = await alice.restart()
    await Promise.all([
      laptop.event('friend:removed', (removed) => removed.peerId === bob.peerId, WAIT),
      laptop.event(
        'message:received',
        (m) => m.peerId === bob.peerId && m.text === 'hello alice',
        WAIT,
      ),
    ])
    expect(friendIds(laptop)).toEqual([])
    expect(incomingIds(laptop)).toEqual([])
    expect(incomingIds(phone)).toEqual([])
    const eventsSince = (node: FriendNode, type: string) =>
      node.events.filter((event) => event.type === type && event.at >= restarted)
    expect(eventsSince(phone, 'friend:request')).toEqual([])
    expect(eventsSince(bob, 'friend:request')).toEqual([])
    expect(eventsSince(bob, 'friend:accepted')).toEqual([])
    expect(bob.events.filter((event) => event.type === 'friend:accepted')).toHaveLength(1)
    expect(phone.events.filter((event) => event.type === 'friend:request')).toHaveLength(1)
  }, 180_000)

  it('with the laptop off, the phone asks carol as the account; carol accepts, the phone blocks her; the laptop then agrees', async () => {
    const alice = await startFriendNode(relay())
    const phone = await linkDevice(relay(), alice, [])
    const carol = await startFriendNode(relay())
    await alice.stop()

    await phone.api.request('POST', FRIENDS_API_PATHS.add, {
      to: carol.peerId,
      note: 'from my phone',
    })
    const request = await carol.event('friend:request', (r) => r.peerId === alice.peerId, WAIT)
    expect(request.data.note).toBe('from my phone')
    expect(carol.node.friends.requests().incoming.map((r) => r.peerId)).toEqual([alice.peerId])

    await carol.api.request('POST', FRIENDS_API_PATHS.accept, { peer: alice.peerId })
    await phone.event('friend:accepted', (friend) => friend.peerId === carol.peerId, WAIT)
    expect(friendIds(phone)).toEqual([carol.peerId])

    await phone.api.request('POST', FRIENDS_API_PATHS.block, { peer: carol.peerId })
    await carol.event(
      'friend:removed',
      (removed) => removed.peerId === alice.peerId && removed.by === 'peer',
      WAIT,
    )
    expect(friendIds(carol)).toEqual([])

    const laptop = await alice.restart()
    await laptop.event('friend:removed', (removed) => removed.peerId === carol.peerId, WAIT)
    expect(friendIds(laptop)).toEqual([])
    expect(laptop.node.friends.blocked().map((blocked) => blocked.peerId)).toEqual([carol.peerId])
    expect(carol.events.filter((event) => event.type === 'friend:request')).toHaveLength(1)
  }, 180_000)
})
