import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenimNode, generateIdentity, type TokenimNode } from '../../node/index.ts'
import type { LookupView, NameView, SearchView } from '../../protocol/local-api.ts'
import type { RelayNode } from '../../relay/index.ts'
import { runCli } from '../helpers/cli.ts'
import {
  createNetwork,
  type Network,
  relayAddress,
  waitForRelay,
} from '../helpers/relay-network.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

// Runs the built CLI (`npm run build` first; `npm test` does) against in-process nodes.
let network: Network
let relay: RelayNode
const nodes: Array<{ node: TokenimNode; dataDir: string; remove(): Promise<void> }> = []

async function startNode(): Promise<{ node: TokenimNode; dataDir: string }> {
  const dir = await makeTempDir('tokenim-cli-node-')
  const node = await createTokenimNode({
    dataDir: dir.path,
    identity: generateIdentity(),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    apiPort: 0,
    allowPrivateAddresses: true,
    relays: [relayAddress(relay)],
  })
  nodes.push({ node, dataDir: dir.path, remove: dir.remove })
  await waitForRelay(node, relay)
  return { node, dataDir: dir.path }
}

beforeAll(async () => {
  network = createNetwork()
  relay = await network.relay()
}, 30_000)

afterAll(async () => {
  for (const { node, remove } of nodes.splice(0)) {
    await node.stop()
    await remove()
  }
  await network?.close()
})

describe('tokenim register / lookup / search / profile', () => {
  it('claims a name, publishes a profile, and lets another user find and verify it', async () => {
    const alice = await startNode()
    const bob = await startNode()

    const registered = await runCli(['register', 'Alice', '--data-dir', alice.dataDir, '--json'])
    expect(registered.code).toBe(0)
    const name = JSON.parse(registered.stdout) as NameView
    expect(name).toMatchObject({
      name: 'alice',
      peerId: alice.node.peerId,
      relayPeerId: relay.peerId.toString(),
    })

    const profile = await runCli([
      'profile',
      'set',
      '--display-name',
      'Alice',
      '--bio',
      'likes tea',
      '--data-dir',
      alice.dataDir,
    ])
    expect(profile.code).toBe(0)
    expect(profile.stdout).toMatch(/display name +Alice/)

    const lookup = await runCli(['lookup', 'alice', '--json', '--data-dir', bob.dataDir])
    expect(lookup.code).toBe(0)
    expect(JSON.parse(lookup.stdout) as LookupView).toMatchObject({
      scopedName: `alice@${relay.peerId}`,
      peerId: alice.node.peerId,
      source: 'relay',
      profile: { displayName: 'Alice', bio: 'likes tea' },
    })

    const search = await runCli(['search', 'ali', '--json', '--data-dir', bob.dataDir])
    expect((JSON.parse(search.stdout) as SearchView).results.map((hit) => hit.name)).toEqual([
      'alice',
    ])

    const taken = await runCli(['register', 'ALICE', '--data-dir', bob.dataDir])
    expect(taken.code).toBe(1)
    expect(taken.stderr).toMatch(/^tokenim: NameTakenError: "alice" is taken/)

    const missing = await runCli(['lookup', 'nobody-at-all', '--data-dir', bob.dataDir])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('NameNotFoundError')
  }, 60_000)
})
