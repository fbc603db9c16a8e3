/**
 * Rooms across a recovery, on real libp2p nodes with real LevelDB: alice's CREATE pins her
 * recovery commitment in the room. When she recovers with her phrase (never having rotated),
 * her MOVE_KEY carries only the recovery statement, and bob's room checks it against the
 * pinned commitment and keeps her as owner under the new key. When a thief with a copy of
 * her folder moved her membership to its own key first, her recovery takes it back: the
 * thief's key leaves the room and alice, under her recovered key, talks with bob again.
 */
import { cp } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { Keystore } from '../../node/identity/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { RECOVERY_PASSWORD, RECOVERY_SCRYPT } from './recovering-account.ts'
import { keysSettled, RoomNetwork, type RoomPeer, waitUntil } from './room-network.ts'

async function account(prefix: string) {
  const dir = await makeTempDir(prefix)
  const keystore = new Keystore(dir.path, { scrypt: RECOVERY_SCRYPT })
  const { identity, backupPhrase } = await keystore.create(RECOVERY_PASSWORD)
  return { dir, keystore, identity, backupPhrase }
}

type Account = Awaited<ReturnType<typeof account>>

/** alice owns an open room (her CREATE carries her commitment), bob is a member. */
async function aliceAndBob(network: RoomNetwork, alice: Account) {
  const owner = await network.start({
    identity: alice.identity,
    dataDir: alice.dir.path,
    keyStatements: () => alice.keystore.keyChain(),
  })
  const { roomId } = await owner.rooms.create('recovery', { inviteOnly: false })
  const bob = await network.start()
  await network.connectAll()
  await bob.rooms.join(roomId, { via: [owner.host.peerId.toString()] })
  await waitUntil([owner, bob], () => keysSettled([owner, bob], roomId, 2), 'keys settled')
  return { owner, bob, roomId }
}

/**
 * `peer`, just started, dials `bob`, bounded. (network.connectAll() hung here in 3 of 7 runs:
 * bob's dial of the node started on alice's folder under her recovered key never settled.)
 */
async function meet(peer: RoomPeer, bob: RoomPeer): Promise<void> {
  await peer.host.dial(bob.host.peerId, { signal: AbortSignal.timeout(10_000) })
}

function ownerOf(peer: RoomPeer, roomId: string): string | undefined {
  return peer.rooms.members(roomId).members.find((m) => m.role === 'owner')?.publicKey
}

function memberKeys(peer: RoomPeer, roomId: string): string[] {
  return peer.rooms.members(roomId).members.map((m) => m.publicKey)
}

/** alice, under her recovered key, and bob read each other's new messages. */
async function talkAfter(network: RoomNetwork, alice: Account, bob: RoomPeer, roomId: string) {
  const recovered = await network.start({
    identity: await alice.keystore.unlock(RECOVERY_PASSWORD),
    dataDir: alice.dir.path,
    keyStatements: () => alice.keystore.keyChain(),
  })
  await meet(recovered, bob)
  const two = [recovered, bob]
  await waitUntil(two, () => keysSettled(two, roomId, 2), 'fresh keys settled', 30_000)
  await recovered.rooms.send(roomId, 'alice after recovery')
  await bob.rooms.send(roomId, 'bob after recovery')
  const shows = (peer: RoomPeer) => {
    const texts = peer.rooms.history(roomId, { limit: 500 }).messages.map((m) => m.text)
    return texts.includes('alice after recovery') && texts.includes('bob after recovery')
  }
  await waitUntil(two, () => two.every(shows), 'both read the other', 30_000)
}

describe('rooms across a recovery', () => {
  it('a recovery with the phrase and no rotation before keeps alice the owner', async () => {
    const network = new RoomNetwork()
    const alice = await account('tokenim-room-recovering-')
    try {
      const { owner, bob, roomId } = await aliceAndBob(network, alice)
      const recovered = await alice.keystore.recover(RECOVERY_PASSWORD, alice.backupPhrase)
      const chain = await alice.keystore.keyChain()
      expect(chain.rotations).toEqual([])
      expect(await owner.rooms.handOverKey(recovered.identity, chain)).toEqual([roomId])
      await owner.stop()
      const newKey = toHex(recovered.identity.publicKey)
      await waitUntil([bob], () => ownerOf(bob, roomId) === newKey, 'bob moved alice')
      expect(memberKeys(bob, roomId)).not.toContain(toHex(alice.identity.publicKey))
      await talkAfter(network, alice, bob, roomId)
    } finally {
      await network.stopAll()
      await alice.dir.remove()
    }
  }, 120_000)

  it("alice's recovery takes back the membership a thief moved to its own key", async () => {
    const network = new RoomNetwork()
    const alice = await account('tokenim-room-robbed-')
    const thiefDir = await makeTempDir('tokenim-room-thief-')
    try {
      const { owner, bob, roomId } = await aliceAndBob(network, alice)
      await owner.stop()
      // The thief: a copy of alice's folder, her password, and the first move.
      await cp(alice.dir.path, thiefDir.path, { recursive: true })
      const thiefKeystore = new Keystore(thiefDir.path, { scrypt: RECOVERY_SCRYPT })
      const thiefOld = await network.start({ identity: alice.identity, dataDir: thiefDir.path })
      await meet(thiefOld, bob)
      const stolen = await thiefKeystore.rotate(RECOVERY_PASSWORD)
      const thiefChain = await thiefKeystore.keyChain()
      expect(await thiefOld.rooms.handOverKey(stolen.identity, thiefChain)).toEqual([roomId])
      await thiefOld.stop()
      const thiefKey = toHex(stolen.identity.publicKey)
      await waitUntil([bob], () => ownerOf(bob, roomId) === thiefKey, 'bob follows the thief')

      // Alice, back on her folder under her old key, learns of the thief's move, then recovers.
      const aliceOld = await network.start({
        identity: alice.identity,
        dataDir: alice.dir.path,
        keyStatements: () => alice.keystore.keyChain(),
      })
      await meet(aliceOld, bob)
      await waitUntil(
        [aliceOld, bob],
        () => {
          const moved = ownerOf(aliceOld, roomId) === thiefKey
          if (!moved) void aliceOld.rooms.syncWith(roomId, bob.host.peerId, { force: true })
          return moved
        },
        "alice's node holds the thief's move",
      )
      const recovered = await alice.keystore.recover(RECOVERY_PASSWORD, alice.backupPhrase)
      const chain = await alice.keystore.keyChain()
      // Her chain knows nothing of the thief's rotation: the room's pinned commitment decides.
      expect(chain.rotations).toEqual([])
      expect(await aliceOld.rooms.handOverKey(recovered.identity, chain)).toEqual([roomId])
      await aliceOld.stop()
      const newKey = toHex(recovered.identity.publicKey)
      await waitUntil([bob], () => ownerOf(bob, roomId) === newKey, 'bob moves alice back')
      expect(memberKeys(bob, roomId)).not.toContain(thiefKey)
      expect(memberKeys(bob, roomId)).not.toContain(toHex(alice.identity.publicKey))
      await talkAfter(network, alice, bob, roomId)
    } finally {
      await network.stopAll()
      await alice.dir.remove()
      await thiefDir.remove()
    }
  }, 120_000)
})
