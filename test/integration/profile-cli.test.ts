/**
 * The built `tokenim` CLI names people by the profile they signed: bob sets his name and
 * picture with `tokenim profile set --name … --avatar FILE` (the profile of his username
 * follows the name, keeping its bio); alice's `chats`, `history --room`
 * and `rooms members` then say "Bob Wang 王" where they said his peer id, and the room lists
 * her as "you", online, beside bob with the friend list's presence. A picture too large is
 * refused with InvalidAvatarError before anything is sent. Needs `npm run build` first.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { NodeEventMessage } from '../../protocol/local-api.ts'
import { solidPng } from '../helpers/avatar-images.ts'
import { runCli } from '../helpers/cli.ts'
import { waitForEvent } from '../helpers/wait.ts'
import {
  befriend,
  type FriendNode,
  friendNodeFolder,
  relayForFriendNodes,
  startFriendNode,
} from './friends-nodes.ts'

const relay = relayForFriendNodes()
const BOB = 'Bob Wang 王'

async function cli(user: FriendNode, ...args: string[]): Promise<string> {
  const result = await runCli([...args, '--data-dir', user.dataDir])
  if (result.code !== 0) throw new Error(`tokenim ${args.join(' ')} failed: ${result.stderr}`)
  return result.stdout
}

describe('tokenim profile set, and names in the CLI', () => {
  it("sets bob's name and picture; alice's chats, room history and members name him", async () => {
    const alice = await startFriendNode(relay())
    const bob = await startFriendNode(relay())
    await befriend(alice, bob)
    const files = await friendNodeFolder('tokenim-avatar-')
    const picture = join(files.path, 'me.png')
    await writeFile(picture, solidPng(48, 48))
    const tooLarge = join(files.path, 'big.png')
    await writeFile(tooLarge, solidPng(400, 400))

    const refused = await runCli([
      'profile',
      'set',
      '--avatar',
      tooLarge,
      '--data-dir',
      bob.dataDir,
    ])
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toMatch(/96/)
    expect((await bob.api.ownProfile()).profile).toBeNull()

    const bobName = await bob.api.registerName({ name: 'bob' })
    await bob.api.setProfile({ bio: 'likes tea' })
    const set = await cli(bob, 'profile', 'set', '--name', BOB, '--avatar', picture)
    expect(set).toContain(BOB)
    expect(set).toContain(picture)
    // One display name: his username's profile follows it, and keeps what it held.
    expect(set).toContain('profile published')
    expect((await bob.api.lookupName(bobName.scopedName)).profile).toMatchObject({
      displayName: BOB,
      bio: 'likes tea',
    })
    await alice.event('profile:changed', (data) => data.peerId === bob.peerId)

    await bob.api.sendMessage(alice.peerId, 'hello from bob')
    await alice.event('message:received', (message) => message.text === 'hello from bob')
    const chats = await cli(alice, 'chats')
    expect(chats).toContain(`${BOB} (1 unread)`)
    expect(chats).not.toContain(bob.peerId)

    const room = await alice.api.createRoom({ name: 'cli faces' })
    await bob.api.joinRoom({ room: room.invite })
    const arrived = waitForEvent<NodeEventMessage<'room:message'>>(alice.node, 'room:message', {
      timeoutMs: 20_000,
      filter: (event) => event.data.text === 'hi room',
    })
    await bob.api.sendRoomMessage(room.roomId, 'hi room')
    await arrived
    const history = await cli(alice, 'history', '--room', room.roomId)
    expect(history).toContain(`${BOB}: hi room`)
    const members = await cli(alice, 'rooms', 'members', room.roomId)
    expect(members).toMatch(new RegExp(`you \\(${alice.peerId}\\)  online`))
    await alice.event('presence:changed', (p) => p.peerId === bob.peerId && p.online)
    expect(await cli(alice, 'rooms', 'members', room.roomId)).toMatch(
      new RegExp(`${BOB} \\(${bob.peerId}\\)  online`),
    )
    // The API's member list says the same: us online, a friend as the friend list says.
    const { members: listed } = await alice.api.roomMembers(room.roomId)
    expect(Object.fromEntries(listed.map((member) => [member.peerId, member.online]))).toEqual({
      [alice.peerId]: true,
      [bob.peerId]: true,
    })
  }, 120_000)
})
