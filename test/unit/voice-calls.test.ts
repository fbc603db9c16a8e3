/**
 * Call signalling between two nodes' call parts, their signals handed straight to each other
 * (messaging's encryption and delivery are tested apart): ring, answer, candidates, hang-up
 * on both sides; busy, decline, missed and stale offers; strangers and floods dropped.
 */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { VoiceCalls, type VoiceCallsInit } from '../../node/calls/index.ts'
import { openStorage } from '../../node/storage.ts'
import { toHex } from '../../protocol/bytes.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import type { NodeEventMap } from '../../protocol/local-api.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { testLogger } from '../helpers/test-logger.ts'
import { ChangeSignal } from '../helpers/wait.ts'

const FINGERPRINT = `a=fingerprint:sha-256 ${Array.from({ length: 32 }, () => '0F').join(':')}`
const SDP = `v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n${FINGERPRINT}\r\n`
const candidate = {
  candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface Person {
  key: Uint8Array
  calls: VoiceCalls
  events: Array<{ type: keyof NodeEventMap; data: Record<string, unknown> }>
  /** Signals that went out, in order: the payloads' peers. */
  sent: number
}

/**
 * People who are all friends of each other (`strangers` of no one), each with a call part.
 * A name `bob.phone` is another device of bob's account, with a key and call part of its own.
 */
async function people(names: string[], init: VoiceCallsInit = {}, strangers: string[] = []) {
  const dir = await makeTempDir()
  cleanups.push(() => dir.remove())
  const storage = await openStorage(join(dir.path, 'db'))
  cleanups.push(() => storage.close())
  const changed = new ChangeSignal()
  const byKey = new Map<string, Person>()
  const all: Record<string, Person> = {}
  for (const name of names) {
    const key = generateEd25519KeyPair().publicKey
    const person: Person = { key, events: [], sent: 0 } as unknown as Person
    person.calls = new VoiceCalls(
      {
        db: storage.sublevel(`calls-${name}`),
        send: async (peer, payload) => {
          person.sent++
          byKey.get(toHex(peer))?.calls.receive(key, payload, Date.now())
        },
        isFriend: (peer) => !strangers.includes(nameOf(peer)) && !strangers.includes(name),
        devicesOf: (account) =>
          Object.keys(all)
            .filter((device) => accountName(device) === nameOf(account))
            .map((device) => all[device].key),
        accountOf: (device) => all[accountName(nameOf(device))].key,
        resolvePeer: async (peer) => all[peer].key,
        emit: (type, data) => {
          person.events.push({ type, data: data as Record<string, unknown> })
          changed.notify()
        },
        log: testLogger,
      },
      init,
    )
    cleanups.push(() => person.calls.stop())
    byKey.set(toHex(key), person)
    all[name] = person
  }
  const accountName = (device: string) => device.split('.')[0]!
  const nameOf = (key: Uint8Array) =>
    Object.keys(all).find((name) => toHex(all[name].key) === toHex(key)) ?? ''
  const until = (person: Person, type: keyof NodeEventMap, what = type) =>
    changed
      .until(() => person.events.some((event) => event.type === type), `${what}`)
      .then(() => person.events.find((event) => event.type === type)!.data)
  return { ...all, all, until } as Record<string, Person> & {
    until: typeof until
    all: Record<string, Person>
  }
}

describe('VoiceCalls', () => {
  it('rings, is answered, carries candidates both ways, and a hang-up ends it on both sides', async () => {
    const { alice, bob, until } = await people(['alice', 'bob'])
    const placed = await alice.calls.call('bob', SDP)
    expect(placed).toMatchObject({ direction: 'out', phase: 'ringing' })
    const incoming = await until(bob, 'call:incoming')
    expect(incoming).toMatchObject({ callId: placed.callId, direction: 'in', sdp: SDP })
    // A page that opens now finds the ringing call and the offer to answer it.
    expect(bob.calls.current()).toMatchObject({ call: { callId: placed.callId }, offer: SDP })
    expect(alice.calls.current()).toMatchObject({ call: { phase: 'ringing' }, offer: null })
    await alice.calls.candidates(placed.callId, [candidate])
    expect((await until(bob, 'call:candidates')).candidates).toEqual([candidate])
    await bob.calls.accept(placed.callId, SDP)
    expect(await until(alice, 'call:answered')).toMatchObject({ phase: 'active', sdp: SDP })
    await bob.calls.candidates(placed.callId, [candidate])
    await until(alice, 'call:candidates')
    await alice.calls.hangup(placed.callId)
    const [aliceEnd, bobEnd] = [await until(alice, 'call:ended'), await until(bob, 'call:ended')]
    expect(aliceEnd).toMatchObject({ outcome: 'answered', phase: 'ended' })
    expect(bobEnd).toMatchObject({ outcome: 'answered', phase: 'ended' })
    expect(bob.calls.current()).toEqual({ call: null, offer: null })
    const bobLog = await bob.calls.history('alice')
    expect(bobLog).toHaveLength(1)
    expect(bobLog[0]).toMatchObject({ callId: placed.callId, direction: 'in', outcome: 'answered' })
    // Over: no step takes it any more.
    await expect(alice.calls.hangup(placed.callId)).rejects.toMatchObject({
      name: 'CallNotFoundError',
    })
  })

  it('a declined call and a cancelled one show as such on both sides', async () => {
    const { alice, bob, until } = await people(['alice', 'bob'])
    const declined = await alice.calls.call('bob', SDP)
    await until(bob, 'call:incoming')
    await bob.calls.decline(declined.callId)
    expect(await until(alice, 'call:ended')).toMatchObject({ outcome: 'declined' })
    expect(await until(bob, 'call:ended')).toMatchObject({ outcome: 'declined' })
    alice.events.length = 0
    bob.events.length = 0
    const cancelled = await alice.calls.call('bob', SDP)
    await until(bob, 'call:incoming')
    await alice.calls.hangup(cancelled.callId)
    expect(await until(alice, 'call:ended')).toMatchObject({ outcome: 'cancelled' })
    expect(await until(bob, 'call:ended')).toMatchObject({ outcome: 'missed' })
    expect((await bob.calls.history('alice')).map((call) => call.outcome)).toEqual([
      'declined',
      'missed',
    ])
  })

  it('one call at a time: a second caller hears busy and the callee keeps a missed call', async () => {
    const { alice, bob, carol, until } = await people(['alice', 'bob', 'carol'])
    const first = await alice.calls.call('bob', SDP)
    await until(bob, 'call:incoming')
    await carol.calls.call('bob', SDP)
    expect(await until(carol, 'call:ended')).toMatchObject({ outcome: 'busy' })
    expect(await bob.calls.history('carol')).toMatchObject([{ outcome: 'missed' }])
    // Carol's flood of offers while bob is busy: one refusal per ring, nothing more.
    const { encodeCallSignal } = await import('../../protocol/calls.ts')
    const sentBefore = bob.sent
    for (let i = 0; i < 20; i++) {
      const callId = new Uint8Array(16).fill(100 + i)
      bob.calls.receive(
        carol.key,
        encodeCallSignal({ callId, type: 'offer', sdp: SDP }),
        Date.now(),
      )
    }
    expect(bob.sent).toBe(sentBefore)
    expect(await bob.calls.history('carol')).toHaveLength(1)
    expect(bob.events.filter((event) => event.type === 'call:incoming')).toHaveLength(1)
    await expect(bob.calls.call('carol', SDP)).rejects.toMatchObject({
      name: 'CallAlreadyActiveError',
    })
    // Another id: its first hex digit changed (never to itself).
    const unknownId = (first.callId[0] === 'f' ? '0' : 'f') + first.callId.slice(1)
    await expect(bob.calls.accept(unknownId, SDP)).rejects.toMatchObject({
      name: expect.stringMatching(/CallNotFoundError|CallStateConflictError/),
    })
  })

  it('an unanswered ring ends after the ring timeout: missed here, unanswered there', async () => {
    const { alice, bob, until } = await people(['alice', 'bob'], { ringTimeoutMs: 200 })
    await alice.calls.call('bob', SDP)
    expect(await until(bob, 'call:ended')).toMatchObject({ outcome: 'missed' })
    expect(await until(alice, 'call:ended')).toMatchObject({ outcome: 'unanswered' })
  })

  it('an offer that waited past the ring timeout does not ring: it is a missed call', async () => {
    const { alice, bob, until } = await people(['alice', 'bob'], { ringTimeoutMs: 1_000 })
    const { encodeCallSignal } = await import('../../protocol/calls.ts')
    const offer = encodeCallSignal({ callId: new Uint8Array(16).fill(7), type: 'offer', sdp: SDP })
    bob.calls.receive(alice.key, offer, Date.now() - 5_000)
    expect(await until(bob, 'call:ended')).toMatchObject({ outcome: 'missed', phase: 'ended' })
    expect(bob.events.some((event) => event.type === 'call:incoming')).toBe(false)
  })

  it('only friends call; a call flooded with signals ends', async () => {
    const { alice, bob, mallory, until } = await people(
      ['alice', 'bob', 'mallory'],
      { maxSignalsPerCall: 3 },
      ['mallory'],
    )
    await expect(mallory.calls.call('bob', SDP)).rejects.toMatchObject({
      name: 'CallPermissionError',
    })
    const { encodeCallSignal } = await import('../../protocol/calls.ts')
    bob.calls.receive(
      mallory.key,
      encodeCallSignal({ callId: new Uint8Array(16).fill(1), type: 'offer', sdp: SDP }),
      Date.now(),
    )
    bob.calls.receive(alice.key, new Uint8Array([1, 2, 3]), Date.now()) // malformed: dropped
    expect(bob.events).toEqual([])
    const call = await alice.calls.call('bob', SDP)
    await until(bob, 'call:incoming')
    for (let i = 0; i < 4; i++) await alice.calls.candidates(call.callId, [candidate])
    expect(await until(bob, 'call:ended')).toMatchObject({ outcome: 'failed' })
    expect(await until(alice, 'call:ended')).toMatchObject({ outcome: 'declined' })
  })

  describe('a callee with several devices', () => {
    it('rings every device; the one that answers takes the call, the others stop ringing', async () => {
      const people3 = await people(['alice', 'bob', 'bob.phone'])
      const { alice, bob, until } = people3
      const phone = people3['bob.phone']!
      const placed = await alice.calls.call('bob', SDP)
      await until(bob, 'call:incoming')
      expect(await until(phone, 'call:incoming')).toMatchObject({ callId: placed.callId })
      await alice.calls.candidates(placed.callId, [candidate])
      await until(phone, 'call:candidates')
      await phone.calls.accept(placed.callId, SDP)
      expect(await until(alice, 'call:answered')).toMatchObject({ phase: 'active' })
      // The laptop stops ringing, and its log says the call was taken on another device.
      expect(await until(bob, 'call:ended')).toMatchObject({ outcome: 'elsewhere' })
      expect(await bob.calls.history('alice')).toMatchObject([{ outcome: 'elsewhere' }])
      // From now on the call is the phone's: the laptop's late answer counts for nothing.
      const { encodeCallSignal } = await import('../../protocol/calls.ts')
      const callId = Uint8Array.from(Buffer.from(placed.callId, 'hex'))
      alice.calls.receive(bob.key, encodeCallSignal({ callId, type: 'hangup' }), Date.now())
      expect(alice.calls.current().call).toMatchObject({ phase: 'active' })
      await alice.calls.hangup(placed.callId)
      expect(await until(phone, 'call:ended')).toMatchObject({ outcome: 'answered' })
    })

    it('a decline on one device ends the call there and stops the others', async () => {
      const people3 = await people(['alice', 'bob', 'bob.phone'])
      const { alice, bob, until } = people3
      const placed = await alice.calls.call('bob', SDP)
      await until(people3['bob.phone']!, 'call:incoming')
      await until(bob, 'call:incoming')
      await bob.calls.decline(placed.callId)
      expect(await until(alice, 'call:ended')).toMatchObject({ outcome: 'declined' })
      expect(await until(people3['bob.phone']!, 'call:ended')).toMatchObject({
        outcome: 'elsewhere',
      })
    })

    it('busy only once every device is busy', async () => {
      const group = await people(['alice', 'bob', 'bob.phone', 'carol', 'dave', 'erin'])
      const { alice, bob, carol, until } = group
      const phone = group['bob.phone']!
      // Carol's call rings both of bob's devices; the phone takes it.
      const carols = await carol.calls.call('bob', SDP)
      await until(phone, 'call:incoming')
      await phone.calls.accept(carols.callId, SDP)
      await until(bob, 'call:ended')
      bob.events.length = 0
      // The phone is busy; the laptop rings, and its decline ends alice's call.
      const placed = await alice.calls.call('bob', SDP)
      expect(await until(bob, 'call:incoming')).toMatchObject({ callId: placed.callId })
      await bob.calls.decline(placed.callId)
      expect(await until(alice, 'call:ended')).toMatchObject({ outcome: 'declined' })
      // The laptop calls dave: both devices busy, so erin hears busy.
      await bob.calls.call('dave', SDP)
      const erins = await group.erin!.calls.call('bob', SDP)
      expect(await until(group.erin!, 'call:ended')).toMatchObject({
        outcome: 'busy',
        callId: erins.callId,
      })
    })

    it("an offer from a friend's other device rings as that friend, and the answer goes back to it", async () => {
      const people3 = await people(['alice', 'bob', 'bob.phone'])
      const { alice, until } = people3
      const phone = people3['bob.phone']!
      const placed = await phone.calls.call('alice', SDP)
      expect(await until(alice, 'call:incoming')).toMatchObject({
        callId: placed.callId,
        publicKey: Buffer.from(people3.bob.key).toString('hex'),
      })
      await alice.calls.accept(placed.callId, SDP)
      expect(await until(phone, 'call:answered')).toMatchObject({ phase: 'active' })
      await phone.calls.hangup(placed.callId)
      expect(await until(alice, 'call:ended')).toMatchObject({ outcome: 'answered' })
    })
  })
})
