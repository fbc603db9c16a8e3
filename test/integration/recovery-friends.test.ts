/**
 * Recovery through friends across real nodes, LevelDB and a relay: alice splits her master
 * secret 2-of-3 among bob, carol and dave; her machine is lost and dave is offline. On a new
 * machine she asks all three; bob and carol see the request with the code her screen shows
 * and release their shares; the secret is rebuilt, the recovery statement is signed with
 * R_0 for the new machine's key, and bob and carol move alice to it (dave, once back, too).
 */
import { describe, expect, it } from 'vitest'
import { Keystore, secretFromPhrase } from '../../node/identity/index.ts'
import { announceKeyRecovery } from '../../node/key-rotation.ts'
import type { RecoveryRequest } from '../../node/recovery/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { RECOVERY_API_PATHS } from '../../protocol/local-api.ts'
import { waitUntil } from '../helpers/relay-network.ts'
import { waitForEvent } from '../helpers/wait.ts'
import {
  befriend,
  converse,
  type FriendNode,
  friendNodeFolder,
  relayForFriendNodes,
  startFriendNode,
} from './friends-nodes.ts'

const FAST = { N: 2 ** 10, r: 8, p: 1 }
const PASSWORD = 'correct horse battery staple'
const relay = relayForFriendNodes()

const keyOf = (node: FriendNode) => node.identity.publicKey

describe('recovery through friends', () => {
  it('2 of 3 friends, one offline, give alice her account back on a new machine', async () => {
    const dir = await friendNodeFolder('tokenim-owner-')
    const keystore = new Keystore(dir.path, { scrypt: FAST })
    const { identity, backupPhrase } = await keystore.create(PASSWORD)
    const alice = await startFriendNode(relay(), { identity, dir })
    const bob = await startFriendNode(relay())
    const carol = await startFriendNode(relay())
    let dave = await startFriendNode(relay())
    const friends = [bob, carol, dave]
    for (const friend of friends) {
      await befriend(alice, friend)
      await waitUntil(
        friend.node.friends,
        'friends:commitment',
        () => friend.node.friends.recoveryCommitment(identity.publicKey) != null,
        'the friend pins alice’s recovery commitment',
      )
    }
    const kept = friends.map((friend) =>
      waitForEvent(friend.node.recoveryShares, 'recovery:kept', { timeoutMs: 20_000 }),
    )
    await alice.node.recoveryShares.split(
      secretFromPhrase(backupPhrase),
      identity.publicKey,
      2,
      friends.map(keyOf),
    )
    await Promise.all(kept)
    for (const friend of friends) {
      // "Shares I keep for others", as the clients list them.
      expect(await friend.api.request('GET', RECOVERY_API_PATHS.kept)).toMatchObject({
        kept: [{ friend: alice.peerId, account: alice.peerId, threshold: 2 }],
      })
    }
    await alice.stop()
    await dave.stop()

    // A new machine: a fresh identity, asking in alice's name.
    const newDir = await friendNodeFolder('tokenim-new-machine-')
    const newKeystore = new Keystore(newDir.path, { scrypt: FAST })
    const { identity: fresh } = await newKeystore.create(PASSWORD)
    const newAlice = await startFriendNode(relay(), { identity: fresh, dir: newDir })
    const requests = [bob, carol].map((friend) =>
      waitForEvent<RecoveryRequest>(friend.node.recoveryShares, 'recovery:request', {
        timeoutMs: 20_000,
      }),
    )
    const asked = await newAlice.node.recoveryShares.ask(
      alice.publicKey,
      friends.map(keyOf),
      fresh.publicKey,
    )
    expect(await newAlice.node.recoveryShares.rebuild().catch((err: Error) => err.name)).toBe(
      'NotEnoughSharesError',
    )
    for (const [index, friend] of [bob, carol].entries()) {
      const request = await requests[index]
      // What the friend's user compares with alice out of band.
      expect(request.code).toBe(asked.find((entry) => entry.peer === friend.publicKey)?.code)
      expect(request).toMatchObject({ account: alice.publicKey, requester: newAlice.publicKey })
      // Through the local API, as the clients answer after the user compared the code.
      expect(await friend.api.request('GET', RECOVERY_API_PATHS.requests)).toMatchObject({
        requests: [
          { requestId: request.requestId, requester: newAlice.peerId, code: request.code },
        ],
      })
      await friend.api.request('POST', RECOVERY_API_PATHS.answer, {
        requestId: request.requestId,
        release: true,
      })
    }
    await waitUntil(
      newAlice.node.recoveryShares,
      'recovery:answer',
      () => newAlice.node.recoveryShares.asked().filter((a) => a.state === 'released').length === 2,
      'two friends released their share',
    )
    const { master, epoch, friends: askedFriends } = await newAlice.node.recoveryShares.rebuild()
    expect(toHex(master)).toBe(toHex(secretFromPhrase(backupPhrase)))
    expect(toHex(epoch.account)).toBe(alice.publicKey)

    const statement = await newKeystore.adoptRecoveredAccount(PASSWORD, master, epoch)
    await newAlice.node.friends.adoptAfterRecovery(askedFriends)
    const announced = await announceKeyRecovery(
      { friends: newAlice.node.friends, messages: newAlice.node.messages },
      statement,
    )
    expect(announced.waiting).toEqual([])
    expect(toHex((await newKeystore.keyChain()).account)).toBe(alice.publicKey)

    dave = await dave.restart()
    for (const friend of [bob, carol, dave]) {
      const changed = await friend.event('friend:key-changed', (c) => c.peerId === newAlice.peerId)
      expect(changed.data.previousPeerId).toBe(alice.peerId)
      expect(friend.node.friends.isFriend(fresh.publicKey)).toBe(true)
      expect(friend.node.friends.isBlocked(identity.publicKey)).toBe(true)
    }
    await converse(newAlice, bob, 'back on a new machine')
    await converse(bob, newAlice, 'welcome back')
  }, 240_000)
})
