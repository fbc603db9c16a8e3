import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Keystore } from '../../node/index.ts'
import type { LookupView, NameView, SearchView } from '../../protocol/local-api.ts'
import type { RelayNode } from '../../relay/index.ts'
import { runCli, spawnCli } from '../helpers/cli.ts'
import { type LocalNode, startLocalNode } from '../helpers/local-node.ts'
import {
  createNetwork,
  type Network,
  relayAddress,
  waitForRelay,
} from '../helpers/relay-network.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { withTimeout } from '../helpers/wait.ts'

// Runs the built CLI (`npm run build` first; `npm test` does) against in-process nodes.
let network: Network
let relay: RelayNode
const cleanups: Array<() => Promise<void>> = []

async function startNode(): Promise<LocalNode> {
  const local = await startLocalNode(cleanups, { relays: [relayAddress(relay)] })
  await waitForRelay(local.node, relay)
  return local
}

beforeAll(async () => {
  network = createNetwork()
  relay = await network.relay()
}, 30_000)

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
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

  it('tokenim start says "signed in elsewhere" when the identity starts on another device', async () => {
    const password = 'correct horse battery staple 42'
    const laptopDir = await makeTempDir('tokenim-cli-laptop-')
    cleanups.push(() => laptopDir.remove())
    const init = await runCli(['init', '--data-dir', laptopDir.path], {
      TOKENIM_PASSWORD: password,
    })
    expect(init.code, init.stderr).toBe(0)
    const laptop = await spawnCli(
      [
        'start',
        '--data-dir',
        laptopDir.path,
        '--listen',
        '/ip4/127.0.0.1/tcp/0',
        '--allow-private-addresses',
        '--relay',
        relayAddress(relay),
      ],
      'is running',
      { TOKENIM_PASSWORD: password },
    )
    cleanups.push(async () => {
      if (laptop.child.exitCode == null) laptop.child.kill('SIGKILL')
      await laptop.exited
    })
    // Whether the relay hears from the laptop before or after the phone, the laptop is told:
    // pushed on its session stream, or in answer to its (older) announcement.
    // The same identity, started on a second machine (its own data dir).
    const identity = await new Keystore(laptopDir.path).unlock(password)
    await startLocalNode(cleanups, { identity, apiPort: false, relays: [relayAddress(relay)] })
    expect(await withTimeout(laptop.exited, 20_000, 'laptop node exit')).toBe(0)
    expect(laptop.output()).toContain('node stopped: signed in elsewhere')
  }, 60_000)
})
