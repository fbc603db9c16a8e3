/**
 * The recovery statement in the DHT, against real nodes, LevelDB and a relay (a DHT server
 * with the shared rules): dave pinned alice's commitment, then went away. A thief with a copy
 * of alice's folder rotates her key and puts the rotation in the DHT; alice recovers with
 * her phrase and puts the recovery in the DHT. Neither reaches dave as a message. At his
 * start dave's node finds both under alice's old key, takes the recovery (looked up under
 * the epoch's first key and the commitment it pinned) and so never follows the thief: it
 * ends on alice's recovered key, with the thief's and the old key refused.
 */
import { describe, expect, it } from 'vitest'
import { publishKeyRecovery, publishKeyRotation } from '../../node/friends/rotation-dht.ts'
import { openKeyStatement } from '../../protocol/accounts/index.ts'
import { befriend, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'
import {
  commitmentPinned,
  RECOVERY_PASSWORD,
  recoveringAccount,
  stolenCopy,
} from './recovering-account.ts'

const relay = relayForFriendNodes()

describe('key recovery through the DHT', () => {
  it("a friend who was away takes alice's recovery from the DHT over the thief's rotation", async () => {
    const { dir, keystore, identity, backupPhrase, commitment } =
      await recoveringAccount('tokenim-recovering-dht-')
    let alice = await startFriendNode(relay(), { identity, dir })
    let dave = await startFriendNode(relay())
    const stranger = await startFriendNode(relay())
    await befriend(alice, dave)
    await commitmentPinned(dave, identity.publicKey, commitment)
    await dave.stop()
    await alice.stop()

    // The thief's rotation, signed by the stolen key, in the DHT under alice's old key.
    const { keystore: thiefKeystore } = await stolenCopy(dir, 'tokenim-thief-dht-')
    const stolen = await thiefKeystore.rotate(RECOVERY_PASSWORD)
    const theft = openKeyStatement('rotation', stolen.statement)
    expect((await publishKeyRotation(stranger.node.host.services.dht, theft)).confirmed).toBe(1)

    // Alice recovers with her phrase; her node under the new key puts the recovery in the DHT.
    const recovered = await keystore.recover(RECOVERY_PASSWORD, backupPhrase)
    alice = await startFriendNode(relay(), { identity: recovered.identity, dir })
    const recovery = openKeyStatement('recovery', recovered.statement)
    const put = await publishKeyRecovery(alice.node.host.services.dht, recovery)
    expect(put.confirmed).toBeGreaterThan(0)

    dave = await dave.restart()
    const changed = await dave.event('friend:key-changed', () => true, { timeoutMs: 30_000 })
    expect(changed.data.peerId).toBe(alice.peerId)
    const friends = dave.node.friends
    expect(friends.isFriend(recovered.identity.publicKey)).toBe(true)
    expect(friends.isFriend(stolen.identity.publicKey)).toBe(false)
    expect(friends.isBlocked(identity.publicKey)).toBe(true)
    await alice.node.messages.send(dave.peerId, 'after recovery')
    await dave.event('message:received', (message) => message.text === 'after recovery')
  }, 180_000)
})
