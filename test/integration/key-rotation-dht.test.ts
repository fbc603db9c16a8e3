/**
 * The rotation statement in the DHT, against real nodes and a real relay (a DHT server with
 * the shared rules): alice rotates while dave is away, and the statement never reaches him
 * as a message (no copy in his mailbox), only the DHT under alice's old key. At his start
 * dave's node first collects the text alice left him under her old key, then finds the
 * statement in the DHT, follows alice to her new key and the two go on in one conversation; a stranger who knows only the old key learns the new one.
 */
import { describe, expect, it } from 'vitest'
import { findKeyRotations, publishKeyRotation } from '../../node/friends/rotation-dht.ts'
import { openKeyStatement } from '../../protocol/accounts/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { befriend, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'
import { rotatingAccounts } from './rotating-account.ts'

const relay = relayForFriendNodes()
const account = rotatingAccounts()

describe('key rotation through the DHT', () => {
  it('a friend who was away, with no mailbox copy, follows through the DHT', async () => {
    const { dir, identity, rotate } = await account('tokenim-rotating-dht-')
    let alice = await startFriendNode(relay(), { identity, dir })
    let dave = await startFriendNode(relay())
    const stranger = await startFriendNode(relay())
    await befriend(alice, dave)
    await alice.node.messages.send(dave.peerId, 'before')
    await dave.event('message:received', (message) => message.text === 'before')
    await dave.stop()
    // A text left in dave's mailbox under the old key: still shown, before the notice.
    const left = await alice.node.messages.send(dave.peerId, 'left for you')
    await alice.event('message:state', (s) => s.id === left.id && s.state === 'stored')

    const rotated = await rotate()
    const statement = openKeyStatement('rotation', rotated.statement)
    const put = await publishKeyRotation(alice.node.host.services.dht, statement)
    expect(put.confirmed).toBeGreaterThan(0)
    // No message to dave: as if the hand-over had timed out and the mailbox copy were gone.
    await alice.node.messages.retireOwnKey()
    const oldPeerId = alice.peerId
    await alice.stop()
    alice = await startFriendNode(relay(), { identity: rotated.identity, dir })

    const found = await findKeyRotations(stranger.node.host.services.dht, identity.publicKey)
    expect(found.map((s) => toHex(s.newKey))).toEqual([toHex(rotated.identity.publicKey)])

    dave = await dave.restart()
    const changed = await dave.event('friend:key-changed', () => true, { timeoutMs: 30_000 })
    expect(changed.data).toMatchObject({ peerId: alice.peerId, previousPeerId: oldPeerId })
    expect(dave.node.friends.isFriend(rotated.identity.publicKey)).toBe(true)
    expect(dave.node.friends.isBlocked(identity.publicKey)).toBe(true)
    await alice.node.messages.send(dave.peerId, 'after')
    await dave.event('message:received', (message) => message.text === 'after')
    const { messages } = await dave.node.messages.history(alice.peerId)
    expect(messages.map((message) => message.keyChange != null || message.text)).toEqual([
      'before',
      'left for you',
      true,
      'after',
    ])
  }, 120_000)
})
