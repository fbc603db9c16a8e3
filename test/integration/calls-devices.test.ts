/**
 * A call to an account on several devices (real nodes behind a loopback relay, real LevelDB,
 * the call signals through the 1:1 sessions of each device): alice calls bob, whose laptop and
 * linked phone both ring; the phone answers, the laptop stops ringing and logs the call as
 * taken on another device, and the hang-up reaches the phone. Then the phone calls alice:
 * her node rings for bob, and her answer reaches the phone.
 */
import { describe, expect, it } from 'vitest'
import { befriend, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'
import { linkDevice } from './linked-account.ts'

const relay = relayForFriendNodes()
const FINGERPRINT = `a=fingerprint:sha-256 ${Array.from({ length: 32 }, () => 'AB').join(':')}`
const SDP = `v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n${FINGERPRINT}\r\n`

describe('calls to an account on several devices', () => {
  it('ring every device; the one that answers takes the call; a linked device calls as its account', async () => {
    const alice = await startFriendNode(relay())
    const bob = await startFriendNode(relay())
    await befriend(alice, bob)
    const phone = await linkDevice(relay(), bob, [alice])

    const placed = await alice.node.calls.call(bob.peerId, SDP)
    const rings = (callId: string) => (call: { callId: string }) => call.callId === callId
    await bob.event('call:incoming', rings(placed.callId), { timeoutMs: 30_000 })
    const onPhone = await phone.event('call:incoming', rings(placed.callId), { timeoutMs: 30_000 })
    // The phone rings for alice's account, like the laptop.
    expect(onPhone.data.peerId).toBe(alice.peerId)

    await phone.node.calls.accept(placed.callId, SDP)
    await alice.event('call:answered', rings(placed.callId), { timeoutMs: 30_000 })
    const laptopEnd = await bob.event('call:ended', rings(placed.callId), { timeoutMs: 30_000 })
    expect(laptopEnd.data.outcome).toBe('elsewhere')
    expect(phone.node.calls.current().call).toMatchObject({ phase: 'active' })

    await alice.node.calls.hangup(placed.callId)
    const phoneEnd = await phone.event('call:ended', rings(placed.callId), { timeoutMs: 30_000 })
    expect(phoneEnd.data.outcome).toBe('answered')

    // From the phone: alice's node rings for bob's account, and her answer reaches the phone.
    const fromPhone = await phone.node.calls.call(alice.peerId, SDP)
    const incoming = await alice.event('call:incoming', rings(fromPhone.callId), {
      timeoutMs: 30_000,
    })
    expect(incoming.data.publicKey).toBe(bob.publicKey)
    await alice.node.calls.accept(fromPhone.callId, SDP)
    await phone.event('call:answered', rings(fromPhone.callId), { timeoutMs: 30_000 })
    await alice.node.calls.hangup(fromPhone.callId)
    await phone.event('call:ended', rings(fromPhone.callId), { timeoutMs: 30_000 })
    expect(await alice.node.calls.history(bob.peerId)).toMatchObject([
      { callId: placed.callId, outcome: 'answered' },
      { callId: fromPhone.callId, outcome: 'answered', direction: 'in' },
    ])
  })
})
