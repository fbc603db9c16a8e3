/**
 * Profiles of room members who are not friends (node/profiles, `receiveFromRoom`), over real
 * LevelDB with stub friends and rooms: kept when signed by the member's account and newer,
 * refused when forged, older, or from someone we share no room with; at most
 * `maxMemberProfiles` kept, room-less ones dropped first; kept across a restart; dropped by
 * `pruneMembers` once no room is shared.
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

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function aliceStorage(): Promise<{ alice: Identity; storage: Storage }> {
  const dir = await makeTempDir('tokenim-member-profiles-')
  const alice = generateIdentity()
  const storage = await openStorage(dir.path, { identity: alice })
  cleanups.push(async () => {
    await storage.close()
    await dir.remove()
  })
  return { alice, storage }
}

/** Alice's profiles over `storage`: nobody is her friend; `shared` are the members she shares a room with. */
async function profilesOf(alice: Identity, storage: Storage, shared: Set<string>) {
  const friends = Object.assign(new EventTarget(), {
    friendKeys: () => [],
    isFriend: () => false,
    sendPending: async () => {},
  })
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
