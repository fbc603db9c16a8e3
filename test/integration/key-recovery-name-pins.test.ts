/**
 * A relay pins an account's recovery commitment when a name is claimed, against a real relay,
 * real nodes and LevelDB: a thief holding alice's account key who publishes a device list with
 * a commitment of its own, and signs a "recovery" with its own recovery key, gets nothing; a
 * thief who moved the name with a rotation signed by the stolen key loses it to alice's
 * recovery, which does not carry the thief's rotation.
 */
import { describe, expect, it } from 'vitest'
import { DirectoryClient } from '../../node/directory/directory-client.ts'
import { announceKeyRecovery } from '../../node/key-rotation.ts'
import { putRecord } from '../../node/mailbox/dht-records.ts'
import {
  deviceListDhtKey,
  recoveryCommitment,
  signDeviceList,
  signKeyRecovery,
  signKeyRotation,
} from '../../protocol/accounts/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import { type FriendNode, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'
import { RECOVERY_PASSWORD, recoveringAccount } from './recovering-account.ts'

const relay = relayForFriendNodes()

/** alice holds `name` on the relay, which pinned her commitment. */
async function aliceWithName(prefix: string, name: string) {
  const account = await recoveringAccount(prefix)
  const alice = await startFriendNode(relay(), { identity: account.identity, dir: account.dir })
  expect((await alice.node.devices.publish()).confirmed).toBeGreaterThan(0)
  const directory = relay().host.services.directory!
  const pinned = new Promise<void>((resolve) => {
    const onPinned = (event: CustomEvent<{ name: string }>) => {
      if (event.detail.name !== name) return
      directory.removeEventListener('name:pinned', onPinned)
      resolve()
    }
    directory.addEventListener('name:pinned', onPinned)
  })
  await alice.node.directory.register(name)
  await pinned
  return { ...account, alice }
}

/** The account after alice recovers with her phrase; the node under the new key announces it. */
async function recoverAlice(account: Awaited<ReturnType<typeof aliceWithName>>) {
  const recovered = await account.keystore.recover(RECOVERY_PASSWORD, account.backupPhrase)
  await account.alice.node.messages.retireOwnKey()
  await account.alice.stop()
  const alice = await startFriendNode(relay(), { identity: recovered.identity, dir: account.dir })
  const { rotations, recoveries } = await account.keystore.keyChain()
  const announced = await announceKeyRecovery(
    { friends: alice.node.friends, messages: alice.node.messages, directory: alice.node.directory },
    recovered.statement,
    { rotations, recoveries },
  )
  return { alice, announced, newKey: toHex(recovered.identity.publicKey) }
}

async function carrier(bob: FriendNode) {
  return new DirectoryClient({ host: bob.node.host, identity: bob.identity })
}

describe('a relay pins the recovery commitment when a name is claimed', () => {
  it("a thief's device list with a commitment of its own wins no name", async () => {
    const account = await aliceWithName('tokenim-pinned-', 'alice-pinned')
    const bob = await startFriendNode(relay())
    // The thief holds alice's key: it publishes a newer device list naming its own commitment.
    const thiefRecovery = generateEd25519KeyPair()
    const own = account.alice.node.devices.own()
    const forgedList = signDeviceList(account.identity, {
      version: own.version + 1,
      devices: own.devices.map((device) => device.record),
      revoked: [],
      nextRecovery: recoveryCommitment(thiefRecovery.publicKey),
    })
    const put = await putRecord(
      bob.node.host.services.dht,
      deviceListDhtKey(account.identity.publicKey),
      forgedList,
      { timeoutMs: 10_000 },
    )
    expect(put.confirmed).toBeGreaterThan(0)
    const thief = generateEd25519KeyPair()
    const forged = signKeyRecovery(thiefRecovery, thief, {
      oldKey: account.identity.publicKey,
      sequence: 1,
      atMs: Date.now(),
      nextRecovery: recoveryCommitment(generateEd25519KeyPair().publicKey),
    })
    const client = await carrier(bob)
    await expect(
      client.moveName({ peerId: relay().host.peerId }, [], thief.publicKey, {
        recoveries: [forged],
      }),
    ).rejects.toMatchObject({ name: 'ClaimRefusedError' })
    await client.close()
    expect((await bob.node.directory.lookup('alice-pinned')).publicKey).toBe(
      account.alice.publicKey,
    )
  }, 120_000)

  it("alice's recovery takes back the name a thief moved with her stolen key", async () => {
    const account = await aliceWithName('tokenim-pinned-robbed-', 'alice-robbed')
    const bob = await startFriendNode(relay())
    const thief = generateEd25519KeyPair()
    const theft = signKeyRotation(account.identity, thief, {
      sequence: 1,
      atMs: Date.now(),
      nextRecovery: (await account.keystore.keyChain()).commitment,
    })
    const client = await carrier(bob)
    await client.moveName({ peerId: relay().host.peerId }, [theft], thief.publicKey)
    await client.close()
    expect((await bob.node.directory.lookup('alice-robbed')).publicKey).toBe(toHex(thief.publicKey))

    const { announced, newKey } = await recoverAlice(account)
    expect(announced.namesMoved).toEqual([relay().peerId.toString()])
    expect((await bob.node.directory.lookup('alice-robbed')).publicKey).toBe(newKey)
    // The thief's key is retired on the relay: it cannot claim a name there again.
    const again = await carrier(bob)
    await expect(
      again.moveName({ peerId: relay().host.peerId }, [theft], thief.publicKey),
    ).rejects.toMatchObject({ name: 'NameNotFoundError' })
    await again.close()
  }, 120_000)
})
