/**
 * Read marks and deletions from another device of the account (synced-marks.ts), on the
 * pipeline with stub peers: a mark lowers the unread count to what is newer than the text it
 * names and deletes up to it, never past it; taken twice it changes nothing more; a mark whose
 * text is not here covers what was stored before it was sent, and nothing when that is none.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { cleanUp, setup, waitForState } from '../helpers/pipeline-peers.ts'

afterEach(cleanUp)

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

    expect(await marks.takeRead(from, { upTo: ids[1], sentAtMs: 0 })).toBe(2)
    expect(await marks.takeRead(from, { upTo: ids[1], sentAtMs: 0 })).toBeUndefined()
    // An older mark arriving late lowers nothing.
    expect(await marks.takeRead(from, { upTo: ids[0], sentAtMs: 0 })).toBeUndefined()
    expect(await unread()).toBe(2)
    // A text not here, sent before anything was stored here: nothing is covered.
    const unknown = 'ab'.repeat(16)
    expect(await marks.takeRead(from, { upTo: unknown, sentAtMs: 0 })).toBeUndefined()
    expect(await unread()).toBe(2)

    expect(await marks.takeCleared(from, { upTo: ids[2], sentAtMs: 0 })).toBe(3)
    expect(await texts()).toEqual(['four'])
    expect(await unread()).toBe(1)
    // Again: its text is gone and nothing was stored before it was sent, so nothing more goes.
    expect(await marks.takeCleared(from, { upTo: ids[2], sentAtMs: 0 })).toBe(0)
    expect(await texts()).toEqual(['four'])

    // A text not here yet, sent after everything here was stored: all of it is covered.
    expect(await marks.takeRead(from, { upTo: unknown, sentAtMs: Date.now() + 1 })).toBe(0)
    expect(await unread()).toBe(0)
    expect(await marks.newestId(from, true)).toBe(ids[3])
  })
})
