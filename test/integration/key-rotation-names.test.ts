/**
 * A rotated account's username follows it, against a real relay and real nodes: the name
 * alice holds is moved to her new key by the rotation statement, a lookup then answers with
 * the new key, the node under the new key holds the name, and the retired key cannot claim
 * a name again. A move whose statement is forged or not a statement at all is refused with
 * a typed error, and the name stays where it was.
 */
import { describe, expect, it } from 'vitest'
import { DirectoryClient } from '../../node/directory/directory-client.ts'
import { announceKeyRotation } from '../../node/key-rotation.ts'
import { toHex } from '../../protocol/bytes.ts'
import { randomBytes } from '../../protocol/crypto/index.ts'
import { relayForFriendNodes, startFriendNode } from './friends-nodes.ts'
import { rotatingAccounts } from './rotating-account.ts'

const relay = relayForFriendNodes()
const account = rotatingAccounts()

describe('key rotation and usernames', () => {
  it('moves the name to the new key; forged moves are refused', async () => {
    const { dir, identity, rotate } = await account('tokenim-rotating-names-')
    let alice = await startFriendNode(relay(), { identity, dir })
    const bob = await startFriendNode(relay())
    await alice.node.directory.register('alice-rotates')
    expect((await bob.node.directory.lookup('alice-rotates')).publicKey).toBe(alice.publicKey)

    const rotated = await rotate()
    const relayTarget = { peerId: relay().host.peerId }
    const bobClient = new DirectoryClient({ host: bob.node.host, identity: bob.identity })
    const tampered = Uint8Array.from(rotated.statement)
    tampered[tampered.length - 1] ^= 1
    for (const forged of [tampered, randomBytes(200)]) {
      await expect(
        bobClient.moveName(relayTarget, [forged], rotated.identity.publicKey),
      ).rejects.toMatchObject({ name: 'ClaimRefusedError' })
    }
    await bobClient.close()
    expect((await bob.node.directory.lookup('alice-rotates')).publicKey).toBe(alice.publicKey)

    const announced = await announceKeyRotation(
      {
        friends: alice.node.friends,
        messages: alice.node.messages,
        directory: alice.node.directory,
      },
      rotated.statement,
      { rotations: rotated.rotations },
    )
    expect(announced.namesMoved).toEqual([relay().peerId.toString()])
    await alice.stop()
    alice = await startFriendNode(relay(), { identity: rotated.identity, dir })

    const found = await bob.node.directory.lookup('alice-rotates')
    expect(found.publicKey).toBe(toHex(rotated.identity.publicKey))
    expect(found.peerId).toBe(alice.peerId)
    expect(await alice.node.directory.names()).toMatchObject([
      { name: 'alice-rotates', publicKey: toHex(rotated.identity.publicKey) },
    ])
    // Renewing under the new key works: the relay holds the name for it now.
    await alice.node.directory.register('alice-rotates')

    // A replayed move finds nothing to move: the name left the old key.
    const replayer = new DirectoryClient({ host: bob.node.host, identity: bob.identity })
    await expect(
      replayer.moveName(relayTarget, rotated.rotations, rotated.identity.publicKey),
    ).rejects.toMatchObject({ name: 'NameNotFoundError' })
    await replayer.close()
    // The retired key, started again elsewhere, is refused a name on this relay.
    const thief = await startFriendNode(relay(), { identity })
    await expect(thief.node.directory.register('alice-again')).rejects.toMatchObject({
      name: 'ClaimRefusedError',
    })
    await thief.stop()
  }, 120_000)
})
