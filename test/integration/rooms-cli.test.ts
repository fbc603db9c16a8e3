/**
 * The built `tokenim` CLI's room commands against two real nodes on loopback: `rooms create |
 * join | members | role | rename | invite | list | read | remove | leave`, `send --room` and
 * `history --room`, with the lines each prints. Needs `npm run build` first.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LocalApiClient } from '../../client/api-client.ts'
import { EXIT_CODES } from '../../client/cli/exit-codes.ts'
import { runCli } from '../helpers/cli.ts'
import { type LocalNode, startLocalNode } from '../helpers/local-node.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { withTimeout } from '../helpers/wait.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface RoomsUser extends LocalNode {
  client: LocalApiClient
}

async function startUser(): Promise<RoomsUser> {
  const local = await startLocalNode(cleanups)
  return { ...local, client: await LocalApiClient.forDataDir(local.dataDir) }
}

async function cli(user: RoomsUser, ...args: string[]): Promise<string> {
  const result = await runCli([...args, '--data-dir', user.dataDir])
  if (result.code !== 0) throw new Error(`tokenim ${args.join(' ')} failed: ${result.stderr}`)
  return result.stdout
}

/** Resolves once `user` counts `count` members in the room, checking at each gossip heartbeat. */
async function membersReach(user: RoomsUser, roomId: string, count: number): Promise<void> {
  await withTimeout(
    (async () => {
      while ((await user.client.roomMembers(roomId)).members.length !== count) {
        await new Promise((resolve) =>
          user.node.host.services.pubsub.addEventListener('gossipsub:heartbeat', resolve, {
            once: true,
          }),
        )
      }
    })(),
    15_000,
    `${count} members in the room`,
  )
}

describe('rooms CLI', () => {
  it('creates, joins, manages and talks in a room', async () => {
    const alice = await startUser()
    const bob = await startUser()
    await bob.node.host.dial(alice.node.host.getMultiaddrs()[0])
    const bobId = bob.node.peerId

    const created = await cli(alice, 'rooms', 'create', 'cli room', '--invite-only')
    const [, roomId, invite] =
      /^created room "cli room" ([0-9a-f]{64})\ninvite: (\S+)\n$/.exec(created) ?? []
    expect(roomId).toBeDefined()

    expect(await cli(bob, 'rooms', 'join', invite)).toMatch(
      new RegExp(`^joined "cli room" ${roomId} \\(\\d members\\)\n$`),
    )
    await membersReach(alice, roomId, 2)
    expect(await cli(alice, 'rooms', 'members', roomId)).toBe(
      // Alice is "you", online; bob, no friend of hers, goes by his peer id, presence unknown.
      `"cli room" ${roomId}\n  owner   you (${alice.node.peerId})  online\n  member  ${bobId}\n`,
    )
    expect(await cli(alice, 'rooms', 'role', roomId, bobId, 'admin')).toBe(
      `${bobId} is now an admin\n`,
    )
    const wrongRole = await runCli([
      'rooms',
      'role',
      roomId,
      bobId,
      'boss',
      '--data-dir',
      alice.dataDir,
    ])
    expect(wrongRole).toMatchObject({
      code: EXIT_CODES.usage,
      stderr: 'tokenim: UsageError: the role is "admin" or "member"\n',
    })
    expect(await cli(alice, 'rooms', 'rename', roomId, 'renamed')).toBe(
      `renamed ${roomId} to "renamed"\n`,
    )
    expect(await cli(alice, 'rooms', 'invite', roomId)).toMatch(/^\S+\n$/)

    expect(await cli(alice, 'send', '--room', roomId, 'hello', 'room')).toMatch(
      new RegExp(`^sent [0-9a-f]{64} to room ${roomId}\n$`),
    )
    expect(await cli(alice, 'history', '--room', roomId)).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}me: hello room\n$/,
    )
    expect(await cli(alice, 'rooms', 'list')).toMatch(
      new RegExp(`^${roomId} {2}"renamed", 2 members {2}.* {2}me: hello room\n$`),
    )
    expect(await cli(alice, 'rooms', 'read', roomId)).toBe('"renamed" read\n')

    // A mention and a file: bob's history marks the one and names the other.
    await cli(alice, 'send', '--room', roomId, '--mention', bobId, '--bold', 'hi @bob')
    const dir = await makeTempDir('tokenim-rooms-cli-')
    cleanups.push(() => dir.remove())
    await writeFile(join(dir.path, 'notes.txt'), 'x'.repeat(70_000))
    expect(await cli(alice, 'send-file', '--room', roomId, join(dir.path, 'notes.txt'))).toMatch(
      new RegExp(`^complete  notes.txt \\(text/plain, 70000 bytes\\) to room ${roomId}, `),
    )
    await withTimeout(
      (async () => {
        while ((await bob.client.roomHistory(roomId)).messages.length < 3) {
          await new Promise((resolve) =>
            bob.node.rooms.addEventListener('room:message', resolve, { once: true }),
          )
        }
      })(),
      15_000,
      'bob has the three messages',
    )
    const bobSees = await cli(bob, 'history', '--room', roomId)
    expect(bobSees).toMatch(/: \(mentions you\) hi @bob\n/)
    expect(bobSees).toMatch(/: \[file notes\.txt, 70000 bytes\]\n$/)

    expect(await cli(alice, 'rooms', 'remove', roomId, bobId)).toBe(
      `removed ${bobId}; 1 member left\n`,
    )
    expect(await cli(alice, 'rooms', 'leave', roomId)).toBe(`left "renamed" ${roomId}\n`)
  })
})
