/**
 * Our key statements are put in the DHT again by the node under the current key, against
 * real nodes and a real relay (a DHT server with the shared rules): alice rotates without
 * putting the statement anywhere (as if the holders had dropped it after their 48 hours);
 * once her node runs under the new key, a stranger who knows only her old key finds the
 * rotation there, and a round put by hand is confirmed by a holder.
 */
import { describe, expect, it } from 'vitest'
import { findKeyRotations } from '../../node/friends/rotation-dht.ts'
import { republishOwnStatements } from '../../node/friends/statement-republish.ts'
import { toHex } from '../../protocol/bytes.ts'
import { relayForFriendNodes, startFriendNode } from './friends-nodes.ts'
import { rotatingAccounts } from './rotating-account.ts'

const relay = relayForFriendNodes()
const account = rotatingAccounts()

describe('own key statements kept in the DHT', () => {
  it('the node under the new key puts its rotation in the DHT again', async () => {
    const { dir, identity, keystore, rotate } = await account('tokenim-republishing-')
    let alice = await startFriendNode(relay(), { identity, dir })
    const stranger = await startFriendNode(relay())
    await alice.stop()
    const rotated = await rotate()
    const newKey = toHex(rotated.identity.publicKey)
    // Nothing under the old key yet: nobody put it.
    expect(await findKeyRotations(stranger.node.host.services.dht, identity.publicKey)).toEqual([])

    alice = await startFriendNode(relay(), { identity: rotated.identity, dir })
    // Each look-up is a DHT query: ask again until the start-up round has landed.
    const deadline = Date.now() + 30_000
    let found: string[] = []
    while (found.length === 0 && Date.now() < deadline) {
      const chain = await findKeyRotations(stranger.node.host.services.dht, identity.publicKey)
      found = chain.map((statement) => toHex(statement.newKey))
    }
    expect(found).toEqual([newKey])

    const confirmed = await republishOwnStatements({
      dht: alice.node.host.services.dht,
      statements: () => keystore.keyChain(),
      log: alice.node.host.logger.forComponent('test'),
    })
    expect(confirmed).toBe(1)
  }, 120_000)
})
