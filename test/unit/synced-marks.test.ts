/**
 * Read marks and deletions from another device of the account (synced-marks.ts), on the
 * pipeline with stub peers: a mark lowers the unread count to what is newer than the text it
 * names and deletes up to it, never past it; taken twice it changes nothing more; a mark whose
 * text is not here covers what was stored before it was sent, and nothing when that is none;
 * one whose text comes later waits for it, across a restart too.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { FeedFollower } from '../../node/messaging/feed-follower.ts'
import { OwnDeviceSync } from '../../node/messaging/own-device-sync.ts'
import { bytesEqual, fromHex } from '../../protocol/bytes.ts'
import { encodeDeviceSync } from '../../protocol/device-sync.ts'
import {
  cleanUp,
  makePeer,
  setup,
  type TestPeer,
  waitFor,
  waitForState,
} from '../helpers/pipeline-peers.ts'
import { testLogger } from '../helpers/test-logger.ts'

afterEach(cleanUp)

/** Own-device sync on `peer`, whose account's other device is `phoneKey`, and its feed reader. */
function deviceSyncOn(peer: TestPeer, phoneKey: Uint8Array) {
  const sync = new OwnDeviceSync({
    pipeline: peer.pipeline,
    devices: {
      otherDevicesOf: () => [],
      ownOtherDevices: () => [{ key: phoneKey, createdMs: 0 }],
      friendAccountOf: () => undefined,
      isOwnDevice: (device) => bytesEqual(device, phoneKey),
      isRevoked: () => false,
      thisDeviceRevoked: () => false,
    },
    myKey: peer.identity.publicKey,
    log: testLogger,
    emit: () => {},
  })
  const follower = new FeedFollower({
    feed: peer.pipeline.feed,
    name: 'device-sync',
    take: (entries) => sync.takeArrived(entries),
    log: testLogger,
  })
  return { sync, follower }
}

describe('marks from another device', () => {
  it('read and delete up to the text they name, idempotently', async () => {
    const { alice, bob } = await setup()
    const ids: string[] = []
    for (const text of ['one', 'two', 'three', 'four']) {
      ids.push((await bob.pipeline.send(alice.identity.publicKey, text)).id)
    }
    await waitForState(bob, ids[3]!, 'delivered')
    const marks = alice.pipeline.marks
    const from = bob.identity.publicKey
    const unread = async () => (await alice.pipeline.history(from)).unread
    const texts = async () => (await alice.pipeline.history(from)).messages.map((m) => m.text)
    expect(await unread()).toBe(4)

    const read = async (upTo: string, sentAtMs: number) =>
      (await marks.takeRead(from, { upTo, sentAtMs })).unread
    expect(await read(ids[1]!, 0)).toBe(2)
    expect(await read(ids[1]!, 0)).toBeUndefined()
    // An older mark arriving late lowers nothing.
    expect(await read(ids[0]!, 0)).toBeUndefined()
    expect(await unread()).toBe(2)
    // A text not here, sent before anything was stored here: nothing is covered.
    const unknown = 'ab'.repeat(16)
    expect(await marks.takeRead(from, { upTo: unknown, sentAtMs: 0 })).toEqual({
      unread: undefined,
      found: false,
    })
    expect(await unread()).toBe(2)

    expect(await marks.takeCleared(from, { upTo: ids[2], sentAtMs: 0 })).toMatchObject({
      deleted: 3,
    })
    expect(await texts()).toEqual(['four'])
    expect(await unread()).toBe(1)
    // Again: its text is gone and nothing was stored before it was sent, so nothing more goes.
    expect(await marks.takeCleared(from, { upTo: ids[2], sentAtMs: 0 })).toMatchObject({
      deleted: 0,
    })
    expect(await texts()).toEqual(['four'])

    // A text not here yet, sent after everything here was stored: all of it is covered.
    expect(await read(unknown, Date.now() + 1)).toBe(0)
    expect(await unread()).toBe(0)
    expect(await marks.newestId(from, true)).toBe(ids[3])
  })

  it('a read mark that comes before its text reads up to that text when it arrives', async () => {
    const { network, directory, mailbox, alice, bob } = await setup()
    const phone = await makePeer('alice-phone', network, directory, mailbox)
    const phoneKey = phone.identity.publicKey
    const bobKey = bob.identity.publicKey
    const { sync, follower } = deviceSyncOn(alice, phoneKey)
    follower.start()
    const one = await bob.pipeline.send(alice.identity.publicKey, 'one')
    await waitForState(bob, one.id, 'delivered')
    network.capture = true
    const two = await bob.pipeline.send(alice.identity.publicKey, 'two')
    await waitFor(() => network.captured.length === 1, 'two sent, held back')

    // The phone read up to 'two', which has not reached this device yet.
    const mark = encodeDeviceSync({ kind: 'read', peer: bobKey, upTo: fromHex(two.id) })
    await sync.take(phoneKey, mark, 0)
    const unread = async () => (await alice.pipeline.history(bobKey)).unread
    expect(await unread()).toBe(1)

    const [held] = network.captured.splice(0)
    await network.deliver(held!.from, held!.to, held!.envelope)
    await follower.catchUp()
    expect(await unread()).toBe(0)
    await follower.stop()
  })

  it('a read mark waiting for its text is still applied when the text arrives after a restart', async () => {
    const { network, directory, mailbox, alice: before, bob } = await setup()
    const phone = await makePeer('alice-phone', network, directory, mailbox)
    const phoneKey = phone.identity.publicKey
    const bobKey = bob.identity.publicKey
    const first = deviceSyncOn(before, phoneKey)
    await first.sync.start()
    first.follower.start()
    const one = await bob.pipeline.send(before.identity.publicKey, 'one')
    await waitForState(bob, one.id, 'delivered')
    network.capture = true
    const two = await bob.pipeline.send(before.identity.publicKey, 'two')
    await waitFor(() => network.captured.length === 1, 'two sent, held back')
    const mark = encodeDeviceSync({ kind: 'read', peer: bobKey, upTo: fromHex(two.id) })
    await first.sync.take(phoneKey, mark, 0)
    await first.follower.stop()

    const alice = await before.restart()
    const unread = async () => (await alice.pipeline.history(bobKey)).unread
    expect(await unread()).toBe(1)
    const second = deviceSyncOn(alice, phoneKey)
    await second.sync.start()
    second.follower.start()
    const [held] = network.captured.splice(0)
    await network.deliver(held!.from, alice, held!.envelope)
    await second.follower.catchUp()
    expect(await unread()).toBe(0)
    await second.follower.stop()
  })
})
