/**
 * Fan-out to an account's devices, on the pipeline with stub peers: a text to bob is copied
 * once for his other device however often the feed brings it (as after a crash), each copy in
 * that device's own session; devices certified after the text get none; a copy delivered
 * raises the text's state.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { peerIdOf } from '../../node/identity/index.ts'
import {
  CLOCK_SKEW_ALLOWANCE_MS,
  copyId,
  DeviceFanOut,
} from '../../node/messaging/device-fan-out.ts'
import type { HistoryChange } from '../../node/messaging/history-feed.ts'
import type { AccountDevicesPort } from '../../node/messaging/ports.ts'
import { bytesEqual, toHex } from '../../protocol/bytes.ts'
import { cleanUp, makePeer, setup, type TestPeer, waitForState } from '../helpers/pipeline-peers.ts'
import { testLogger } from '../helpers/test-logger.ts'

afterEach(cleanUp)

/** Bob's account has a second device, `phone`, certified at `createdMs`. */
function bobWithPhone(bob: TestPeer, phone: TestPeer, createdMs: number): AccountDevicesPort {
  const isBob = (key: Uint8Array) => bytesEqual(key, bob.identity.publicKey)
  const isPhone = (key: Uint8Array) => bytesEqual(key, phone.identity.publicKey)
  return {
    otherDevicesOf: (account) =>
      isBob(account) ? [{ key: phone.identity.publicKey, createdMs }] : [],
    ownOtherDevices: () => [],
    friendAccountOf: (device) => (isPhone(device) ? bob.identity.publicKey : undefined),
    isOwnDevice: () => false,
    isRevoked: () => false,
  }
}

/** The feed entry of alice's text `id` to bob, as the follower would bring it. */
async function entryOf(alice: TestPeer, bob: TestPeer, id: string): Promise<HistoryChange> {
  const record = (await alice.pipeline.sentRecord(bob.identity.publicKey, id))!
  return { seq: 1, kind: 'added', peerHex: toHex(bob.identity.publicKey), index: 1, record }
}

describe('device fan-out', () => {
  it('copies a text once for the other device, however often it comes, and raises its state', async () => {
    const { network, directory, mailbox, alice, bob } = await setup()
    const phone = await makePeer('bob-phone', network, directory, mailbox)
    const fanOut = new DeviceFanOut({
      pipeline: alice.pipeline,
      devices: bobWithPhone(bob, phone, 0),
      myKey: alice.identity.publicKey,
      log: testLogger,
    })
    const sent = await alice.pipeline.send(bob.identity.publicKey, 'hi bob')
    const entry = await entryOf(alice, bob, sent.id)
    await fanOut.take([entry])
    await fanOut.take([entry])
    const copy = toHex(copyId(sent.id, phone.identity.publicKey))
    await waitForState(alice, copy, 'delivered')
    expect(phone.received.map((m) => [m.text, m.peerId])).toEqual([
      ['hi bob', peerIdOf(alice.identity).toString()],
    ])
    const copies = await alice.pipeline.history(phone.identity.publicKey)
    expect(copies.messages.map((m) => m.text)).toEqual(['hi bob'])
    expect(fanOut.hides(phone.identity.publicKey)).toBe(true)
    expect(fanOut.hides(bob.identity.publicKey)).toBe(false)

    // Bob's own device never acked; the copy's delivery raises the text (never lowers it).
    await alice.pipeline.raiseState(bob.identity.publicKey, sent.id, 'delivered')
    expect((await alice.pipeline.sentRecord(bob.identity.publicKey, sent.id))?.state).toBe(
      'delivered',
    )
    await alice.pipeline.raiseState(bob.identity.publicKey, sent.id, 'stored')
    expect((await alice.pipeline.sentRecord(bob.identity.publicKey, sent.id))?.state).toBe(
      'delivered',
    )
  })

  it('gives a device certified after a text no copy of it', async () => {
    const { network, directory, mailbox, alice, bob } = await setup()
    const phone = await makePeer('bob-phone', network, directory, mailbox)
    const sent = await alice.pipeline.send(bob.identity.publicKey, 'before the phone')
    const entry = await entryOf(alice, bob, sent.id)
    const later = entry.kind === 'added' ? entry.record.storedAt + CLOCK_SKEW_ALLOWANCE_MS + 1 : 0
    const fanOut = new DeviceFanOut({
      pipeline: alice.pipeline,
      devices: bobWithPhone(bob, phone, later),
      myKey: alice.identity.publicKey,
      log: testLogger,
    })
    await fanOut.take([entry])
    const copy = toHex(copyId(sent.id, phone.identity.publicKey))
    expect(await alice.pipeline.sentRecord(phone.identity.publicKey, copy)).toBeUndefined()
  })
})
