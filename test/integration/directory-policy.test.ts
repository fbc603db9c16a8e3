import { afterEach, describe, expect, it } from 'vitest'
import {
  CLAIM_ACTION_REGISTER,
  signClaimProof,
  verifyWork,
  wireBytes,
} from '../../protocol/directory.ts'
import type { DirectoryPolicy } from '../../relay/directory/index.ts'
import { startClaimant, startDirectoryRelay } from '../helpers/directory-host.ts'
import { createNetwork, type Network, relayAddress } from '../helpers/relay-network.ts'
import { waitForEvent } from '../helpers/wait.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const DAY = 86_400_000
let now = Date.UTC(2030, 0, 1)
const clock = () => now

/** A relay-like host with only the directory mounted, on a fake clock. */
function directoryRelay(policy: Partial<DirectoryPolicy> = {}) {
  return startDirectoryRelay(cleanups, { policy, clock })
}

function claimant() {
  return startClaimant(cleanups)
}

describe('registration policy', () => {
  it('pow: a claim carries a proof of work of the configured difficulty; a bad nonce is refused', async () => {
    const { target } = await directoryRelay({ registration: 'pow', powDifficulty: 10 })
    const alice = await claimant()
    expect((await alice.client.register(target, 'alice')).name).toBe('alice')

    // Speak the protocol by hand to send a wrong nonce.
    const mallory = await claimant()
    const channel = await mallory.client.open(target)
    await channel.send({ register: { name: 'mallory' } })
    const { challenge } = await channel.receive()
    expect(challenge?.workBits).toBe(10)
    const proof = signClaimProof(mallory.identity, {
      challenge: challenge!.nonce,
      name: 'mallory',
      relayPublicKey: target.peerId.publicKey!.raw,
      action: CLAIM_ACTION_REGISTER,
    })
    const badNonce = new Uint8Array(8)
    while (verifyWork(challenge!.nonce, 'mallory', mallory.identity.publicKey, badNonce, 10))
      badNonce[7]++
    await channel.send({
      answer: {
        proof: wireBytes(proof),
        workNonce: wireBytes(badNonce),
        inviteCode: '',
        verificationId: new Uint8Array(0),
        verificationCode: '',
      },
    })
    await expect(channel.receive()).rejects.toMatchObject({ name: 'ClaimRefusedError' })
  })

  it('invite: only with an unused configured code', async () => {
    const { target } = await directoryRelay({
      registration: 'invite',
      inviteCodes: ['welcome-aboard-1'],
    })
    const alice = await claimant()
    const bob = await claimant()
    await expect(alice.client.register(target, 'alice')).rejects.toMatchObject({
      name: 'ClaimRefusedError',
    })
    await expect(
      alice.client.register(target, 'alice', { inviteCode: 'wrong-code-000' }),
    ).rejects.toMatchObject({
      name: 'ClaimRefusedError',
    })
    expect(
      (await alice.client.register(target, 'alice', { inviteCode: 'welcome-aboard-1' })).name,
    ).toBe('alice')
    // Renewing needs no code; the code cannot be used twice.
    expect((await alice.client.register(target, 'alice')).name).toBe('alice')
    await expect(
      bob.client.register(target, 'bob', { inviteCode: 'welcome-aboard-1' }),
    ).rejects.toMatchObject({
      name: 'ClaimRefusedError',
      message: expect.stringContaining('already used'),
    })
  })
})

describe('abuse controls', () => {
  it('rate-limits registrations per peer with a retry time, and refills over time', async () => {
    const { target, registry } = await directoryRelay({
      rateLimits: { registrationsPerPeerPerHour: 2, lookupsPerPeerPerMinute: 100 },
    })
    const alice = await claimant()
    await alice.client.register(target, 'alice')
    await alice.client.register(target, 'alice')
    const refused = await alice.client.register(target, 'alice').catch((err: unknown) => err)
    expect(refused).toMatchObject({ name: 'RateLimitedError', code: 'rate-limited' })
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0)
    now += (refused as { retryAfterMs: number }).retryAfterMs
    expect((await alice.client.register(target, 'alice')).name).toBe('alice')
    const metrics = await registry.metrics()
    expect(metrics).toContain('tokenim_directory_registrations_total 3')
    expect(metrics).toContain('tokenim_directory_rejections_total{reason="rate-limited"} 1')
  })

  it('locks a peer out after repeated failed claims, until the lockout expires', async () => {
    const { target } = await directoryRelay({
      lockout: { failures: 3, window: 60_000, duration: 600_000 },
    })
    const owner = await claimant()
    await owner.client.register(target, 'taken-name')
    const mallory = await claimant()
    for (let i = 0; i < 3; i++) {
      await expect(mallory.client.register(target, 'taken-name')).rejects.toMatchObject({
        name: 'NameTakenError',
      })
    }
    const locked = await mallory.client.register(target, 'free-name').catch((err: unknown) => err)
    expect(locked).toMatchObject({
      name: 'RateLimitedError',
      message: expect.stringContaining('locked out'),
    })
    now += 600_000
    expect((await mallory.client.register(target, 'free-name')).name).toBe('free-name')
  })
})

describe('hostile input', () => {
  it('answers a malformed request with a typed failure and keeps serving', async () => {
    const { target, registry } = await directoryRelay()
    const mallory = await claimant()
    const channel = await mallory.client.open(target)
    // A 3-byte frame that is not a DirectoryRequest.
    channel.stream.send(Uint8Array.of(3, 0xff, 0xff, 0xff))
    await expect(channel.receive()).rejects.toMatchObject({ name: 'DirectoryRequestError' })
    const empty = await mallory.client.open(target)
    await empty.send({})
    await expect(empty.receive()).rejects.toMatchObject({ name: 'DirectoryRequestError' })
    expect((await mallory.client.register(target, 'mallory')).name).toBe('mallory')
    expect(await registry.metrics()).toContain(
      'tokenim_directory_rejections_total{reason="bad-request"} 2',
    )
  })
})

describe('expiry', () => {
  it('reports an expired name as expired, frees it after the grace period, and releases on request', async () => {
    const { target } = await directoryRelay({ nameTtl: 10 * DAY, graceTtl: 5 * DAY })
    const alice = await claimant()
    const bob = await claimant()
    await alice.client.register(target, 'alice')
    now += 11 * DAY
    await expect(bob.client.lookup(target, 'alice')).rejects.toMatchObject({
      name: 'NameExpiredError',
    })
    await expect(bob.client.register(target, 'alice')).rejects.toMatchObject({
      name: 'NameTakenError',
    })
    now += 5 * DAY
    await expect(bob.client.lookup(target, 'alice')).rejects.toMatchObject({
      name: 'NameNotFoundError',
    })
    expect((await bob.client.register(target, 'alice')).name).toBe('alice')

    await bob.client.release(target, 'alice')
    await expect(alice.client.lookup(target, 'alice')).rejects.toMatchObject({
      name: 'NameNotFoundError',
    })
    expect((await alice.client.register(target, 'alice')).name).toBe('alice')
  })
})

describe('renewal', () => {
  let network: Network | undefined
  afterEach(async () => {
    await network?.close()
  })

  it('renews a name when less than a third of its lifetime is left', async () => {
    network = createNetwork()
    const relay = await network.relay({ directory: { nameTtl: '3s' } })
    const node = await network.node([relayAddress(relay)])
    const first = await node.directory.register('renewer', { relay: relayAddress(relay) })
    const renewed = await waitForEvent<{ name: string; expiresAt: number }>(
      node.directory,
      'name:renewed',
      {
        timeoutMs: 10_000,
      },
    )
    expect(renewed.name).toBe('renewer')
    expect(renewed.expiresAt).toBeGreaterThan(first.expiresAt)
    // Renewed at about two thirds of the lifetime, not at the last moment.
    expect(renewed.expiresAt - first.expiresAt).toBeLessThan(3_000)
  }, 30_000)
})
