/**
 * The stolen-key race across real nodes, LevelDB and a relay: a thief with a copy of alice's
 * data folder and her password rotates her account first, and her friends follow the thief
 * (the rotation is signed by the key they know). Alice then recovers with her recovery
 * phrase: bob and carol end on alice's new key and refuse the thief's, because a statement
 * signed by the committed recovery key supersedes every rotation since the commitment.
 */
import { cp } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { Keystore } from '../../node/identity/index.ts'
import { announceKeyRecovery, announceKeyRotation } from '../../node/key-rotation.ts'
import { toHex } from '../../protocol/bytes.ts'
import { waitUntil } from '../helpers/relay-network.ts'
import {
  befriend,
  converse,
  friendNodeFolder,
  relayForFriendNodes,
  startFriendNode,
} from './friends-nodes.ts'

const FAST = { N: 2 ** 10, r: 8, p: 1 }
const PASSWORD = 'correct horse battery staple'
const relay = relayForFriendNodes()

describe('the stolen-key race', () => {
  it("alice's recovery with her phrase beats the thief's earlier rotation on bob's and carol's nodes", async () => {
    const dir = await friendNodeFolder('tokenim-recovering-')
    const thiefDir = await friendNodeFolder('tokenim-thief-')
    const keystore = new Keystore(dir.path, { scrypt: FAST })
    const { identity, backupPhrase } = await keystore.create(PASSWORD)
    const { commitment } = await keystore.keyChain()
    let alice = await startFriendNode(relay(), { identity, dir })
    const bob = await startFriendNode(relay())
    const carol = await startFriendNode(relay())
    const friends = [bob, carol]
    for (const friend of friends) {
      await befriend(alice, friend)
      // The friend pins the commitment alice's device list carries.
      await waitUntil(
        friend.node.friends,
        'friends:commitment',
        () =>
          toHex(friend.node.friends.recoveryCommitment(identity.publicKey) ?? new Uint8Array(0)) ===
          toHex(commitment),
        'the friend pins alice’s recovery commitment',
      )
    }
    await alice.stop()

    // The thief: a copy of the folder, the password, and the first move.
    await cp(dir.path, thiefDir.path, { recursive: true })
    const thiefKeystore = new Keystore(thiefDir.path, { scrypt: FAST })
    let thief = await startFriendNode(relay(), { identity, dir: thiefDir })
    const stolen = await thiefKeystore.rotate(PASSWORD)
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
    const recovered = await keystore.recover(PASSWORD, backupPhrase)
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
