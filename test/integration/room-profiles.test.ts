/**
 * Names and faces of room members who are not friends, between two full nodes on loopback
 * (real libp2p, real LevelDB, the local API): carol, no friend of alice's, joins alice's room;
 * alice's member list shows carol's display name and avatar and carol's shows alice's (whose
 * profile was in the room before carol came), a later change of carol's name shows at
 * alice's (in her member list and on carol's messages, through the built CLI: `rooms members`
 * and `history --room`; needs `npm run build`), and a profile carol's node puts in the room
 * signed by another key is refused and changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { LocalApiClient } from '../../client/api-client.ts'
import type { TokenimNode } from '../../node/index.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import { signFriendProfile } from '../../protocol/friend-profile.ts'
import type { PersonProfile } from '../../protocol/local-api.ts'
import { RoomOpKind } from '../../protocol/rooms/index.ts'
import { solidPng } from '../helpers/avatar-images.ts'
import { runCli } from '../helpers/cli.ts'
import { startLocalNode } from '../helpers/local-node.ts'
import { waitForEvent } from '../helpers/wait.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface User {
  node: TokenimNode
  client: LocalApiClient
  dataDir: string
}

async function startUser(): Promise<User> {
  const local = await startLocalNode(cleanups, {
    rooms: { syncIntervalMs: 2_000, keyRetryIntervalMs: 1_000, minSyncGapMs: 200 },
  })
  return { ...local, client: await LocalApiClient.forDataDir(local.dataDir) }
}

async function memberProfile(
  reader: User,
  roomId: string,
  of: User,
): Promise<PersonProfile | undefined> {
  const { members } = await reader.client.roomMembers(roomId)
  return members.find((member) => member.peerId === of.node.peerId)?.profile
}

/** Resolves once `reader` holds a profile of `owner` that `accept` takes. */
function memberProfileTaken(
  reader: User,
  owner: User,
  accept: (detail: { displayName: string }) => boolean = () => true,
): Promise<unknown> {
  return waitForEvent<{ peer: Uint8Array; profile: { displayName: string } }>(
    reader.node.profiles,
    'profiles:member',
    {
      timeoutMs: 20_000,
      filter: ({ peer, profile }) =>
        Buffer.from(peer).toString('hex') === owner.node.status().publicKey && accept(profile),
    },
  )
}

function dataUrl(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`
}

describe('profiles of room members', () => {
  it('a member who is no friend shows by name and face; a later change shows; a forged one is refused', async () => {
    const alice = await startUser()
    const carol = await startUser()
    const aliceAvatar = solidPng(32, 32, [200, 40, 40])
    const carolAvatar = solidPng(48, 48, [30, 120, 200])
    await alice.node.profiles.set({ displayName: 'Alice Zhang 张', avatar: aliceAvatar })
    await carol.node.profiles.set({ displayName: 'Carol', avatar: carolAvatar })
    await carol.node.host.dial(alice.node.host.getMultiaddrs()[0])
    expect(alice.node.friends.isFriend(Buffer.from(carol.node.status().publicKey, 'hex'))).toBe(
      false,
    )

    const { roomId, invite } = await alice.node.rooms.create('book club', { inviteOnly: true })
    const carolTaken = memberProfileTaken(alice, carol)
    const aliceTaken = memberProfileTaken(carol, alice)
    await carol.node.rooms.join(invite)
    await Promise.all([carolTaken, aliceTaken])
    expect(await memberProfile(alice, roomId, carol)).toMatchObject({
      displayName: 'Carol',
      avatar: dataUrl(carolAvatar),
    })
    // Alice's profile went into the room before carol joined: the room's log brought it.
    expect(await memberProfile(carol, roomId, alice)).toMatchObject({
      displayName: 'Alice Zhang 张',
      avatar: dataUrl(aliceAvatar),
    })
    // Our own profile in our own list.
    expect(await memberProfile(alice, roomId, alice)).toMatchObject({
      displayName: 'Alice Zhang 张',
    })

    const renamed = memberProfileTaken(alice, carol, (p) => p.displayName === 'Carol Li 李')
    await carol.node.profiles.set({ displayName: 'Carol Li 李' })
    await renamed
    expect(await memberProfile(alice, roomId, carol)).toMatchObject({
      displayName: 'Carol Li 李',
      avatar: dataUrl(carolAvatar),
    })
    const members = await runCli(['rooms', 'members', roomId, '--data-dir', alice.dataDir])
    expect(members.stdout).toContain(`member  Carol Li 李 (${carol.node.peerId})`)
    // Listened for before the send: in one process alice may show it before carol's send resolves.
    const shown = waitForEvent<{ id: string; text: string }>(alice.node.rooms, 'room:message', {
      timeoutMs: 20_000,
      filter: (message: { text: string }) => message.text === 'chapter 3 tonight?',
    })
    const said = await carol.node.rooms.send(roomId, 'chapter 3 tonight?')
    expect((await shown).id).toBe(said.id)
    const history = await runCli(['history', '--room', roomId, '--data-dir', alice.dataDir])
    expect(history.stdout).toMatch(/ {2}Carol Li 李: chapter 3 tonight\?\n/)

    // Carol's node puts in a profile signed by another key, with a higher version.
    const forged = signFriendProfile(generateEd25519KeyPair(), {
      version: Date.now() + 1_000_000,
      displayName: 'Mallory',
    })
    const refused = waitForEvent<{ reason: string }>(alice.node.profiles, 'profiles:refused', {
      timeoutMs: 20_000,
      filter: ({ reason }) => reason === 'signed by another account',
    })
    const internals = carol.node.rooms as unknown as {
      rooms: { require(id: string): unknown }
      own: { publishOp(room: unknown, op: unknown): Promise<unknown> }
    }
    await internals.own.publishOp(internals.rooms.require(roomId), {
      kind: RoomOpKind.PROFILE,
      profile: forged,
    })
    await refused
    expect(await memberProfile(alice, roomId, carol)).toMatchObject({ displayName: 'Carol Li 李' })
  }, 60_000)
})
