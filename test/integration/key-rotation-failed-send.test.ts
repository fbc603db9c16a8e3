/**
 * A failed send looks the friend up, against real nodes and a real relay: alice rotates
 * while bob runs, and the statement reaches the DHT only (no message to bob; bob's start-up
 * look-up is long past). Bob's next text to her old key cannot be delivered directly and
 * goes to the mailbox; that makes bob's node look alice up, follow her to the new key, send
 * that text again to the new key, and the two go on talking.
 */
import { describe, expect, it } from 'vitest'
import { publishKeyRotation } from '../../node/friends/rotation-dht.ts'
import { openKeyStatement } from '../../protocol/accounts/index.ts'
import { befriend, converse, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'
import { rotatingAccounts } from './rotating-account.ts'

const relay = relayForFriendNodes()
const account = rotatingAccounts()

/**
 * alice and bob are friends; alice rotates, the statement goes only to the DHT, and her node
 * runs again under the new key.
 */
async function rotatedWithoutTelling(prefix: string) {
  const { dir, identity, rotate } = await account(prefix)
  const before = await startFriendNode(relay(), { identity, dir })
  const bob = await startFriendNode(relay())
  await befriend(before, bob)
  await converse(before, bob, 'before')
  const rotated = await rotate()
  const put = await publishKeyRotation(
    before.node.host.services.dht,
    openKeyStatement('rotation', rotated.statement),
  )
  expect(put.confirmed).toBeGreaterThan(0)
  await before.node.messages.retireOwnKey()
  await before.stop()
  const alice = await startFriendNode(relay(), { identity: rotated.identity, dir })
  return { alice, bob, rotated, oldPeerId: before.peerId }
}

describe('a failed send looks the friend up', () => {
  it('bob follows alice to her new key after a text to her old key went to the mailbox', async () => {
    const { alice, bob, rotated, oldPeerId } = await rotatedWithoutTelling(
      'tokenim-rotating-failed-send-',
    )

    const changed = bob.event('friend:key-changed', () => true, { timeoutMs: 60_000 })
    const since = Date.now()
    await bob.node.messages.send(oldPeerId, 'are you there?')
    expect((await changed).data).toMatchObject({ peerId: alice.peerId, previousPeerId: oldPeerId })
    expect(bob.node.friends.isFriend(rotated.identity.publicKey)).toBe(true)
    // The text that made bob look alice up reaches her under the new key: it does not stay
    // in the old key's mailbox slot, which she no longer collects.
    await alice.event(
      'message:received',
      (message) => message.text === 'are you there?' && message.peerId === bob.peerId,
      { since, timeoutMs: 60_000 },
    )
    await converse(bob, alice, 'after')
  }, 120_000)

  it('what waited for the old key goes to the new one, even when the new key wrote first', async () => {
    const { alice, bob, oldPeerId } = await rotatedWithoutTelling('tokenim-rotating-wrote-first-')
    // Alice's new key writes first: bob keeps it apart from her old conversation when he follows.
    await converse(alice, bob, 'hello from my new key')

    const changed = bob.event('friend:key-changed', () => true, { timeoutMs: 60_000 })
    const since = Date.now()
    const sent = await bob.node.messages.send(oldPeerId, 'did you get my last one?')
    await changed
    await alice.event(
      'message:received',
      (message) => message.text === 'did you get my last one?' && message.peerId === bob.peerId,
      { since, timeoutMs: 60_000 },
    )
    // In the old conversation it is shown failed, saying where it went instead.
    await bob.event('message:state', (state) => state.id === sent.id && state.state === 'failed', {
      since,
      timeoutMs: 10_000,
    })
  }, 120_000)
})
