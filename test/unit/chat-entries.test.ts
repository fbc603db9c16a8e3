/** The web client's chat list: pages and live messages merge without duplicates (and a first page keeps what came while it loaded), states only move on, styles stay in range, call lines stand by time. */
import { describe, expect, it } from 'vitest'
import {
  type ChatEntry,
  cssOfStyle,
  entryOfMessage,
  entryOfRoomMessage,
  mergeEntries,
  withCalls,
  withFirstPage,
  withState,
} from '../../client/web/src/chat-entries.ts'
import type { CallView } from '../../protocol/local-api.ts'

const entry = (id: string, text = id): ChatEntry => ({
  id,
  mine: true,
  from: 'peer',
  text,
  sentAt: 0,
  state: 'queued',
})

describe('mergeEntries', () => {
  it('appends new messages, replaces known ones in place, and puts an older page first', () => {
    const shown = [entry('b'), entry('c')]
    const latest = mergeEntries(shown, [entry('c', 'c edited'), entry('d')], 'end')
    expect(latest.map((e) => e.text)).toEqual(['b', 'c edited', 'd'])
    const older = mergeEntries(latest, [entry('a'), entry('b')], 'start')
    expect(older.map((e) => e.id)).toEqual(['a', 'b', 'c', 'd'])
  })
})

describe('withFirstPage', () => {
  it('keeps what came while the first page was on its way, after the page and once', () => {
    const page = [entry('a'), entry('b', 'b as the page has it')]
    const meanwhile = [entry('b', 'b as its event had it'), entry('c'), entry('d')]
    expect(withFirstPage(page, meanwhile).map((e) => e.text)).toEqual([
      'a',
      'b as the page has it',
      'c',
      'd',
    ])
  })
})

describe('entryOfMessage', () => {
  it('keeps the notice that the peer changed its key, with the new fingerprint', () => {
    const keyChange = { previousPeerId: '12D3KooWold', fingerprint: '12345 67890' }
    const notice = entryOfMessage({
      id: 'k',
      peerId: '12D3KooWnew',
      direction: 'in',
      seq: 0,
      text: 'changed their key; new fingerprint 12345 67890',
      sentAt: 1,
      storedAt: 1,
      keyChange,
    })
    expect(notice).toMatchObject({ mine: false, from: '12D3KooWnew', keyChange })
  })
})

describe('withState', () => {
  it('moves a message forward, never back', () => {
    const read = withState([entry('a')], 'a', 'read')
    expect(read[0].state).toBe('read')
    expect(withState(read, 'a', 'delivered')[0].state).toBe('read')
    expect(withState(read, 'a', 'failed', 'blocked')[0]).toMatchObject({
      state: 'failed',
      failure: 'blocked',
    })
  })

  it('keeps why a message waits while it is queued, and drops it once it moves on', () => {
    const waiting = {
      ...entry('a'),
      queuedReason: { code: 'unreachable' as const, message: 'no connection' },
    }
    expect(withState([waiting], 'a', 'queued')[0].queuedReason).toEqual(waiting.queuedReason)
    expect(withState([waiting], 'a', 'stored')[0].queuedReason).toBeUndefined()
  })
})

describe('cssOfStyle', () => {
  it('renders the contract and ignores what lies outside it', () => {
    expect(cssOfStyle({ bold: true, italic: true, color: '#12ab9F', size: 18 })).toEqual({
      fontWeight: '700',
      fontStyle: 'italic',
      color: '#12ab9F',
      fontSize: '18pt',
    })
    expect(cssOfStyle({ color: 'red;background:url(x)', size: 500 })).toEqual({})
    expect(cssOfStyle(undefined)).toEqual({})
  })
})

describe('entryOfRoomMessage', () => {
  it("keeps a member's key change, so the room shows it as a notice like a 1:1 chat", () => {
    const keyChange = { previousPeerId: '12D3KooWold', fingerprint: 'ab12 cd34' }
    const line = entryOfRoomMessage({
      roomId: 'r',
      id: 'e',
      author: 'aa',
      authorPeerId: '12D3KooWnew',
      text: 'changed their key; new fingerprint ab12 cd34',
      sentAt: 1,
      lamport: 1,
      mine: false,
      keyChange,
    })
    expect(line.keyChange).toEqual(keyChange)
    expect(line.from).toBe('12D3KooWnew')
  })
})

describe('withCalls', () => {
  const at = (id: string, sentAt: number): ChatEntry => ({ ...entry(id), sentAt })
  const call = (callId: string, startedAt: number, outcome: CallView['outcome']): CallView => ({
    callId,
    peerId: 'peer',
    publicKey: 'ab',
    direction: 'in',
    phase: 'ended',
    outcome,
    startedAt,
    answeredAt: null,
    endedAt: startedAt + 1,
    durationMs: 0,
  })

  it('puts each call line before the first message sent after it, once', () => {
    const shown = [at('a', 10), at('b', 30)]
    const lines = withCalls(shown, [call('early', 5, 'missed'), call('middle', 20, 'declined')])
    expect(lines.map((e) => e.id)).toEqual(['call-early', 'a', 'call-middle', 'b'])
    const again = withCalls(lines, [call('middle', 20, 'declined'), call('late', 40, 'missed')])
    expect(again.map((e) => e.id)).toEqual(['call-early', 'a', 'call-middle', 'b', 'call-late'])
    expect(again.find((e) => e.id === 'call-late')?.call?.outcome).toBe('missed')
  })
})
