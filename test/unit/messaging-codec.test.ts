import { describe, expect, it } from 'vitest'
import {
  MAX_BUNDLE_TEXTS,
  MAX_DM_TEXT_SIZE,
  MAX_REFUSAL_MESSAGE_IDS,
  MAX_STREAM_FRAME_SIZE,
} from '../../protocol/limits.ts'
import {
  DmAckStatus,
  type DmEnvelope,
  type DmRefusalNotice,
  decodeDmFrame,
  decodeEnvelope,
  decodeInnerMessage,
  decodeMailboxItem,
  encodeBundle,
  encodeDmFrame,
  encodeEnvelope,
  encodeInnerMessage,
  encodeRefusalNotice,
  type InnerMessage,
  isPreferredInitiator,
  isStateAdvance,
} from '../../protocol/messaging.ts'
import {
  DmContent,
  DmContentKind,
  DmFrame,
  DmReceiptType,
  DmRefusalNotice as DmRefusalNoticeCodec,
} from '../../protocol/proto/dm.ts'

const id = new Uint8Array(16).fill(3)

function envelope(overrides: Partial<DmEnvelope> = {}): DmEnvelope {
  return {
    messageId: id,
    sender: new Uint8Array(32).fill(1),
    header: new Uint8Array(42).fill(2),
    ciphertext: new Uint8Array(40).fill(4),
    ...overrides,
  } as DmEnvelope
}

function thrownName(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return (err as Error).name
  }
  return undefined
}

describe('DM frames and envelopes', () => {
  it('round-trips an envelope frame and an ack frame', () => {
    const frame = decodeDmFrame(encodeDmFrame({ envelope: envelope() }))
    expect(frame.envelope?.messageId).toEqual(id)
    const ack = decodeDmFrame(
      encodeDmFrame({ ack: { messageId: id, status: DmAckStatus.DUPLICATE, reason: '' } }),
    )
    expect(ack.ack?.status).toBe(DmAckStatus.DUPLICATE)
    expect(decodeEnvelope(encodeEnvelope(envelope())).sender).toEqual(new Uint8Array(32).fill(1))
  })

  it('refuses frames with neither or both parts, and bad field sizes', () => {
    expect(thrownName(() => decodeDmFrame(DmFrame.encode({})))).toBe('MalformedMessageError')
    const both = DmFrame.encode({
      envelope: envelope(),
      ack: { messageId: id, status: DmAckStatus.STORED, reason: '' },
    } as DmFrame)
    expect(thrownName(() => decodeDmFrame(both))).toBe('MalformedMessageError')
    for (const bad of [
      { messageId: new Uint8Array(15) },
      { sender: new Uint8Array(31) },
      { header: new Uint8Array(10) },
      { header: new Uint8Array(200) },
      { ciphertext: new Uint8Array(8) },
    ]) {
      const bytes = DmFrame.encode({ envelope: envelope(bad as Partial<DmEnvelope>) } as DmFrame)
      expect(thrownName(() => decodeDmFrame(bytes))).toBe('MalformedMessageError')
    }
    expect(thrownName(() => decodeDmFrame(new Uint8Array(MAX_STREAM_FRAME_SIZE + 1)))).toBe(
      'OversizedMessageError',
    )
    expect(thrownName(() => decodeDmFrame(Uint8Array.of(0xff, 0xff, 0xff)))).toBe(
      'MalformedMessageError',
    )
  })
})

describe('mailbox items', () => {
  const notice = (overrides: Partial<DmRefusalNotice> = {}) =>
    ({
      sessionKey: new Uint8Array(32).fill(7),
      messageIds: [id],
      reason: 'one-time prekey 1 was already used or never ours',
      ...overrides,
    }) as DmRefusalNotice

  it('tells an envelope from a refusal notice', () => {
    expect(decodeMailboxItem(encodeEnvelope(envelope())).envelope?.messageId).toEqual(id)
    const refusal = decodeMailboxItem(encodeRefusalNotice(notice())).refusal
    expect(refusal?.messageIds).toEqual([id])
    expect(refusal?.sessionKey).toEqual(new Uint8Array(32).fill(7))
  })

  it('refuses a notice without ids, with too many, or with a bad session key or id', () => {
    const tooMany = Array.from({ length: MAX_REFUSAL_MESSAGE_IDS + 1 }, () => id)
    for (const bad of [
      { messageIds: [] },
      { messageIds: tooMany },
      { sessionKey: new Uint8Array(16) },
      { messageIds: [new Uint8Array(15)] },
      { reason: 'x'.repeat(201) },
    ]) {
      const bytes = DmRefusalNoticeCodec.encode(notice(bad as Partial<DmRefusalNotice>))
      expect(thrownName(() => decodeMailboxItem(bytes))).toBe('MalformedMessageError')
      expect(thrownName(() => encodeRefusalNotice(notice(bad)))).toBe('MalformedMessageError')
    }
  })
})

describe('inner messages', () => {
  it('round-trips texts and both receipt kinds', () => {
    const text = {
      kind: 'text',
      messageId: id,
      seq: 4,
      sentAtMs: 1234,
      text: 'hé',
      resolvedBelow: 2,
    } as const
    expect(decodeInnerMessage(encodeInnerMessage(text))).toEqual(text)
    const delivered: InnerMessage = {
      kind: 'receipt',
      type: 'delivered',
      messageId: id,
      messageIds: [id, id],
    }
    expect(decodeInnerMessage(encodeInnerMessage(delivered))).toEqual(delivered)
    const read = { kind: 'receipt', type: 'read', messageId: id, readUpToSeq: 9 } as const
    expect(decodeInnerMessage(encodeInnerMessage(read))).toEqual(read)
  })

  it('carries whom an own-device copy was sent to, on a text only and as a 32-byte key', () => {
    const copy = {
      kind: 'text',
      messageId: id,
      seq: 1,
      sentAtMs: 5,
      text: 'sent from my phone',
      resolvedBelow: 1,
      sentTo: new Uint8Array(32).fill(7),
    } as const
    expect(decodeInnerMessage(encodeInnerMessage(copy))).toEqual(copy)
    const raw = (content: Partial<DmContent>) =>
      thrownName(() => decodeInnerMessage(DmContent.encode({ messageId: id, ...content })))
    const text = { kind: DmContentKind.TEXT, seq: 1, resolvedBelow: 1, text: 'x' }
    expect(raw({ ...text, sentTo: new Uint8Array(31) })).toBe('MalformedMessageError')
    expect(
      raw({
        kind: DmContentKind.RECEIPT,
        receipt: { type: DmReceiptType.READ, messageIds: [], readUpToSeq: 1 },
        sentTo: new Uint8Array(32),
      }),
    ).toBe('MalformedMessageError')
  })

  it('refuses texts over the limit, seq 0, impossible resolved_below and mixed kinds', () => {
    const base = { kind: 'text', messageId: id, seq: 1, sentAtMs: 1, resolvedBelow: 1 } as const
    expect(() => encodeInnerMessage({ ...base, text: 'x'.repeat(MAX_DM_TEXT_SIZE) })).not.toThrow()
    expect(
      thrownName(() => encodeInnerMessage({ ...base, text: 'x'.repeat(MAX_DM_TEXT_SIZE + 1) })),
    ).toBe('MalformedMessageError')
    const raw = (content: Partial<DmContent>) =>
      thrownName(() => decodeInnerMessage(DmContent.encode({ messageId: id, ...content })))
    expect(raw({ kind: DmContentKind.TEXT, seq: 0, resolvedBelow: 0 })).toBe(
      'MalformedMessageError',
    )
    expect(raw({ kind: DmContentKind.TEXT, seq: 2, resolvedBelow: 3 })).toBe(
      'MalformedMessageError',
    )
    expect(raw({ kind: DmContentKind.RECEIPT, seq: 1 })).toBe('MalformedMessageError')
    expect(raw({ kind: DmContentKind.RECEIPT })).toBe('MalformedMessageError')
  })

  it('round-trips a bundle of texts and refuses any other shape of one', () => {
    const text = (seq: number) =>
      ({
        kind: 'text',
        messageId: new Uint8Array(16).fill(seq),
        seq,
        sentAtMs: 1000 + seq,
        text: `text ${seq}`,
        resolvedBelow: 1,
      }) as const
    const bundle = encodeBundle(id, [encodeInnerMessage(text(1)), encodeInnerMessage(text(2))])
    expect(decodeInnerMessage(bundle)).toEqual({
      kind: 'bundle',
      messageId: id,
      texts: [text(1), text(2)],
    })

    const parts = (...seqs: number[]) => seqs.map((seq) => encodeInnerMessage(text(seq)))
    const raw = ({
      parts,
      ...content
    }: Partial<Omit<DmContent, 'parts'>> & { parts: Uint8Array[] }) =>
      thrownName(() =>
        decodeInnerMessage(
          DmContent.encode({
            messageId: id,
            kind: DmContentKind.BUNDLE,
            parts: parts as DmContent['parts'],
            ...content,
          }),
        ),
      )
    expect(raw({ parts: parts(1) })).toBe('MalformedMessageError')
    expect(raw({ parts: parts(2, 1) })).toBe('MalformedMessageError')
    expect(raw({ parts: parts(1, 1) })).toBe('MalformedMessageError')
    expect(raw({ parts: parts(1, 2), seq: 1 })).toBe('MalformedMessageError')
    expect(raw({ parts: parts(1, 2), text: 'own text' })).toBe('MalformedMessageError')
    expect(raw({ parts: [bundle, ...parts(3)] })).toBe('MalformedMessageError')
    const receipt = encodeInnerMessage({
      kind: 'receipt',
      type: 'read',
      messageId: id,
      readUpToSeq: 1,
    })
    expect(raw({ parts: [...parts(1), receipt] })).toBe('MalformedMessageError')
    expect(raw({ parts: [new Uint8Array([0xff]), ...parts(2)] })).toBe('MalformedMessageError')
    const tooMany = Array.from({ length: MAX_BUNDLE_TEXTS + 1 }, (_, i) =>
      encodeInnerMessage({ ...text(1), seq: i + 1 }),
    )
    expect(raw({ parts: tooMany })).toBe('MalformedMessageError')
    expect(thrownName(() => encodeBundle(id, tooMany))).toBe('MalformedMessageError')
    // A text with parts is no bundle.
    expect(
      thrownName(() =>
        decodeInnerMessage(
          DmContent.encode({
            ...DmContent.decode(encodeInnerMessage(text(1))),
            parts: parts(2) as DmContent['parts'],
          }),
        ),
      ),
    ).toBe('MalformedMessageError')
    // Texts of the largest size do not fit two to a bundle.
    const big = encodeInnerMessage({ ...text(1), text: 'x'.repeat(MAX_DM_TEXT_SIZE) })
    expect(thrownName(() => encodeBundle(id, [big, big]))).toBe('OversizedMessageError')
  })
})

describe('rules', () => {
  it('prefers the smaller initiator key, the same way on both ends', () => {
    const a = Uint8Array.of(1, 2, 3)
    const b = Uint8Array.of(1, 3, 0)
    expect(isPreferredInitiator(a, b)).toBe(true)
    expect(isPreferredInitiator(b, a)).toBe(false)
  })

  it('only moves delivery states forward', () => {
    expect(isStateAdvance('queued', 'stored')).toBe(true)
    expect(isStateAdvance('delivered', 'stored')).toBe(false)
    expect(isStateAdvance('read', 'delivered')).toBe(false)
    expect(isStateAdvance('stored', 'failed')).toBe(true)
    expect(isStateAdvance('delivered', 'failed')).toBe(false)
    expect(isStateAdvance('failed', 'delivered')).toBe(true)
  })
})
