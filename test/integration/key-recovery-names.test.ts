/**
 * A recovered account's username follows it, against a real relay and real nodes: alice
 * (who never rotated) holds a name, recovers with her phrase, and her node under the new key
 * moves the name; the relay checks the recovery against the commitment her device list in
 * the DHT carries. A recovery signed by anyone else's recovery key, naming alice's key, is
 * refused and the name stays put.
 */
import { describe, expect, it } from 'vitest'
import { DirectoryClient } from '../../node/directory/directory-client.ts'
import { announceKeyRecovery } from '../../node/key-rotation.ts'
import { signKeyRecovery } from '../../protocol/accounts/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import { relayForFriendNodes, startFriendNode } from './friends-nodes.ts'
import { RECOVERY_PASSWORD, recoveringAccount } from './recovering-account.ts'

const relay = relayForFriendNodes()

describe('key recovery and usernames', () => {
  it("moves the name to the recovered key; an impostor's recovery is refused", async () => {
    const { dir, keystore, identity, backupPhrase, commitment } = await recoveringAccount(
      'tokenim-recovering-names-',
    )
    let alice = await startFriendNode(relay(), { identity, dir })
    const bob = await startFriendNode(relay())
    await alice.node.directory.register('alice-recovers')
    expect(toHex(alice.node.devices.own().nextRecovery)).toBe(toHex(commitment))
    expect((await alice.node.devices.publish()).confirmed).toBeGreaterThan(0)

    // Mallory signs a "recovery" of alice's key with a recovery key of her own.
    const mallory = generateEd25519KeyPair()
    const forged = signKeyRecovery(generateEd25519KeyPair(), mallory, {
      oldKey: identity.publicKey,
      sequence: 1,
      atMs: Date.now(),
      nextRecovery: new Uint8Array(32).fill(3),
    })
    const malloryClient = new DirectoryClient({ host: bob.node.host, identity: bob.identity })
    await expect(
      malloryClient.moveName({ peerId: relay().host.peerId }, [], mallory.publicKey, {
        recoveries: [forged],
      }),
    ).rejects.toMatchObject({ name: 'ClaimRefusedError' })
    await malloryClient.close()
    expect((await bob.node.directory.lookup('alice-recovers')).publicKey).toBe(alice.publicKey)

    const recovered = await keystore.recover(RECOVERY_PASSWORD, backupPhrase)
    await alice.node.messages.retireOwnKey()
    await alice.stop()
    alice = await startFriendNode(relay(), { identity: recovered.identity, dir })
    const { rotations, recoveries } = await keystore.keyChain()
    const announced = await announceKeyRecovery(
      {
        friends: alice.node.friends,
        messages: alice.node.messages,
        directory: alice.node.directory,
      },
      recovered.statement,
      { rotations, recoveries },
    )
    expect(announced.namesMoved).toEqual([relay().peerId.toString()])
    const found = await bob.node.directory.lookup('alice-recovers')
    expect(found.publicKey).toBe(toHex(recovered.identity.publicKey))
    // The node under the recovered key renews it: the relay holds the name for it now.
    await alice.node.directory.register('alice-recovers')
  }, 120_000)
})
