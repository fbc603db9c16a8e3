/**
 * Fan-out to an account's devices, on the pipeline with stub peers: a text to bob is copied
 * once for his other device however often the feed brings it (as after a crash), each copy in
 * that device's own session; devices certified after the text get none; a copy delivered
 * raises the text's state; a text with a file is copied with the key the attachments store
 * gives (our history keeps none), in order, not at all when the store does not know it, and
 * again when the store was not there yet. The mirror shows what bob's other device sent under bob, once,
 * also what it sent before alice's node held the list naming it.
 */
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { peerIdOf } from '../../node/identity/index.ts'
import {
  CLOCK_SKEW_ALLOWANCE_MS,
  copyId,
  DeviceFanOut,
} from '../../node/messaging/device-fan-out.ts'
import { DeviceMirror } from '../../node/messaging/device-mirror.ts'
import { SentFilesUnavailableError } from '../../node/messaging/errors.ts'
import type { HistoryChange } from '../../node/messaging/history-feed.ts'
import type { AccountDevicesPort } from '../../node/messaging/ports.ts'
import { bytesEqual, fromHex, toHex } from '../../protocol/bytes.ts'
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
    thisDeviceRevoked: () => false,
  }
}

/** The feed entry of alice's text `id` to bob, as the follower would bring it. */
async function entryOf(alice: TestPeer, bob: TestPeer, id: string): Promise<HistoryChange> {
  const record = (await alice.pipeline.sentRecord(bob.identity.publicKey, id))!
  return { seq: 1, kind: 'added', peerHex: toHex(bob.identity.publicKey), index: 1, record }
}

describe('device fan-out', () => {
  it('copies a text once for the other device, however often and at once it comes, and raises its state', async () => {
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
    // As the send resolves and from the feed at once (one lane batch), then from the feed again.
    const record = entry.kind === 'added' ? entry.record : undefined
    await Promise.all([fanOut.copyNow(bob.identity.publicKey, record!), fanOut.take([entry])])
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

  it('copies a text with a file from the feed with the key the store gives, in order, and none without it', async () => {
    const { network, directory, mailbox, alice, bob } = await setup()
    const phone = await makePeer('bob-phone', network, directory, mailbox)
    const attachment = {
      fileId: randomBytes(16),
      name: 'notes.bin',
      mime: 'application/octet-stream',
      size: 200_000,
      sha256: randomBytes(32),
      key: randomBytes(32),
      chunkSize: 65_536,
    }
    const asked: string[] = []
    let store: 'holds' | 'forgot' | 'starting' = 'holds'
    const fanOut = new DeviceFanOut({
      pipeline: alice.pipeline,
      devices: bobWithPhone(bob, phone, 0),
      myKey: alice.identity.publicKey,
      log: testLogger,
      files: {
        // Answers after the next tick: the text after it must still be copied after it.
        sentAttachment: async (stored) => {
          asked.push(stored.fileId)
          await new Promise((resolve) => setImmediate(resolve))
          if (store === 'starting') throw new SentFilesUnavailableError('not started yet')
          return store === 'holds' ? { ...attachment, fileId: fromHex(stored.fileId) } : undefined
        },
      },
    })
    const withFile = await alice.pipeline.send(bob.identity.publicKey, 'the notes', { attachment })
    const after = await alice.pipeline.send(bob.identity.publicKey, 'after the notes')
    const entries = [await entryOf(alice, bob, withFile.id), await entryOf(alice, bob, after.id)]
    // Our history keeps the file without its key: the store gives it.
    const kept = entries[0].kind === 'added' ? entries[0].record.attachment : undefined
    expect(kept?.key).toBeUndefined()
    await fanOut.take(entries)
    expect(asked).toEqual([toHex(attachment.fileId)])
    await waitForState(alice, toHex(copyId(after.id, phone.identity.publicKey)), 'delivered')
    expect(phone.received.map((m) => m.text)).toEqual(['the notes', 'after the notes'])
    const onPhone = await phone.pipeline.recordsPage(alice.identity.publicKey, 10)
    expect(onPhone[0].record.attachment).toMatchObject({
      fileId: toHex(attachment.fileId),
      key: Buffer.from(attachment.key).toString('base64'),
      chunkSize: 65_536,
    })

    // A file the store no longer holds as ours: its text is not copied.
    store = 'forgot'
    const gone = await alice.pipeline.send(bob.identity.publicKey, 'gone', {
      attachment: { ...attachment, fileId: randomBytes(16) },
    })
    await fanOut.take([await entryOf(alice, bob, gone.id)])
    const copy = toHex(copyId(gone.id, phone.identity.publicKey))
    expect(await alice.pipeline.sentRecord(phone.identity.publicKey, copy)).toBeUndefined()

    // The store not there yet (at start): the page fails, and is copied when it comes again.
    store = 'starting'
    const early = await alice.pipeline.send(bob.identity.publicKey, 'early', {
      attachment: { ...attachment, fileId: randomBytes(16) },
    })
    const earlyEntry = await entryOf(alice, bob, early.id)
    await expect(fanOut.take([earlyEntry])).rejects.toThrow(SentFilesUnavailableError)
    const earlyCopy = toHex(copyId(early.id, phone.identity.publicKey))
    expect(await alice.pipeline.sentRecord(phone.identity.publicKey, earlyCopy)).toBeUndefined()
    store = 'holds'
    await fanOut.take([earlyEntry])
    await waitForState(alice, earlyCopy, 'delivered')
  })

  it("shows a friend's device's texts under the account once its list names the device, also those from before", async () => {
    const { network, directory, mailbox, alice, bob } = await setup()
    const phone = await makePeer('bob-phone', network, directory, mailbox)
    let known = false
    const port = bobWithPhone(bob, phone, 0)
    const devices: AccountDevicesPort = {
      ...port,
      friendAccountOf: (device) => (known ? port.friendAccountOf(device) : undefined),
    }
    const mirror = new DeviceMirror({
      pipeline: alice.pipeline,
      devices,
      myKey: alice.identity.publicKey,
      log: testLogger,
    })
    const early = await phone.pipeline.send(alice.identity.publicKey, 'before the list')
    await waitForState(phone, early.id, 'delivered')
    const entry = async (id: string): Promise<HistoryChange> => {
      const index = alice.received.findIndex((m) => m.id === id) + 1
      const page = await alice.pipeline.recordsPage(phone.identity.publicKey, 10)
      const record = page.find((p) => p.record.id === id)!.record
      return { seq: index, kind: 'added', peerHex: toHex(phone.identity.publicKey), index, record }
    }
    await mirror.take([await entry(early.id)])
    const bobTexts = async () =>
      (await alice.pipeline.history(bob.identity.publicKey)).messages.map((m) => m.text)
    expect(await bobTexts()).toEqual([])

    known = true
    expect(await mirror.catchUpDevice(phone.identity.publicKey)).toBe(1)
    expect(await mirror.catchUpDevice(phone.identity.publicKey)).toBe(0)
    expect(await bobTexts()).toEqual(['before the list'])
    const late = await phone.pipeline.send(alice.identity.publicKey, 'after the list')
    await waitForState(phone, late.id, 'delivered')
    await mirror.take([await entry(late.id)])
    await mirror.take([await entry(late.id)])
    expect(await bobTexts()).toEqual(['before the list', 'after the list'])
  })
})
