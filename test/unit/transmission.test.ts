/**
 * Transmission (node/messaging/transmission.ts) on stub deps and a lane with stub hooks: an
 * unreachable peer's item goes to the mailbox once however often it is sent, and a deposit
 * that completes too late (the item delivered meanwhile, or the pipeline stopped) leaves no
 * record but a withdrawal.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { BatchOp } from '../../node/messaging/durable-writer.ts'
import type { OutboxEntry } from '../../node/messaging/message-store.ts'
import { type LaneState, type OutboxItem, PeerLane } from '../../node/messaging/peer-lane.ts'
import type { PipelineContext } from '../../node/messaging/pipeline-context.ts'
import type { MailboxPort } from '../../node/messaging/ports.ts'
import { Transmission } from '../../node/messaging/transmission.ts'
import type { DmEnvelope } from '../../protocol/messaging.ts'
import { testLogger } from '../helpers/test-logger.ts'
import { ChangeSignal } from '../helpers/wait.ts'

const changes = new ChangeSignal()

/** A mailbox whose deposits wait until the test releases them. */
class HeldMailbox {
  readonly deposits: Array<{ inbox: boolean; release: () => void }> = []
  readonly withdrawn: string[] = []

  depositToInbox(): Promise<{ slotId: string; confirmed: number; total: number }> {
    return this.#held(true)
  }

  deposit(): Promise<{ slotId: string; confirmed: number; total: number }> {
    return this.#held(false)
  }

  async withdraw(slotId: string) {
    this.withdrawn.push(slotId)
    changes.notify()
  }

  #held(inbox: boolean) {
    return new Promise<{ slotId: string; confirmed: number; total: number }>((resolve) => {
      const slotId = `slot-${this.deposits.length + 1}`
      this.deposits.push({ inbox, release: () => resolve({ slotId, confirmed: 2, total: 3 }) })
      changes.notify()
    })
  }
}

const parts: Transmission[] = []
afterEach(() => {
  for (const part of parts.splice(0)) part.clearTimers()
})

function setup() {
  const mailbox = new HeldMailbox()
  const commits: BatchOp[][] = []
  const stored: Array<{ confirmed: number; total: number }> = []
  const state = { stopped: false }
  const lane = new PeerLane(new Uint8Array(32).fill(7), 'bob', {
    load: async () => ({ conversation: { heardFrom: false } }) as unknown as LaneState,
    finish: () => [],
    commit: async (ops) => void commits.push(ops as BatchOp[]),
    onAfterError: () => undefined,
  })
  const ctx = {
    init: {
      log: testLogger,
      mailbox: mailbox as unknown as MailboxPort,
      // The peer is unreachable: every direct send fails.
      link: { send: async () => false },
    },
    store: {
      outboxOp: (peerHex: string, entry: OutboxEntry): BatchOp => ({
        type: 'put',
        key: `o/${peerHex}/${entry.id}`,
        value: new Uint8Array(),
      }),
    },
    lanes: new Map([[lane.peerHex, lane]]),
    slots: new Map(),
    get stopped() {
      return state.stopped
    },
  } as unknown as PipelineContext
  const part = new Transmission(ctx, {
    seal: () => [],
    retry: async () => undefined,
    storedInMailbox: async (_lane, _tx, _item, replicas) => void stored.push(replicas),
  })
  parts.push(part)
  const item: OutboxItem = {
    entry: { id: 'aa', slotId: null, envelope: 'AAAA', resets: 0 } as OutboxEntry,
    envelope: { messageId: new Uint8Array(16) } as DmEnvelope,
    inFlight: false,
    depositing: false,
  }
  lane.outbox.set('aa', item)
  return { part, lane, item, ctx, mailbox, commits, stored, state }
}

describe('transmission', () => {
  it("deposits an unreachable peer's item once, in its inbox, and records the slot", async () => {
    const { part, lane, item, ctx, mailbox, commits, stored } = setup()
    const sends = [part.transmit(lane, item), part.transmit(lane, item)]
    await changes.until(() => mailbox.deposits.length === 1, 'the deposit under way')
    // Sent again while the deposit is under way: no second copy.
    await part.transmit(lane, item)
    mailbox.deposits[0].release()
    await Promise.all(sends)
    expect(mailbox.deposits.map((deposit) => deposit.inbox)).toEqual([true])
    expect(item.entry.slotId).toBe('slot-1')
    expect(ctx.slots.get('slot-1')).toEqual({ peerHex: lane.peerHex, id: 'aa' })
    expect(commits.map((ops) => ops.map((op) => op.key))).toEqual([[`o/${lane.peerHex}/aa`]])
    expect(stored).toEqual([{ confirmed: 2, total: 3 }])
    // A peer that failed is tried again directly soon.
    expect(lane.directRetryTimer).toBeDefined()
    await part.transmit(lane, item)
    expect(mailbox.deposits).toHaveLength(1)
  })

  it('withdraws a deposit that completes after the item was delivered', async () => {
    const { part, lane, item, mailbox, stored } = setup()
    const sending = part.transmit(lane, item)
    await changes.until(() => mailbox.deposits.length === 1, 'the deposit under way')
    lane.outbox.delete('aa')
    mailbox.deposits[0].release()
    await sending
    await changes.until(() => mailbox.withdrawn.length === 1, 'the deposit withdrawn')
    expect(mailbox.withdrawn).toEqual(['slot-1'])
    expect(stored).toEqual([])
  })

  it('records nothing for a deposit that completes after the stop', async () => {
    const { part, lane, item, ctx, mailbox, commits, state } = setup()
    const sending = part.transmit(lane, item)
    await changes.until(() => mailbox.deposits.length === 1, 'the deposit under way')
    state.stopped = true
    mailbox.deposits[0].release()
    await sending
    expect(commits).toEqual([])
    expect(ctx.slots.size).toBe(0)
    expect(item.entry.slotId).toBeNull()
    expect(item.depositing).toBe(false)
  })
})
