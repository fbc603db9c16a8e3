/**
 * Profiles between full TokenimNodes behind a loopback relay (real libp2p, real LevelDB): bob
 * sets a display name and an avatar through the local API, alice's node gets them and shows
 * them in her friend list (also after a restart); a forged profile, one signed by another
 * account, an older version and an oversized avatar are refused and change nothing.
 */
import { describe, expect, it } from 'vitest'
import { toHex } from '../../protocol/bytes.ts'
import { signRecord } from '../../protocol/codec.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import { signFriendProfile } from '../../protocol/friend-profile.ts'
import { FRIEND_PROFILE_DOMAIN } from '../../protocol/ids.ts'
import {
  FRIENDS_API_PATHS,
  type FriendListResponse,
  type OwnProfileResponse,
  PROFILE_API_PATHS,
} from '../../protocol/local-api.ts'
import { FriendProfile } from '../../protocol/proto/social.ts'
import { decodeFriendMessage, encodeFriendMessage } from '../../protocol/social.ts'
import { solidPng } from '../helpers/avatar-images.ts'
import { waitForEvent } from '../helpers/wait.ts'
import { befriend, type FriendNode, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'

const relay = relayForFriendNodes()

async function friendProfile(reader: FriendNode, owner: FriendNode) {
  const { friends } = await reader.api.request<FriendListResponse>('GET', FRIENDS_API_PATHS.list)
  return friends.find((friend) => friend.peerId === owner.peerId)?.profile
}

/** Sends `record` to `to` as `from`'s profile message, as a hostile node of `from` could. */
async function sendProfileRecord(from: FriendNode, to: FriendNode, record: Uint8Array) {
  await from.node.messages.sendSocial(
    to.identity.publicKey,
    encodeFriendMessage({
      type: 'profile',
      requestId: new Uint8Array(16),
      note: '',
      name: '',
      profile: record,
    }),
  )
}

function refusal(reader: FriendNode, sender: FriendNode): Promise<{ reason: string }> {
  return waitForEvent<{ peer: Uint8Array; reason: string }>(
    reader.node.profiles,
    'profiles:refused',
    { timeoutMs: 20_000, filter: ({ peer }) => toHex(peer) === sender.publicKey },
  )
}

describe('profiles between nodes', () => {
  it("bob's name and avatar reach alice; forged, foreign, older and oversized ones are refused", async () => {
    let alice = await startFriendNode(relay())
    const bob = await startFriendNode(relay())
    await befriend(alice, bob)

    const avatar = solidPng(64, 64, [30, 120, 200])
    const avatarUrl = `data:image/png;base64,${Buffer.from(avatar).toString('base64')}`
    const set = await bob.api.request<OwnProfileResponse>('PUT', PROFILE_API_PATHS.own, {
      displayName: 'Bob Wang 王',
      avatar: avatarUrl,
    })
    expect(set.profile).toMatchObject({ displayName: 'Bob Wang 王', avatar: avatarUrl })
    const version = set.profile?.version ?? 0

    const changed = await alice.event(
      'profile:changed',
      (data) => data.peerId === bob.peerId && data.profile.version === version,
    )
    expect(changed.data).toMatchObject({ own: false, profile: { displayName: 'Bob Wang 王' } })
    expect(await friendProfile(alice, bob)).toEqual({
      displayName: 'Bob Wang 王',
      avatar: avatarUrl,
      version,
    })

    // An oversized avatar is refused at the API with a typed error, and nothing changes.
    const big = solidPng(200, 200)
    await expect(
      bob.api.request('PUT', PROFILE_API_PATHS.own, {
        avatar: `data:image/png;base64,${Buffer.from(big).toString('base64')}`,
      }),
    ).rejects.toMatchObject({ name: 'InvalidAvatarError', status: 400 })
    expect(
      (await bob.api.request<OwnProfileResponse>('GET', PROFILE_API_PATHS.own)).profile?.version,
    ).toBe(version)

    // Forged: a valid record of bob's with its name changed after signing.
    const record = signFriendProfile(bob.identity, { version: version + 10, displayName: 'Bob' })
    const forged = Uint8Array.from(record)
    forged[Buffer.from(forged).indexOf(Buffer.from('Bob'))] = 'M'.charCodeAt(0)
    let refused = refusal(alice, bob)
    await sendProfileRecord(bob, alice, forged)
    expect((await refused).reason).toMatch(/InvalidSignatureError/)

    // Signed by another key: someone else's profile passed off as bob's.
    const mallory = generateEd25519KeyPair()
    refused = refusal(alice, bob)
    await sendProfileRecord(
      bob,
      alice,
      signFriendProfile(mallory, { version: version + 20, displayName: 'Bob' }),
    )
    expect((await refused).reason).toMatch(/another account/)

    // An older version, properly signed: a replay.
    refused = refusal(alice, bob)
    await sendProfileRecord(
      bob,
      alice,
      signFriendProfile(bob.identity, { version: 1, displayName: 'old' }),
    )
    expect((await refused).reason).toMatch(/not above/)

    // Signed by bob but with an avatar too large to show: refused by its bytes.
    const oversized = signRecord(
      bob.identity,
      FriendProfile.encode({
        version: version + 30,
        displayName: 'Bob',
        avatar: big as FriendProfile['avatar'],
      }),
      FRIEND_PROFILE_DOMAIN,
    )
    refused = refusal(alice, bob)
    await sendProfileRecord(bob, alice, oversized)
    expect((await refused).reason).toMatch(/InvalidAvatarError/)

    expect(await friendProfile(alice, bob)).toMatchObject({ displayName: 'Bob Wang 王', version })

    // A restart keeps what alice took.
    await alice.stop()
    alice = await alice.restart()
    expect(await friendProfile(alice, bob)).toEqual({
      displayName: 'Bob Wang 王',
      avatar: avatarUrl,
      version,
    })
  }, 90_000)

  it('a new friend gets the profile set before the friendship', async () => {
    const carol = await startFriendNode(relay())
    const dave = await startFriendNode(relay())
    await carol.api.request('PUT', PROFILE_API_PATHS.own, { displayName: 'Carol 陈' })
    await befriend(dave, carol)
    await dave.event('profile:changed', (data) => data.peerId === carol.peerId)
    expect(await friendProfile(dave, carol)).toMatchObject({ displayName: 'Carol 陈' })
  }, 60_000)

  it("a new friend's profile that arrives before the accept is taken once the accept arrives", async () => {
    const alice = await startFriendNode(relay())
    const bob = await startFriendNode(relay())
    await bob.api.request('PUT', PROFILE_API_PATHS.own, { displayName: 'Bob 博' })

    // Messaging does not order social messages (no seq): bob's node hands it the accept, then
    // his profile, yet the accept may arrive later (its direct send failed and it went through
    // the mailbox, say). Here the accept is handed over but leaves only once alice's node has
    // taken bob's profile.
    const profiles = alice.node.profiles
    const receive = profiles.receive.bind(profiles)
    const profileArrived = new Promise<void>((resolve) => {
      profiles.receive = async (sender, record) => {
        await receive(sender, record)
        if (toHex(sender) === bob.publicKey) resolve()
      }
    })
    const messages = bob.node.messages
    const sendSocial = messages.sendSocial.bind(messages)
    messages.sendSocial = async (peer, payload) => {
      if (decodeFriendMessage(payload).type !== 'accept') return sendSocial(peer, payload)
      const sent = profileArrived.then(() => sendSocial(peer, payload))
      sent.catch(() => undefined)
      return { id: 'accept' }
    }

    await befriend(alice, bob)
    await alice.event(
      'profile:changed',
      (data) => data.peerId === bob.peerId && data.profile.displayName === 'Bob 博',
      { timeoutMs: 10_000 },
    )
    expect(await friendProfile(alice, bob)).toMatchObject({ displayName: 'Bob 博' })
  }, 60_000)
})
