/**
 * Message actions: the wire checks and the one rule both ends apply
 * (protocol/message-actions.ts), and in the pipeline, an action that arrives before the
 * message it acts on (held in its seq's place, applied once the target is shown).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { RECALL_WINDOW_MS } from '../../protocol/limits.ts'
import type { MessageView } from '../../protocol/local-api.ts'
import { judgeAction, withReaction } from '../../protocol/message-actions.ts'
import { decodeInnerMessage, encodeInnerMessage } from '../../protocol/messaging.ts'
import { DmActionType, DmContent, DmContentKind, DmReceiptType } from '../../protocol/proto/dm.ts'
import { RoomActionType, RoomContent } from '../../protocol/proto/room.ts'
import { decodeRoomContent, encodeRoomContent } from '../../protocol/rooms/index.ts'
import { cleanUp, setup, waitFor } from '../helpers/pipeline-peers.ts'

afterEach(cleanUp)

const id = (byte: number) => new Uint8Array(16).fill(byte)
const text = { messageId: id(1), seq: 2, sentAtMs: 1_000, resolvedBelow: 1 }
const target = { byActor: true, sentAt: 0, recalled: false, hasAttachment: false }

describe('message actions on the wire', () => {
  it('round-trips a reply and each action', () => {
    const reply = { kind: 'text' as const, ...text, text: 'yes', replyTo: id(9) }
    expect(decodeInnerMessage(encodeInnerMessage(reply))).toMatchObject({ replyTo: id(9) })
    for (const action of [
      { type: 'edit' as const, target: id(9) },
      { type: 'recall' as const, target: id(9) },
      { type: 'react' as const, target: id(9), emoji: '👍🏽' },
    ]) {
      const words = action.type === 'edit' ? 'fixed' : ''
      const message = { kind: 'text' as const, ...text, text: words, action }
      expect(decodeInnerMessage(encodeInnerMessage(message))).toMatchObject({ text: words, action })
    }
  })

  it('refuses an action that carries what it must not', () => {
    const encode = (content: Partial<DmContent>) =>
      DmContent.encode({
        messageId: id(1),
        seq: 1,
        resolvedBelow: 1,
        kind: DmContentKind.TEXT,
        ...content,
      })
    const react = { target: id(9), type: DmActionType.REACT, emoji: '👍' }
    expect(() => decodeInnerMessage(encode({ action: react, text: 'words' }))).toThrow(
      /only an edit/,
    )
    expect(() => decodeInnerMessage(encode({ action: { ...react, emoji: 'a b' } }))).toThrow(
      /one emoji/,
    )
    expect(() =>
      decodeInnerMessage(encode({ action: { ...react, emoji: '👍'.repeat(9) } })),
    ).toThrow(/one emoji/)
    expect(() =>
      decodeInnerMessage(encode({ action: { ...react, target: id(9).slice(1) } })),
    ).toThrow(/acted-on message id/)
    expect(() => decodeInnerMessage(encode({ action: react, replyTo: id(3) }))).toThrow(
      /no style, file, reply/,
    )
    expect(() =>
      decodeInnerMessage(
        encode({ action: { target: id(9), type: DmActionType.RECALL, emoji: 'x' } }),
      ),
    ).toThrow(/only a reaction/)
    expect(() =>
      decodeInnerMessage(
        DmContent.encode({
          messageId: id(1),
          kind: DmContentKind.RECEIPT,
          replyTo: id(3),
          receipt: { type: DmReceiptType.READ, messageIds: [], readUpToSeq: 1 },
        }),
      ),
    ).toThrow(/only a text carries/)
  })
})

describe('message actions in room content', () => {
  const event = (byte: number) => new Uint8Array(32).fill(byte)
  it('round-trips a reply, a forward and each action', () => {
    const reply = { text: 'yes', replyTo: event(7), forwarded: true }
    expect(decodeRoomContent(encodeRoomContent(reply))).toEqual(reply)
    const react = { text: '', action: { type: 'react' as const, target: event(7), emoji: '👍' } }
    expect(decodeRoomContent(encodeRoomContent(react))).toEqual(react)
    expect(decodeRoomContent(encodeRoomContent('plain'))).toEqual({ text: 'plain' })
  })

  it('refuses content a member never writes', () => {
    const decode = (content: Partial<RoomContent>) =>
      decodeRoomContent(RoomContent.encode({ text: '', ...content }))
    const recall = { target: event(7), type: RoomActionType.ROOM_RECALL, emoji: '' }
    expect(() => decode({ replyTo: event(7).slice(1) })).toThrow(/32-byte event id/)
    expect(() => decode({ action: recall, text: 'words' })).toThrow(/only an edit/)
    expect(() => decode({ action: recall, replyTo: event(3) })).toThrow(/no reply/)
    expect(() => decode({ action: { ...recall, emoji: 'x' } })).toThrow(/only a reaction/)
    expect(() =>
      decode({ action: { ...recall, type: RoomActionType.ROOM_REACT, emoji: 'a b' } }),
    ).toThrow(/one emoji/)
  })
})

describe('the rule both ends apply', () => {
  it('only the author edits and recalls, a recall within the window, nothing on a recalled message', () => {
    expect(judgeAction({ type: 'react', sentAt: 5 }, { ...target, byActor: false }).ok).toBe(true)
    expect(
      judgeAction({ type: 'edit', sentAt: 5, text: 'x' }, { ...target, byActor: false }),
    ).toMatchObject({ ok: false })
    expect(judgeAction({ type: 'recall', sentAt: RECALL_WINDOW_MS }, target).ok).toBe(true)
    expect(judgeAction({ type: 'recall', sentAt: RECALL_WINDOW_MS + 1 }, target)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('120 s'),
    })
    expect(judgeAction({ type: 'react', sentAt: 5 }, { ...target, recalled: true }).ok).toBe(false)
    expect(judgeAction({ type: 'edit', sentAt: 5, text: '' }, target).ok).toBe(false)
    expect(
      judgeAction({ type: 'edit', sentAt: 5, text: '' }, { ...target, hasAttachment: true }).ok,
    ).toBe(true)
    expect(
      judgeAction(
        { type: 'edit', sentAt: 5, text: 'x'.repeat(4097) },
        { ...target, hasAttachment: true },
      ).ok,
    ).toBe(false)
  })

  it('keeps one reaction per person', () => {
    const one = withReaction(undefined, 'in', '👍')
    expect(withReaction(one, 'in', '🎉')).toEqual({ in: '🎉' })
    expect(withReaction(withReaction(one, 'out', '❤️'), 'in', '')).toEqual({ out: '❤️' })
    expect(withReaction(one, 'in', '')).toBeUndefined()
  })
})

describe('an action before the message it acts on', () => {
  it('is held in its place and applied once the target arrives', async () => {
    const { network, alice, bob } = await setup()
    const updates: MessageView[] = []
    alice.events.addEventListener('message:updated', (event) =>
      updates.push((event as CustomEvent<MessageView>).detail),
    )
    network.capture = true
    const sent = await bob.pipeline.send(alice.identity.publicKey, 'bob writes')
    await bob.pipeline.act(alice.identity.publicKey, sent.id, { type: 'react', emoji: '😀' })
    await bob.pipeline.act(alice.identity.publicKey, sent.id, { type: 'edit', text: 'bob wrote' })
    await waitFor(() => network.captured.length === 3, 'text and two actions sent')
    const [textEnvelope, reaction, edit] = network.captured
    network.capture = false

    await network.deliver(bob, alice, edit.envelope)
    await network.deliver(bob, alice, reaction.envelope)
    expect(updates).toEqual([])
    expect((await alice.pipeline.history(bob.identity.publicKey)).held).toBe(2)

    await network.deliver(bob, alice, textEnvelope.envelope)
    expect(alice.received.map((m) => m.text)).toEqual(['bob writes'])
    expect(updates.map((m) => [m.text, m.reactions])).toEqual([
      ['bob writes', [{ emoji: '😀', mine: false }]],
      ['bob wrote', [{ emoji: '😀', mine: false }]],
    ])
    const history = await alice.pipeline.history(bob.identity.publicKey)
    expect(history).toMatchObject({ held: 0, unread: 1 })
    expect(history.messages).toEqual([
      expect.objectContaining({ id: sent.id, text: 'bob wrote', editedAt: expect.any(Number) }),
    ])
  })
})
