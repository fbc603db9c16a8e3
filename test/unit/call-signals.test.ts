/** Call signals on the wire: each kind round-trips, and the decoder refuses what no client writes. */
import { describe, expect, it } from 'vitest'
import {
  CALL_ID_LENGTH,
  type CallSignal,
  decodeCallSignal,
  encodeCallSignal,
} from '../../protocol/calls.ts'
import { encodeMessage } from '../../protocol/codec.ts'
import { randomBytes } from '../../protocol/crypto/index.ts'
import {
  MAX_CALL_CANDIDATE_SIZE,
  MAX_CALL_CANDIDATES,
  MAX_CALL_SDP_SIZE,
  MAX_CALL_SIGNAL_SIZE,
  MAX_DM_PLAINTEXT_SIZE,
} from '../../protocol/limits.ts'
import { decodeInnerMessage, encodeInnerMessage } from '../../protocol/messaging.ts'
import { CallSignalType, CallSignal as WireCallSignal } from '../../protocol/proto/call.ts'
import { DmContent, DmContentKind } from '../../protocol/proto/dm.ts'

const FINGERPRINT = `a=fingerprint:sha-256 ${Array.from({ length: 32 }, () => 'AB').join(':')}`
const SDP = `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n${FINGERPRINT}\r\n`
const callId = randomBytes(CALL_ID_LENGTH)
const candidate = {
  candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0',
  sdpMid: '0',
  sdpMLineIndex: 0,
}

function wire(fields: Partial<WireCallSignal>): Uint8Array {
  return encodeMessage(
    WireCallSignal,
    {
      callId: callId as WireCallSignal['callId'],
      type: CallSignalType.OFFER,
      sdp: '',
      candidates: [],
      ...fields,
    },
    { maxSize: 1024 * 1024, what: 'test signal' },
  )
}

describe('call signals', () => {
  it.each<CallSignal>([
    { callId, type: 'offer', sdp: SDP },
    { callId, type: 'answer', sdp: SDP },
    { callId, type: 'candidates', candidates: [candidate, { ...candidate, sdpMid: '' }] },
    { callId, type: 'hangup' },
    { callId, type: 'decline' },
    { callId, type: 'busy' },
    { callId, type: 'elsewhere' },
  ])('a $type signal round-trips', (signal) => {
    expect(decodeCallSignal(encodeCallSignal(signal))).toEqual(signal)
  })

  it('refuses an offer or answer without a DTLS fingerprint: the media would not be bound to the session', () => {
    const bare = SDP.replace(FINGERPRINT, 'a=setup:actpass')
    expect(() => encodeCallSignal({ callId, type: 'offer', sdp: bare })).toThrow(/DTLS fingerprint/)
    expect(() => decodeCallSignal(wire({ type: CallSignalType.ANSWER, sdp: bare }))).toThrow(
      /DTLS fingerprint/,
    )
  })

  it('bounds the sdp, the candidates and the call id', () => {
    const huge = SDP + 'a=x\r\n'.repeat(MAX_CALL_SDP_SIZE / 5)
    expect(() => decodeCallSignal(wire({ sdp: huge }))).toThrow()
    expect(() =>
      decodeCallSignal(
        wire({
          type: CallSignalType.CANDIDATES,
          candidates: Array.from({ length: MAX_CALL_CANDIDATES + 1 }, () => ({
            candidate: candidate.candidate,
            sdpMid: '0',
            sdpMlineIndex: 0,
          })),
        }),
      ),
    ).toThrow()
    const long = {
      candidate: 'c'.repeat(MAX_CALL_CANDIDATE_SIZE + 1),
      sdpMid: '0',
      sdpMLineIndex: 0,
    }
    expect(() => encodeCallSignal({ callId, type: 'candidates', candidates: [long] })).toThrow(
      /one line of/,
    )
    const twoLines = { ...candidate, candidate: `${candidate.candidate}\r\na=evil` }
    expect(() => encodeCallSignal({ callId, type: 'candidates', candidates: [twoLines] })).toThrow(
      /one line of/,
    )
    expect(() => encodeCallSignal({ callId, type: 'candidates', candidates: [] })).toThrow(
      /1\.\.16 candidates/,
    )
    expect(() => encodeCallSignal({ callId: randomBytes(8), type: 'hangup' })).toThrow(/call id/)
  })

  it('refuses fields a kind does not carry, and an unknown kind', () => {
    expect(() => decodeCallSignal(wire({ type: CallSignalType.HANGUP, sdp: SDP }))).toThrow(
      /nothing but its call id/,
    )
    expect(() =>
      decodeCallSignal(
        wire({
          sdp: SDP,
          candidates: [{ candidate: candidate.candidate, sdpMid: '0', sdpMlineIndex: 0 }],
        }),
      ),
    ).toThrow(/candidates in its sdp/)
    expect(() => decodeCallSignal(wire({ type: CallSignalType.CANDIDATES, sdp: SDP }))).toThrow()
    expect(() => decodeCallSignal(wire({ type: 9 as unknown as CallSignalType }))).toThrow()
  })

  it('travels as a CALL inner message with no seq, within the DM plaintext limit', () => {
    expect(MAX_CALL_SIGNAL_SIZE).toBeLessThan(MAX_DM_PLAINTEXT_SIZE)
    const payload = encodeCallSignal({ callId, type: 'offer', sdp: SDP })
    const messageId = randomBytes(16)
    const inner = decodeInnerMessage(
      encodeInnerMessage({ kind: 'call', messageId, sentAtMs: 5, payload }),
    )
    expect(inner).toEqual({ kind: 'call', messageId, sentAtMs: 5, payload })
    const textWithCall = encodeMessage(
      DmContent,
      {
        messageId: messageId as DmContent['messageId'],
        seq: 1,
        resolvedBelow: 1,
        kind: DmContentKind.TEXT,
        text: 'hi',
        call: payload as DmContent['call'],
      },
      { maxSize: MAX_DM_PLAINTEXT_SIZE, what: 'test' },
    )
    expect(() => decodeInnerMessage(textWithCall)).toThrow(
      /only a call message carries a call payload/,
    )
    const callWithSeq = encodeMessage(
      DmContent,
      {
        messageId: messageId as DmContent['messageId'],
        seq: 3,
        kind: DmContentKind.CALL,
        call: payload as DmContent['call'],
      },
      { maxSize: MAX_DM_PLAINTEXT_SIZE, what: 'test' },
    )
    expect(() => decodeInnerMessage(callWithSeq)).toThrow(/no seq/)
  })
})
