/**
 * Typing indicators between full TokenimNodes behind a loopback relay (doc/friends.md,
 * "Typing"): a friend sees us start and stop writing, a typing that the client stops
 * repeating lapses by itself, it ends when we go offline, turning the setting off withdraws
 * it both ways at once, and nobody but a friend can be told.
 */
import { describe, expect, it } from 'vitest'
import { FRIENDS_API_PATHS, type PresenceSettings } from '../../protocol/local-api.ts'
import { befriend, type FriendNode, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'

const relay = relayForFriendNodes()

/** `node`'s first typing change of `peer` to `typing` at or after `since`. */
function typingSeen(node: FriendNode, peer: FriendNode, typing: boolean, since: number) {
  return node.event(
    'typing:changed',
    (change) => change.peerId === peer.peerId && change.typing === typing,
    { since, timeoutMs: 20_000 },
  )
}

function tellTyping(from: FriendNode, to: FriendNode, typing: boolean) {
  return from.api.request('POST', FRIENDS_API_PATHS.typing, { peer: to.peerId, typing })
}

/** Two friends, each seeing the other online. */
async function friends(): Promise<[FriendNode, FriendNode]> {
  const alice = await startFriendNode(relay())
  const bob = await startFriendNode(relay())
  const since = Date.now()
  await befriend(alice, bob)
  for (const [node, peer] of [
    [alice, bob],
    [bob, alice],
  ]) {
    await node.event('presence:changed', (p) => p.peerId === peer.peerId && p.online, { since })
  }
  return [alice, bob]
}

describe('typing indicators', () => {
  it('a friend sees us start and stop writing; a typing the client stops repeating lapses', async () => {
    const [alice, bob] = await friends()
    let since = Date.now()
    await tellTyping(alice, bob, true)
    await typingSeen(bob, alice, true, since)
    since = Date.now()
    await tellTyping(alice, bob, false)
    await typingSeen(bob, alice, false, since)

    // The client says it once and goes quiet (a closed tab): it ends by itself.
    since = Date.now()
    await tellTyping(alice, bob, true)
    await typingSeen(bob, alice, true, since)
    await typingSeen(bob, alice, false, since)
    // Alice never saw bob typing.
    expect(alice.events.filter((event) => event.type === 'typing:changed')).toEqual([])
  }, 90_000)

  it('ends when the writer goes offline', async () => {
    const [alice, bob] = await friends()
    const since = Date.now()
    await tellTyping(alice, bob, true)
    await typingSeen(bob, alice, true, since)
    await alice.stop()
    await typingSeen(bob, alice, false, since)
  }, 90_000)

  it('turned off: withdrawn at once both ways, and the choice is kept', async () => {
    let [alice, bob] = await friends()
    const since = Date.now()
    await tellTyping(alice, bob, true)
    await tellTyping(bob, alice, true)
    await typingSeen(bob, alice, true, since)
    await typingSeen(alice, bob, true, since)

    const offAt = Date.now()
    const off = await bob.api.request<PresenceSettings>('PUT', FRIENDS_API_PATHS.presence, {
      typingIndicators: false,
    })
    expect(off).toEqual({ appearOffline: false, typingIndicators: false })
    // Bob hides alice's at once, and tells alice at once that he stopped.
    await typingSeen(bob, alice, false, offAt)
    await typingSeen(alice, bob, false, offAt)

    bob = await bob.restart()
    expect(await bob.api.request('GET', FRIENDS_API_PATHS.presence)).toEqual(off)
  }, 90_000)

  it('tells friends only', async () => {
    const alice = await startFriendNode(relay())
    const stranger = await startFriendNode(relay())
    await expect(tellTyping(alice, stranger, true)).rejects.toMatchObject({
      status: 404,
      name: 'TypingFriendNotFoundError',
    })
  }, 60_000)
})
