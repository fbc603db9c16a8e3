/**
 * Key rotation across real nodes and a real relay: alice rotates with two friends online and
 * one away. Each friend's node takes the statement (signed by the key it knew), moves the
 * friendship and the conversation to the new key and retires the old one; alice's node
 * starts again under the new key on the same data folder; all three conversations go on,
 * each in one history.
 */
import { describe, expect, it } from 'vitest'
import { fingerprint } from '../../node/identity/index.ts'
import { announceKeyRotation } from '../../node/key-rotation.ts'
import {
  befriend,
  converse,
  type FriendNode,
  relayForFriendNodes,
  startFriendNode,
} from './friends-nodes.ts'
import { rotatingAccounts } from './rotating-account.ts'

const relay = relayForFriendNodes()
const account = rotatingAccounts()

async function historyTexts(node: FriendNode, peer: FriendNode): Promise<string[]> {
  const { messages } = await node.node.messages.history(peer.peerId)
  return messages.map((message) => message.text)
}

describe('key rotation', () => {
  it('two friends online and one away continue with alice under her new key', async () => {
    const { dir, identity, rotate } = await account('tokenim-rotating-')
    let alice = await startFriendNode(relay(), { identity, dir })
    const bob = await startFriendNode(relay())
    const carol = await startFriendNode(relay())
    let dave = await startFriendNode(relay())
    const friends = [bob, carol, dave]
    for (const friend of friends) {
      await befriend(alice, friend)
      await converse(alice, friend, `before, to ${friend.peerId}`)
      await converse(friend, alice, `before, from ${friend.peerId}`)
    }
    await dave.stop()

    const rotated = await rotate()
    const announced = await announceKeyRotation(
      { friends: alice.node.friends, messages: alice.node.messages },
      rotated.statement,
    )
    expect(announced.waiting).toEqual([])
    expect(announced.handedOver.sort()).toEqual(friends.map((f) => f.publicKey).sort())
    const oldAlice = alice
    await alice.stop()
    alice = await startFriendNode(relay(), { identity: rotated.identity, dir })
    expect(alice.peerId).not.toBe(oldAlice.peerId)

    dave = await dave.restart()
    for (const friend of [bob, carol, dave]) {
      const changed = await friend.event('friend:key-changed')
      expect(changed.data).toMatchObject({
        peerId: alice.peerId,
        previousPeerId: oldAlice.peerId,
      })
      expect(friend.node.friends.isFriend(rotated.identity.publicKey)).toBe(true)
      expect(friend.node.friends.isBlocked(identity.publicKey)).toBe(true)
      await converse(alice, friend, `after, to ${friend.peerId}`)
      await converse(friend, alice, `after, from ${friend.peerId}`)
      // One conversation on each side, from the first message to the last; the friend's has
      // the line that says alice changed her key, with her new fingerprint.
      const newFingerprint = fingerprint(rotated.identity.publicKey)
      const texts = [
        `before, to ${friend.peerId}`,
        `before, from ${friend.peerId}`,
        `after, to ${friend.peerId}`,
        `after, from ${friend.peerId}`,
      ]
      expect(await historyTexts(friend, alice)).toEqual([
        ...texts.slice(0, 2),
        `changed their key; new fingerprint ${newFingerprint}`,
        ...texts.slice(2),
      ])
      const { messages } = await friend.node.messages.history(alice.peerId)
      expect(messages[2]).toMatchObject({
        peerId: alice.peerId,
        direction: 'in',
        keyChange: { previousPeerId: oldAlice.peerId, fingerprint: newFingerprint },
      })
      expect(messages.filter((message) => message.keyChange != null)).toHaveLength(1)
      const shown = await friend.event('message:received', (m) => m.keyChange != null)
      expect(shown.data.id).toBe(messages[2].id)
      expect(await historyTexts(alice, friend)).toEqual(texts)
    }
    expect(alice.node.friends.list()).toHaveLength(3)
  }, 180_000)
})
