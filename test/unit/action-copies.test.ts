/**
 * The copies of our message actions for the other devices of both accounts
 * (node/messaging/message-actions.ts), on the pipeline with stub peers: an action is kept as
 * due for copies in its own batch, so a node that died before queueing them queues them at
 * its next start, and forgets it once they are queued; a copy queued twice is queued once
 * (one seq, so the device waits on no gap).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { MessageStore, type SentAction } from '../../node/messaging/message-store.ts'
import { toHex } from '../../protocol/bytes.ts'
import { cleanUp, makePeer, setup, waitForState } from '../helpers/pipeline-peers.ts'

afterEach(cleanUp)

describe('copies of our actions for other devices', () => {
  it('an action whose copies a crash left unqueued has them queued at the next start, once', async () => {
    const { network, directory, mailbox, bob } = await setup()
    let dies = true
    const copied: SentAction[] = []
    const copyAction = async (_peer: Uint8Array, sent: SentAction) => {
      // Stands for the process ending between the action's batch and its copies.
      if (dies) throw new Error('the node stopped before the copies were queued')
      copied.push(sent)
    }
    let alice = await makePeer('alice', network, directory, mailbox, { copyAction })
    const text = await alice.pipeline.send(bob.identity.publicKey, 'hello')
    await waitForState(alice, text.id, 'delivered')
    await alice.pipeline.act(bob.identity.publicKey, text.id, { type: 'react', emoji: '👍' })
    expect(copied).toEqual([])

    dies = false
    alice = await alice.restart()
    expect(copied).toEqual([
      expect.objectContaining({ type: 'react', target: text.id, emoji: '👍', text: '' }),
    ])

    alice = await alice.restart()
    expect(copied).toHaveLength(1)
    expect(await new MessageStore(alice.db).copiesDue()).toEqual([])
  })

  it('the copy of one action queued twice for a device is queued once', async () => {
    const { network, bob, alice } = await setup()
    network.capture = true
    const sent: SentAction = {
      id: '0a'.repeat(16),
      type: 'edit',
      target: '0b'.repeat(16),
      text: 'edited',
      sentAt: Date.now(),
    }
    await alice.pipeline.queueAction(bob.identity.publicKey, sent)
    await alice.pipeline.queueAction(bob.identity.publicKey, sent)
    const outbox = await new MessageStore(alice.db).outbox()
    expect(outbox.get(toHex(bob.identity.publicKey))).toHaveLength(1)
    // It took one seq: the next text follows it, with no gap for bob to wait on.
    const next = await alice.pipeline.send(bob.identity.publicKey, 'after the edit')
    expect(next.seq).toBe(2)
  })
})
