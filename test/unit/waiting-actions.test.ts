/**
 * Message actions that come before their target (node/messaging/waiting-actions.ts), on the
 * pipeline with stub peers: bob's phone reacts to bob's text before alice's node has the text;
 * the reaction waits, on disk across a restart, and is applied when the text is shown. The
 * store keeps at most MAX_WAITING_ACTIONS (the oldest goes) and drops those too old at start.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { BatchOp } from '../../node/messaging/durable-writer.ts'
import { MessageStore, type WaitingAction } from '../../node/messaging/message-store.ts'
import type { LaneTransaction } from '../../node/messaging/peer-lane.ts'
import { WaitingActions } from '../../node/messaging/waiting-actions.ts'
import { bytesEqual } from '../../protocol/bytes.ts'
import { MAX_WAITING_ACTIONS, WAITING_ACTION_MAX_AGE_MS } from '../../protocol/limits.ts'
import { DmAckStatus } from '../../protocol/messaging.ts'
import { cleanUp, makePeer, setup, type TestPeer, waitFor } from '../helpers/pipeline-peers.ts'
import { testLogger } from '../helpers/test-logger.ts'

afterEach(cleanUp)

function updatedOnce(peer: TestPeer): Promise<unknown> {
  return new Promise((resolve) =>
    peer.events.addEventListener('message:updated', resolve, { once: true }),
  )
}

function action(id: number, storedAt: number): WaitingAction {
  const hex = id.toString(16).padStart(32, '0')
  return {
    id: hex,
    target: hex,
    type: 'react',
    text: '',
    emoji: '👍',
    sentAt: 1,
    who: 'in',
    storedAt,
  }
}

function transaction(): LaneTransaction {
  return { ops: [], undo: [] } as unknown as LaneTransaction
}

describe('actions waiting for their target', () => {
  it('a reaction from bob’s phone before bob’s text waits, across a restart, and is applied when the text comes', async () => {
    const { network, directory, mailbox, bob } = await setup()
    const phone = await makePeer('bob-phone', network, directory, mailbox)
    const actionHome = (sender: Uint8Array) =>
      bytesEqual(sender, phone.identity.publicKey)
        ? { peer: bob.identity.publicKey, who: 'in' as const }
        : undefined
    let alice = await makePeer('alice', network, directory, mailbox, { actionHome })
    network.capture = true
    const text = await bob.pipeline.send(alice.identity.publicKey, 'hello')
    const now = Date.now()
    await phone.pipeline.queueAction(alice.identity.publicKey, {
      id: '00'.repeat(16),
      type: 'react',
      target: text.id,
      emoji: '👍',
      text: '',
      sentAt: now,
    })
    await waitFor(
      () =>
        ['bob', 'bob-phone'].every((name) => network.captured.some((c) => c.from.name === name)),
      'the text and the reaction sent',
    )
    const [fromBob] = network.captured.filter((c) => c.from === bob)
    const [fromPhone] = network.captured.filter((c) => c.from === phone)
    network.capture = false

    // The reaction first: taken in (acked), nothing to show yet.
    expect((await network.deliver(phone, alice, fromPhone!.envelope)).status).toBe(
      DmAckStatus.STORED,
    )
    expect((await alice.pipeline.history(bob.identity.publicKey)).messages).toEqual([])

    alice = await alice.restart()
    const updated = updatedOnce(alice)
    await network.deliver(bob, alice, fromBob!.envelope)
    await updated
    const [shown] = (await alice.pipeline.history(bob.identity.publicKey)).messages
    expect(shown).toMatchObject({
      id: text.id,
      text: 'hello',
      reactions: [{ emoji: '👍', mine: false }],
    })
  })

  it(`keeps at most ${MAX_WAITING_ACTIONS}, the oldest dropped first, and none too old at start`, async () => {
    const { alice } = await setup()
    const store = new MessageStore(alice.db)
    const waiting = new WaitingActions(store, testLogger)
    const tx = transaction()
    for (let i = 0; i <= MAX_WAITING_ACTIONS; i++) waiting.keep(tx, 'ab'.repeat(32), action(i, i))
    const kept = waiting.of('ab'.repeat(32))
    expect(kept.length).toBe(MAX_WAITING_ACTIONS)
    expect(kept[0]?.storedAt).toBe(1)
    const deleted = tx.ops.filter((op) => op.type === 'del')
    expect(deleted).toHaveLength(1)

    // On disk: one fresh, one past the age limit; a new start keeps only the fresh one.
    const now = Date.now()
    const ops: BatchOp[] = [
      store.waitingActionOp('cd'.repeat(32), action(1, now)),
      store.waitingActionOp('cd'.repeat(32), action(2, now - WAITING_ACTION_MAX_AGE_MS - 1)),
    ]
    await alice.db.batch(ops as never)
    const loaded = new WaitingActions(store, testLogger)
    const expired = await loaded.load(now)
    expect(expired).toHaveLength(1)
    expect(loaded.of('cd'.repeat(32)).map((a) => a.storedAt)).toEqual([now])
  })
})
