/**
 * What node/profiles keeps of others, over real LevelDB with stub friends and rooms.
 * - Room members who are not friends (`receiveFromRoom`): kept when signed by the member's
 *   account and newer, refused when forged, older, or from someone we share no room with; at
 *   most `maxMemberProfiles` kept, room-less ones dropped first; kept across a restart;
 *   dropped by `pruneMembers` once no room is shared.
 * - People we asked to be friends, whose profile comes before their answer (`receive`): held,
 *   not shown, kept across a restart, taken as a friend's once the accept made the sender a
 *   friend, dropped once the request ended otherwise; a stranger's and a forged one refused.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { generateIdentity, type Identity } from '../../node/identity/index.ts'
import { ProfileService } from '../../node/profiles/index.ts'
import { openStorage, type Storage } from '../../node/storage.ts'
import { toHex } from '../../protocol/bytes.ts'
import { type Ed25519KeyPair, generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import { signFriendProfile } from '../../protocol/friend-profile.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { testLogger } from '../helpers/test-logger.ts'
import { waitForEvent } from '../helpers/wait.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function aliceStorage(): Promise<{ alice: Identity; storage: Storage }> {
  const dir = await makeTempDir('tokenim-profile-service-')
  const alice = generateIdentity()
  const storage = await openStorage(dir.path, { identity: alice })
  cleanups.push(async () => {
    await storage.close()
    await dir.remove()
  })
  return { alice, storage }
}

/** Alice's friend list as profiles see it: `friends` and `asked` hold hex keys. */
function stubFriends() {
  const friends = new Set<string>()
  const asked = new Set<string>()
  const target = Object.assign(new EventTarget(), {
    friendKeys: () => [],
    isFriend: (peer: Uint8Array) => friends.has(toHex(peer)),
    awaitsAnswerFrom: (peer: Uint8Array) => asked.has(toHex(peer)),
    sendPending: async () => {},
  })
  return { target, friends, asked }
}

/** Alice's profiles over `storage`; `shared` are the members she shares a room with. */
async function profilesOf(
  alice: Identity,
  storage: Storage,
  shared: Set<string>,
  friends = stubFriends().target,
) {
  const profiles = new ProfileService({
    identity: alice,
    store: storage.sublevel('profiles'),
    friends,
    messaging: () => undefined,
    sharesRoomWith: (hex) => shared.has(hex),
    maxMemberProfiles: 2,
    log: testLogger,
  })
  await profiles.start()
  cleanups.push(() => profiles.stop())
  const refusals: string[] = []
  profiles.addEventListener('profiles:refused', (event) => refusals.push(event.detail.reason))
  return { profiles, refusals }
}

function profile(of: Ed25519KeyPair, displayName: string, version = 10): Uint8Array {
  return signFriendProfile(of, { version, displayName })
}

/** The request to `peer` was answered: `accepted` makes it a friend. */
function answered(stub: ReturnType<typeof stubFriends>, peer: Ed25519KeyPair, accepted: boolean) {
  const hex = toHex(peer.publicKey)
  stub.asked.delete(hex)
  if (accepted) stub.friends.add(hex)
  stub.target.dispatchEvent(
    new CustomEvent('friends:changed', { detail: { peer: peer.publicKey, friend: accepted } }),
  )
}

describe('profiles of room members who are not friends', () => {
  it('keeps a member’s own, newer profile while a room is shared, and at most the bound', async () => {
    const { alice, storage } = await aliceStorage()
    const [carol, dave, erin] = [0, 1, 2].map(() => generateEd25519KeyPair())
    const shared = new Set([carol, dave, erin].map((key) => toHex(key.publicKey)))
    const { profiles, refusals } = await profilesOf(alice, storage, shared)

    await profiles.receiveFromRoom(carol.publicKey, profile(carol, 'Carol'))
    expect(profiles.profileOf(carol.publicKey)).toMatchObject({ displayName: 'Carol', version: 10 })
    // Forged: another key signed "carol's" profile; older: a lower version.
    await profiles.receiveFromRoom(
      carol.publicKey,
      profile(generateEd25519KeyPair(), 'Mallory', 99),
    )
    await profiles.receiveFromRoom(carol.publicKey, profile(carol, 'Carol old', 9))
    expect(refusals).toEqual(['signed by another account', 'version 9 is not above 10'])
    expect(profiles.profileOf(carol.publicKey)?.displayName).toBe('Carol')
    // Someone we share no room with.
    const stranger = generateEd25519KeyPair()
    await profiles.receiveFromRoom(stranger.publicKey, profile(stranger, 'Stranger'))
    expect(refusals.at(-1)).toBe('shares no room with us')
    expect(profiles.profileOf(stranger.publicKey)).toBeUndefined()

    // The bound (2 here): a third member is refused while both others share a room...
    await profiles.receiveFromRoom(dave.publicKey, profile(dave, 'Dave'))
    await profiles.receiveFromRoom(erin.publicKey, profile(erin, 'Erin'))
    expect(refusals.at(-1)).toBe("we keep at most 2 members' profiles")
    expect(profiles.profileOf(erin.publicKey)).toBeUndefined()
    // ...and taken once one of them left every room we share: the room-less one goes first.
    shared.delete(toHex(carol.publicKey))
    await profiles.receiveFromRoom(erin.publicKey, profile(erin, 'Erin'))
    expect(profiles.profileOf(erin.publicKey)?.displayName).toBe('Erin')
    expect(profiles.profileOf(carol.publicKey)).toBeUndefined()

    // Kept on disk across a restart; dropped by a prune once no room is shared.
    await profiles.stop()
    const again = await profilesOf(alice, storage, shared)
    expect(again.profiles.profileOf(dave.publicKey)?.displayName).toBe('Dave')
    shared.delete(toHex(dave.publicKey))
    await again.profiles.pruneMembers()
    expect(again.profiles.profileOf(dave.publicKey)).toBeUndefined()
    expect(again.profiles.profileOf(erin.publicKey)?.displayName).toBe('Erin')
  })
})

describe('profiles that come before the accept', () => {
  it('holds the profile of someone asked until the answer, then takes or drops it', async () => {
    const { alice, storage } = await aliceStorage()
    const stub = stubFriends()
    const [bob, carol, stranger] = [0, 1, 2].map(() => generateEd25519KeyPair())
    stub.asked.add(toHex(bob.publicKey))
    stub.asked.add(toHex(carol.publicKey))
    const { profiles, refusals } = await profilesOf(alice, storage, new Set(), stub.target)

    await profiles.receive(bob.publicKey, profile(bob, 'Bob old', 9))
    await profiles.receive(bob.publicKey, profile(bob, 'Bob'))
    await profiles.receive(bob.publicKey, profile(generateEd25519KeyPair(), 'Mallory', 99))
    await profiles.receive(carol.publicKey, profile(carol, 'Carol'))
    await profiles.receive(stranger.publicKey, profile(stranger, 'Stranger'))
    expect(refusals).toEqual(['signed by another account', 'not a friend'])
    // Held, not shown: none of them is a friend yet.
    expect(profiles.friendProfile(bob.publicKey)).toBeUndefined()

    // Held across a restart; carol declines meanwhile, so hers goes at the start.
    await profiles.stop()
    stub.asked.delete(toHex(carol.publicKey))
    const again = (await profilesOf(alice, storage, new Set(), stub.target)).profiles

    const taken = waitForEvent(again, 'profiles:friend')
    answered(stub, bob, true)
    await taken
    expect(again.friendProfile(bob.publicKey)).toMatchObject({ displayName: 'Bob', version: 10 })

    // Carol becomes a friend later (she asks, alice accepts): her dropped profile is not taken.
    answered(stub, carol, true)
    await again.pruneMembers()
    expect(again.friendProfile(carol.publicKey)).toBeUndefined()
    expect(again.friendProfile(bob.publicKey)?.displayName).toBe('Bob')
  })
})
