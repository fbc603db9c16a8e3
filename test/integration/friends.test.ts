/**
 * Friends between full TokenimNodes behind a loopback relay: requests through the offline
 * mailbox while the other side is away, lists on both sides, remove and block, and every
 * refusal through the local API with its stable error name.
 */
import { describe, expect, it } from 'vitest'
import type { Composition } from '../../node/composition.ts'
import type { NodeParts } from '../../node/node-parts.ts'
import {
  type AddFriendResponse,
  FRIENDS_API_PATHS,
  type FriendListResponse,
  type FriendRequestsResponse,
} from '../../protocol/local-api.ts'
import { waitForEvent } from '../helpers/wait.ts'
import {
  befriend,
  type FriendNode,
  relayForFriendNodes,
  startFriendNode,
  startNamedNode,
} from './friends-nodes.ts'

const relay = relayForFriendNodes()

function named(name: string): Promise<FriendNode> {
  return startNamedNode(relay(), name)
}

/** Resolves once the node's mailbox confirmed a deposit for `recipient`. */
function deposited(node: FriendNode, recipient: FriendNode): Promise<unknown> {
  // The mailbox is internal to the node; the test watches it to know the request left.
  const mailbox = (node.node as unknown as { parts: Composition<NodeParts> }).parts.get('mailbox')
  return waitForEvent<{ recipient: Uint8Array }>(mailbox, 'mailbox:stored', {
    timeoutMs: 20_000,
    filter: (detail) => Buffer.from(detail.recipient).toString('hex') === recipient.publicKey,
  })
}

describe('friends between nodes', () => {
  it('a request waits in the mailbox for an offline recipient, who accepts later', async () => {
    let alice = await named('alice-fr')
    let bob = await named('bob-fr')
    await bob.stop()

    const stored = deposited(alice, bob)
    const sent = await alice.api.request<AddFriendResponse>('POST', FRIENDS_API_PATHS.add, {
      to: 'bob-fr',
      note: 'hi bob, it is alice',
    })
    expect(sent.status).toBe('requested')
    await stored
    // Alice goes away too: bob can only find the request in the mailbox's inbox.
    await alice.stop()

    bob = await bob.restart()
    const request = await bob.event('friend:request', (r) => r.note === 'hi bob, it is alice')
    expect(request.data).toMatchObject({ direction: 'in', peerId: alice.peerId })
    const verified = await bob.event('friend:request', (r) => r.name != null)
    expect(verified.data.name).toMatch(/^alice-fr@/)
    const pending = await bob.api.request<FriendRequestsResponse>('GET', FRIENDS_API_PATHS.requests)
    expect(pending.incoming.map((r) => r.peerId)).toEqual([alice.peerId])

    // Still pending after a restart.
    bob = await bob.restart()
    const kept = await bob.api.request<FriendRequestsResponse>('GET', FRIENDS_API_PATHS.requests)
    expect(kept.incoming).toHaveLength(1)
    expect(kept.incoming[0]).toMatchObject({ note: 'hi bob, it is alice' })
    expect(kept.incoming[0].name).toMatch(/^alice-fr@/)

    await bob.api.request('POST', FRIENDS_API_PATHS.accept, { peer: 'alice-fr' })
    const bobList = await bob.api.request<FriendListResponse>('GET', FRIENDS_API_PATHS.list)
    expect(bobList.friends.map((f) => f.peerId)).toEqual([alice.peerId])

    alice = await alice.restart()
    const outgoing = await alice.api.request<FriendRequestsResponse>(
      'GET',
      FRIENDS_API_PATHS.requests,
    )
    // Kept across the restart, unless bob's answer already came in (it may land at any moment,
    // so a second read of the friends list could not be compared with this one).
    expect(outgoing.outgoing.map((r) => r.peerId)).toEqual(
      outgoing.outgoing.length === 0 ? [] : [bob.peerId],
    )
    await alice.event('friend:accepted', (friend) => friend.peerId === bob.peerId, {
      timeoutMs: 30_000,
    })
    const aliceList = await listOf(alice)
    expect(aliceList.map((f) => f.peerId)).toEqual([bob.peerId])
    expect(aliceList[0].name).toMatch(/^bob-fr@/)
    expect(
      (await alice.api.request<FriendRequestsResponse>('GET', FRIENDS_API_PATHS.requests)).outgoing,
    ).toEqual([])
  }, 90_000)

  it('remove updates both lists and tells the other side', async () => {
    const alice = await startFriendNode(relay())
    const bob = await startFriendNode(relay())
    await befriend(alice, bob)
    expect((await listOf(bob)).map((f) => f.peerId)).toEqual([alice.peerId])

    await alice.api.request('POST', FRIENDS_API_PATHS.remove, { peer: bob.peerId })
    const removed = await bob.event('friend:removed', (event) => event.peerId === alice.peerId)
    expect(removed.data).toMatchObject({ by: 'peer', pending: false })
    expect(await listOf(alice)).toEqual([])
    expect(await listOf(bob)).toEqual([])
  }, 60_000)

  it('block drops their requests and messages and ends the friendship', async () => {
    const alice = await startFriendNode(relay())
    const bob = await startFriendNode(relay())
    await befriend(alice, bob)

    await alice.api.request('POST', FRIENDS_API_PATHS.block, { peer: bob.peerId })
    await bob.event('friend:removed', (event) => event.peerId === alice.peerId)
    expect(await listOf(alice)).toEqual([])
    expect(await listOf(bob)).toEqual([])

    await bob.api.request('POST', FRIENDS_API_PATHS.add, { to: alice.peerId, note: 'why?' })
    const text = await bob.node.messages.send(alice.peerId, 'are you there?')
    // Alice's node answers like any stored message, so bob sees it delivered and stops
    // resending; the request went before it on the same stream.
    await bob.event('message:state', (s) => s.id === text.id && s.state === 'delivered')
    expect(alice.events.filter((e) => e.type === 'friend:request')).toEqual([])
    expect(alice.events.filter((e) => e.type === 'message:received')).toEqual([])
    const blocked = await alice.api.request<{ blocked: Array<{ peerId: string }> }>(
      'GET',
      FRIENDS_API_PATHS.blocked,
    )
    expect(blocked.blocked.map((b) => b.peerId)).toEqual([bob.peerId])

    await alice.api.request('POST', FRIENDS_API_PATHS.unblock, { peer: bob.peerId })
    await bob.api.request('POST', FRIENDS_API_PATHS.remove, { peer: alice.peerId })
    await bob.api.request('POST', FRIENDS_API_PATHS.add, { to: alice.peerId, note: 'again' })
    await alice.event('friend:request', (r) => r.note === 'again')
  }, 60_000)

  it('refuses mistakes with stable error names', async () => {
    const alice = await named('alice-err')
    const bob = await startFriendNode(relay())
    const failure = (path: string, body: unknown) =>
      alice.api.request('POST', path, body).then(
        () => ({ name: 'no error', status: 0 }),
        (err: { name: string; status: number }) => ({ name: err.name, status: err.status }),
      )
    expect(await failure(FRIENDS_API_PATHS.add, { to: alice.peerId })).toEqual({
      name: 'FriendSelfError',
      status: 400,
    })
    expect(await failure(FRIENDS_API_PATHS.add, { to: 'alice-err' })).toMatchObject({
      name: 'FriendSelfError',
    })
    expect(await failure(FRIENDS_API_PATHS.add, { to: 'nobody-by-this-name' })).toEqual({
      name: 'UserNotFoundError',
      status: 404,
    })
    expect(
      await failure(FRIENDS_API_PATHS.add, { to: bob.peerId, note: 'x'.repeat(201) }),
    ).toMatchObject({ name: 'InvalidFriendNoteError', status: 400 })
    expect(await failure(FRIENDS_API_PATHS.add, {})).toMatchObject({ name: 'InvalidRequest' })
    expect(await failure(FRIENDS_API_PATHS.accept, { peer: bob.peerId })).toEqual({
      name: 'FriendRequestNotFoundError',
      status: 404,
    })
    expect(await failure(FRIENDS_API_PATHS.remove, { peer: bob.peerId })).toMatchObject({
      name: 'FriendNotFoundError',
    })

    await alice.api.request('POST', FRIENDS_API_PATHS.add, { to: bob.peerId })
    expect(await failure(FRIENDS_API_PATHS.add, { to: bob.peerId })).toEqual({
      name: 'DuplicateFriendRequestError',
      status: 409,
    })
    await bob.event('friend:request', (r) => r.peerId === alice.peerId)
    await bob.api.request('POST', FRIENDS_API_PATHS.accept, { peer: alice.peerId })
    await alice.event('friend:accepted', (f) => f.peerId === bob.peerId)
    expect(await failure(FRIENDS_API_PATHS.add, { to: bob.peerId })).toMatchObject({
      name: 'AlreadyFriendsError',
    })

    await alice.api.request('POST', FRIENDS_API_PATHS.block, { peer: bob.peerId })
    expect(await failure(FRIENDS_API_PATHS.add, { to: bob.peerId })).toMatchObject({
      name: 'PeerBlockedError',
    })
  }, 60_000)
})

async function listOf(node: FriendNode) {
  return (await node.api.request<FriendListResponse>('GET', FRIENDS_API_PATHS.list)).friends
}
