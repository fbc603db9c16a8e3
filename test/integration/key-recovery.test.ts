/**
 * The stolen-key race across real nodes, LevelDB and a relay: a thief with a copy of alice's
 * data folder and her password rotates her account first, and her friends follow the thief
 * (the rotation is signed by the key they know). Alice then recovers with her recovery
 * phrase: bob and carol end on alice's new key and refuse the thief's, because a statement
 * signed by the committed recovery key supersedes every rotation since the commitment.
 */
import { describe, expect, it } from 'vitest'
import { announceKeyRecovery, announceKeyRotation } from '../../node/key-rotation.ts'
import { befriend, converse, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'
import {
  commitmentPinned,
  RECOVERY_PASSWORD,
  recoveringAccount,
  stolenCopy,
} from './recovering-account.ts'

const relay = relayForFriendNodes()

describe('the stolen-key race', () => {
  it("alice's recovery with her phrase beats the thief's earlier rotation on bob's and carol's nodes", async () => {
    const { dir, keystore, identity, backupPhrase, commitment } =
      await recoveringAccount('tokenim-recovering-')
    let alice = await startFriendNode(relay(), { identity, dir })
    const bob = await startFriendNode(relay())
    const carol = await startFriendNode(relay())
    const friends = [bob, carol]
    for (const friend of friends) {
      await befriend(alice, friend)
      // The friend pins the commitment alice's device list carries.
      await commitmentPinned(friend, identity.publicKey, commitment)
    }
    await alice.stop()

    // The thief: a copy of the folder, the password, and the first move.
    const { dir: thiefDir, keystore: thiefKeystore } = await stolenCopy(dir, 'tokenim-thief-')
    let thief = await startFriendNode(relay(), { identity, dir: thiefDir })
    const stolen = await thiefKeystore.rotate(RECOVERY_PASSWORD)
    const handed = await announceKeyRotation(
      { friends: thief.node.friends, messages: thief.node.messages },
      stolen.statement,
    )
    expect(handed.waiting).toEqual([])
    await thief.stop()
    thief = await startFriendNode(relay(), { identity: stolen.identity, dir: thiefDir })
    for (const friend of friends) {
      await friend.event('friend:key-changed', (changed) => changed.peerId === thief.peerId)
      expect(friend.node.friends.isFriend(stolen.identity.publicKey)).toBe(true)
    }

    // Alice, back on her own folder, recovers with the phrase.
    alice = await startFriendNode(relay(), { identity, dir })
    const recovered = await keystore.recover(RECOVERY_PASSWORD, backupPhrase)
    await alice.node.messages.retireOwnKey()
    await alice.stop()
    alice = await startFriendNode(relay(), { identity: recovered.identity, dir })
    const announced = await announceKeyRecovery(
      { friends: alice.node.friends, messages: alice.node.messages },
      recovered.statement,
    )
    expect(announced.waiting).toEqual([])

    for (const friend of friends) {
      const changed = await friend.event('friend:key-changed', (c) => c.peerId === alice.peerId)
      expect(changed.data.previousPeerId).toBe(thief.peerId)
      expect(friend.node.friends.isFriend(recovered.identity.publicKey)).toBe(true)
      expect(friend.node.friends.isFriend(stolen.identity.publicKey)).toBe(false)
      expect(friend.node.friends.isBlocked(stolen.identity.publicKey)).toBe(true)
      expect(friend.node.friends.isBlocked(identity.publicKey)).toBe(true)
      await converse(alice, friend, `after recovery, to ${friend.peerId}`)
      await converse(friend, alice, `after recovery, from ${friend.peerId}`)
    }
  }, 240_000)
})
