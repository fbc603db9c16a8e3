/**
 * A profile across an account's devices (real nodes behind a loopback relay, real LevelDB):
 * alice on a laptop and a linked phone, bob on one device. A name set on the laptop becomes
 * the phone's own; a newer one set on the phone becomes the laptop's and reaches bob.
 */
import { describe, expect, it } from 'vitest'
import { PROFILE_API_PATHS } from '../../protocol/local-api.ts'
import { relayForFriendNodes } from './friends-nodes.ts'
import { aliceWithPhoneAndBob } from './linked-account.ts'

const relay = relayForFriendNodes()

describe('a profile across an account’s devices', () => {
  it('set on either device, both hold it as their own, and the friend gets the newest', async () => {
    const { alice, phone, bob } = await aliceWithPhoneAndBob(relay)

    await alice.api.request('PUT', PROFILE_API_PATHS.own, { displayName: 'Alice 李' })
    await phone.event(
      'profile:changed',
      (data) => data.own && data.profile.displayName === 'Alice 李',
      {
        timeoutMs: 30_000,
      },
    )
    expect((await phone.api.ownProfile()).profile?.displayName).toBe('Alice 李')

    await phone.api.request('PUT', PROFILE_API_PATHS.own, { displayName: 'Alice on the go' })
    await alice.event(
      'profile:changed',
      (data) => data.own && data.profile.displayName === 'Alice on the go',
      { timeoutMs: 30_000 },
    )
    await bob.event(
      'profile:changed',
      (data) => data.peerId === alice.peerId && data.profile.displayName === 'Alice on the go',
      { timeoutMs: 30_000 },
    )
    expect((await alice.api.ownProfile()).profile?.displayName).toBe('Alice on the go')
  }, 120_000)
})
