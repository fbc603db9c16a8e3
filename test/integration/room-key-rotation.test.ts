/**
 * Rooms across a key rotation, on real libp2p nodes with real LevelDB: alice owns a room
 * with bob and carol and rotates her key. Her room service hands the move over before the
 * node stops (or, when that did not happen, makes it at its start under the new key); bob and carol
 * take her new key as the same member (owner still), see the "changed their key" line,
 * start fresh sender keys, and all three go on talking. A copy of alice's old node, started
 * under the old key, receives the new messages but cannot read them.
 */
import { cp } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { peerIdOf } from '../../node/identity/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { openFriendProfile, signFriendProfile } from '../../protocol/friend-profile.ts'
import type { RoomMessageView } from '../../protocol/local-api.ts'
import { roomTopic } from '../../protocol/rooms/index.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { keysSettled, meshFormed, RoomNetwork, type RoomPeer, waitUntil } from './room-network.ts'
import { type RotatingAccount, rotatingAccounts } from './rotating-account.ts'

const account = rotatingAccounts()

function texts(peer: RoomPeer, roomId: string): string[] {
  return peer.rooms.history(roomId, { limit: 500 }).messages.map((m) => m.text)
}

function sees(peer: RoomPeer, roomId: string, wanted: string[]): boolean {
  const shown = texts(peer, roomId)
  return wanted.every((text) => shown.includes(text))
}

/**
 * alice (a rotating account) owns `roomId`; bob and carol are members; everyone talked.
 * `ownProfile`: alice's signed profile, which her room carries.
 */
async function roomOfThree(
  network: RoomNetwork,
  alice: RotatingAccount,
  inviteOnly: boolean,
  ownProfile?: () => Uint8Array,
) {
  const dir = await makeTempDir('tokenim-room-alice-')
  const owner = await network.start({ identity: alice.identity, dataDir: dir.path, ownProfile })
  const { roomId, invite } = await owner.rooms.create('rotation', { inviteOnly })
  const bob = await network.start()
  const carol = await network.start()
  await network.connectAll()
  for (const member of [bob, carol]) await member.rooms.join(invite)
  const everyone = [owner, bob, carol]
  await waitUntil(everyone, () => keysSettled(everyone, roomId, 3), 'keys settled')
  await waitUntil(everyone, () => meshFormed(everyone, roomId, 2), 'mesh formed')
  const before = ['alice before', 'bob before', 'carol before']
  for (const [i, peer] of everyone.entries()) await peer.rooms.send(roomId, before[i])
  await waitUntil(everyone, () => everyone.every((p) => sees(p, roomId, before)), 'before seen')
  return { dir, owner, bob, carol, roomId }
}

function subscribedToEachOther(peers: RoomPeer[], roomId: string): boolean {
  return peers.every((peer) => {
    const subscribers = peer.host.services.pubsub.getSubscribers(roomTopic(roomId))
    return peers.every(
      (other) => other === peer || subscribers.some((s) => s.equals(other.host.peerId)),
    )
  })
}

function keyChangeLine(peer: RoomPeer, roomId: string): RoomMessageView | undefined {
  return peer.rooms.history(roomId, { limit: 500 }).messages.find((m) => m.keyChange != null)
}

describe('rooms across a key rotation', () => {
  it('a 3-member room keeps alice under her new key, and her old key reads nothing new', async () => {
    const network = new RoomNetwork()
    const alice = await account('tokenim-room-rotating-')
    const { dir, owner, bob, carol, roomId } = await roomOfThree(network, alice, true)
    const oldKey = owner.keyHex
    try {
      // A copy of alice's node as it stands before the rotation: the old key's device.
      await owner.stop()
      const copy = await makeTempDir('tokenim-room-old-alice-')
      await cp(dir.path, copy.path, { recursive: true })
      const aliceOld = await network.start({ identity: alice.identity, dataDir: dir.path })
      await network.connectAll()
      // Gossipsub backs off re-grafting a peer that came back; its publishes flood to every
      // subscriber anyway, which is what the hand-over needs.
      const peers = [aliceOld, bob, carol]
      await waitUntil(peers, () => subscribedToEachOther(peers, roomId), 'subscribed again')

      const rotated = await alice.rotate()
      const chain = await alice.keystore.keyChain()
      expect(await aliceOld.rooms.handOverKey(rotated.identity, chain)).toEqual([roomId])
      await aliceOld.stop()
      const newKey = toHex(rotated.identity.publicKey)
      const movedEverywhere = (peers: RoomPeer[]) =>
        peers.every((p) => {
          const members = p.rooms.members(roomId).members
          return (
            members.some((m) => m.publicKey === newKey && m.role === 'owner') &&
            !members.some((m) => m.publicKey === oldKey)
          )
        })
      await waitUntil(
        [bob, carol],
        () => movedEverywhere([bob, carol]),
        'bob and carol moved alice',
      )

      const aliceNew = await network.start({
        identity: rotated.identity,
        dataDir: dir.path,
        keyStatements: () => alice.keystore.keyChain(),
      })
      const stale = await network.start({ identity: alice.identity, dataDir: copy.path })
      await network.connectAll()
      const three = [aliceNew, bob, carol]
      expect(movedEverywhere([aliceNew])).toBe(true)
      expect(aliceNew.rooms.listRooms()[0].role).toBe('owner')
      await waitUntil(three, () => keysSettled(three, roomId, 3), 'fresh keys settled')

      // Bob and carol show one line for the change, naming the old key.
      for (const peer of [bob, carol]) {
        const line = keyChangeLine(peer, roomId)
        expect(line?.author).toBe(newKey)
        expect(line?.keyChange?.previousPeerId).toBe(peerIdOf(alice.identity).toString())
      }
      // Everyone re-keyed: bob's chain now is not the one alice's old key was given.
      const bobChainsBefore = stale.rooms.senderKeyIds(roomId, bob.keyHex)

      const after = ['alice after', 'bob after', 'carol after']
      for (const [i, peer] of three.entries()) await peer.rooms.send(roomId, after[i])
      await waitUntil(three, () => three.every((p) => sees(p, roomId, after)), 'after seen', 30_000)
      expect(texts(bob, roomId)).toEqual([
        'alice before',
        'bob before',
        'carol before',
        keyChangeLine(bob, roomId)!.text,
        ...after,
      ])

      // The old key's device learns of the move and leaves the topic; still holding the invite
      // secret, it can fetch bob's new message by sync, but it has no key to read it.
      const bobAfter = bob.rooms
        .heldEvents(roomId)
        .find(
          (e) =>
            e.authorHex === bob.keyHex &&
            bob.rooms
              .history(roomId)
              .messages.some((m) => m.id === e.idHex && m.text === 'bob after'),
        )!
      const staleHolds = () =>
        stale.rooms.heldEvents(roomId).some((e) => e.idHex === bobAfter.idHex)
      await waitUntil(
        [stale, bob],
        () => {
          if (!staleHolds()) void stale.rooms.syncWith(roomId, bob.host.peerId, { force: true })
          return staleHolds()
        },
        "the old key holds bob's new message",
      )
      expect(stale.rooms.listRooms()[0].role).toBeNull()
      expect(bobChainsBefore).not.toContain(toHex(bobAfter.event.message!.keyId))
      expect(stale.rooms.senderKeyIds(roomId, bob.keyHex)).not.toContain(
        toHex(bobAfter.event.message!.keyId),
      )
      expect(texts(stale, roomId)).not.toContain('bob after')
      await copy.remove()
    } finally {
      await network.stopAll()
      await dir.remove()
    }
  })

  it('a rotation not handed over moves alice when her node starts under the new key', async () => {
    const network = new RoomNetwork()
    const alice = await account('tokenim-room-rotating-late-')
    // Her name in the room, signed by her first key; after the rotation, re-signed by the new
    // key with a higher version (as node/profiles does at the start under a new key).
    const before = signFriendProfile(alice.identity, { version: 1, displayName: 'Alice 艾' })
    // Invite-only: alice's new key is unknown to bob and carol until they take the move, and
    // they answer her syncs through the proof of the invite she holds as the owner.
    const { dir, owner, bob, carol, roomId } = await roomOfThree(network, alice, true, () => before)
    /** The profile each member's room shows for `memberHex` (its record's signer), if any. */
    const profileIn = (peer: RoomPeer, memberHex: string) =>
      peer.rooms.memberProfiles(roomId).find((p) => p.member === memberHex)
    try {
      const oldKey = owner.keyHex
      expect(profileIn(bob, oldKey)?.record).toEqual(before)
      await owner.stop()
      const rotated = await alice.rotate()
      const after = signFriendProfile(rotated.identity, { version: 2, displayName: 'Alice 艾' })
      const aliceNew = await network.start({
        identity: rotated.identity,
        dataDir: dir.path,
        keyStatements: () => alice.keystore.keyChain(),
        ownProfile: () => after,
      })
      await network.connectAll()
      const three = [aliceNew, bob, carol]
      const newKey = toHex(rotated.identity.publicKey)
      await waitUntil(
        three,
        () =>
          three.every((p) =>
            p.rooms
              .members(roomId)
              .members.some((m) => m.publicKey === newKey && m.role === 'owner'),
          ),
        'everyone moved alice',
      )
      await waitUntil(three, () => keysSettled(three, roomId, 3), 'fresh keys settled')
      await aliceNew.rooms.send(roomId, 'alice after')
      await bob.rooms.send(roomId, 'bob after')
      await waitUntil(
        three,
        () => three.every((p) => sees(p, roomId, ['alice after', 'bob after'])),
        'after seen',
      )
      expect(keyChangeLine(carol, roomId)?.author).toBe(newKey)

      // The re-signed profile reaches the room under the new key; the old key names nobody.
      await aliceNew.rooms.publishProfile()
      await waitUntil(
        three,
        () =>
          [bob, carol].every((p) =>
            Buffer.from(after).equals(Buffer.from(profileIn(p, newKey)?.record ?? [])),
          ),
        'the new key’s profile everywhere',
      )
      for (const peer of [bob, carol]) {
        expect(openFriendProfile(profileIn(peer, newKey)!.record).account).toEqual(
          rotated.identity.publicKey,
        )
        expect(profileIn(peer, oldKey)).toBeUndefined()
      }
      // Once there, publishing again adds nothing.
      const held = aliceNew.rooms.heldEvents(roomId).length
      await aliceNew.rooms.publishProfile()
      expect(aliceNew.rooms.heldEvents(roomId).length).toBe(held)
    } finally {
      await network.stopAll()
      await dir.remove()
    }
  })
})
