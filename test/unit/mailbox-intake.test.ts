/**
 * MailboxIntake (node/messaging/mailbox-intake.ts) on stub deps: what a collection does with
 * each slot (acknowledge, or keep until a refusal notice is deposited), and what it sends
 * back (delivered receipts cut to the limit, notices only to senders the mailbox vouches for).
 */
import { describe, expect, it } from 'vitest'
import { MailboxIntake } from '../../node/messaging/mailbox-intake.ts'
import type { ReceiptRequest } from '../../node/messaging/outbound.ts'
import type { PeerLane } from '../../node/messaging/peer-lane.ts'
import type {
  PipelineContext,
  ReceiveOutcome,
  ReceiveSource,
} from '../../node/messaging/pipeline-context.ts'
import type { CollectedEnvelope, MailboxPort } from '../../node/messaging/ports.ts'
import { toHex } from '../../protocol/bytes.ts'
import { MAX_RECEIPT_MESSAGE_IDS } from '../../protocol/limits.ts'
import {
  DmAckStatus,
  type DmEnvelope,
  type DmRefusalNotice,
  decodeMailboxItem,
  encodeEnvelope,
  encodeRefusalNotice,
} from '../../protocol/messaging.ts'
import { encodeMessageHeader } from '../../protocol/session/index.ts'
import { testLogger } from '../helpers/test-logger.ts'
import { ChangeSignal } from '../helpers/wait.ts'

const alice = new Uint8Array(32).fill(0xa1)
const sessionKey = new Uint8Array(32).fill(0x5e)

/** An envelope from alice whose header starts a session named `sessionKey`. */
function envelopeFromAlice(n: number): DmEnvelope {
  const messageId = new Uint8Array(16)
  new DataView(messageId.buffer).setUint32(0, n)
  const header = encodeMessageHeader({
    ratchetKey: new Uint8Array(32).fill(0x7a),
    previousChainLength: 0,
    messageNumber: n,
    sessionStart: { identityKey: alice, ephemeralKey: sessionKey, signedPrekeyId: 1 },
  })
  return { messageId, sender: alice, header, ciphertext: new Uint8Array(32) } as DmEnvelope
}

const slot = (slotId: string, bytes: Uint8Array, sender: Uint8Array | null = alice) =>
  ({ slotId, sender, envelope: bytes }) as CollectedEnvelope

/** A mailbox that records acknowledgements and deposits; deposits fail while `failing`. */
class RecordingMailbox {
  readonly acknowledged: string[] = []
  readonly deposited: DmRefusalNotice[] = []
  readonly changes = new ChangeSignal()
  failing = false
  attempts = 0

  async acknowledge(slotId: string) {
    this.acknowledged.push(slotId)
    this.changes.notify()
  }

  async deposit(_recipient: Uint8Array, bytes: Uint8Array) {
    this.attempts++
    if (this.failing) {
      this.changes.notify()
      throw new Error('no holder answered')
    }
    const { refusal } = decodeMailboxItem(bytes)
    this.deposited.push(refusal!)
    this.changes.notify()
    return { slotId: `notice-${this.deposited.length}`, confirmed: 3, total: 3 }
  }
}

function intake(answer: (envelope: DmEnvelope, source: ReceiveSource) => ReceiveOutcome) {
  const mailbox = new RecordingMailbox()
  const receipts: ReceiptRequest[] = []
  const notices: Array<{ sender: Uint8Array | null; notice: DmRefusalNotice }> = []
  const received: ReceiveSource[] = []
  const ctx = {
    init: { log: testLogger, mailbox: mailbox as unknown as MailboxPort },
    lane: (peer: Uint8Array) => ({ peerHex: toHex(peer) }) as PeerLane,
  } as unknown as PipelineContext
  const part = new MailboxIntake(ctx, {
    receive: async (envelope, source) => {
      received.push(source)
      return answer(envelope, source)
    },
    takeRefusalNotice: async (sender, notice) => void notices.push({ sender, notice }),
    queueReceipt: async (_lane, receipt) => void receipts.push(receipt),
  })
  return { part, mailbox, receipts, notices, received }
}

const stored = (): ReceiveOutcome => ({ status: DmAckStatus.STORED, text: true })
const unknownPrekey = (): ReceiveOutcome => ({
  status: DmAckStatus.REJECTED,
  code: 'unknown-prekey',
  reason: 'no such one-time prekey',
})

describe('mailbox intake', () => {
  it('acknowledges a malformed slot without running it, and counts it rejected', async () => {
    const { part, mailbox, received } = intake(stored)
    const counts = await part.collect([slot('bad', new Uint8Array([1, 2, 3]))])
    expect(counts).toEqual({ stored: 0, duplicates: 0, rejected: 1 })
    expect(received).toEqual([])
    expect(mailbox.acknowledged).toEqual(['bad'])
  })

  it('sends one delivered receipt per MAX_RECEIPT_MESSAGE_IDS texts stored', async () => {
    const { part, mailbox, receipts } = intake(stored)
    const slots = Array.from({ length: MAX_RECEIPT_MESSAGE_IDS + 1 }, (_, i) =>
      slot(`s${i}`, encodeEnvelope(envelopeFromAlice(i))),
    )
    const counts = await part.collect(slots)
    expect(counts.stored).toBe(MAX_RECEIPT_MESSAGE_IDS + 1)
    expect(mailbox.acknowledged).toHaveLength(MAX_RECEIPT_MESSAGE_IDS + 1)
    expect(
      receipts.map((receipt) => (receipt.type === 'delivered' ? receipt.messageIds.length : 0)),
    ).toEqual([MAX_RECEIPT_MESSAGE_IDS, 1])
  })

  it('keeps a refused start until the notice naming it is deposited, then acknowledges it', async () => {
    const { part, mailbox } = intake(unknownPrekey)
    mailbox.failing = true
    const envelope = envelopeFromAlice(1)
    await part.collect([slot('refused', encodeEnvelope(envelope))])
    await mailbox.changes.until(() => mailbox.attempts === 1, 'the deposit tried')
    // The deposit failed: the slot stays, so the next collection refuses it and tries again.
    expect(mailbox.acknowledged).toEqual([])
    mailbox.failing = false
    await part.collect([slot('refused', encodeEnvelope(envelope))])
    await mailbox.changes.until(() => mailbox.acknowledged.length === 1, 'the slot acknowledged')
    expect(mailbox.acknowledged).toEqual(['refused'])
    expect(mailbox.deposited).toHaveLength(1)
    expect(toHex(mailbox.deposited[0].sessionKey)).toBe(toHex(sessionKey))
    expect(mailbox.deposited[0].messageIds.map(toHex)).toEqual([toHex(envelope.messageId)])
  })

  it('tells no sender the mailbox does not vouch for, and lets the slot go', async () => {
    const { part, mailbox } = intake(unknownPrekey)
    await part.collect([slot('inbox', encodeEnvelope(envelopeFromAlice(1)), null)])
    expect(mailbox.deposited).toEqual([])
    expect(mailbox.acknowledged).toEqual(['inbox'])
  })

  it('takes a notice left for us as the refusals it names, and acknowledges its slot', async () => {
    const { part, mailbox, notices, received } = intake(stored)
    const notice = {
      sessionKey,
      messageIds: [envelopeFromAlice(7).messageId],
      reason: 'no such one-time prekey',
    } as DmRefusalNotice
    await part.collect([slot('notice', encodeRefusalNotice(notice))])
    expect(received).toEqual([])
    expect(notices).toHaveLength(1)
    expect(toHex(notices[0].sender!)).toBe(toHex(alice))
    expect(mailbox.acknowledged).toEqual(['notice'])
  })
})
