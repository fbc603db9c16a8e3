/**
 * Voice-call signals on the wire (protocol/proto/call.proto, doc/calls.md): what two web
 * clients exchange to set up a WebRTC call, carried end to end encrypted inside a 1:1 message
 * of kind CALL. The decoder bounds every size and refuses a signal a well-behaved client
 * never writes, so the node and the browser only ever see well-formed ones.
 *
 * An offer and an answer must carry the sender's DTLS fingerprint (`a=fingerprint:`): that
 * line, arriving inside the session, is what binds the media to the peer's identity.
 */
import { decodeMessage, encodeMessage } from './codec.ts'
import { MalformedMessageError } from './errors.ts'
import {
  MAX_CALL_CANDIDATE_SIZE,
  MAX_CALL_CANDIDATES,
  MAX_CALL_SDP_MID_SIZE,
  MAX_CALL_SDP_SIZE,
  MAX_CALL_SIGNAL_SIZE,
  MAX_ICE_SERVER_FIELD_LENGTH,
  MAX_ICE_SERVER_URLS,
  MAX_ICE_SERVERS,
} from './limits.ts'
import { CallSignalType, CallSignal as WireCallSignal } from './proto/call.ts'

/** Bytes of a call id: random, chosen by the caller. */
export const CALL_ID_LENGTH = 16

export type CallSignalKind =
  | 'offer'
  | 'answer'
  | 'candidates'
  | 'hangup'
  | 'decline'
  | 'busy'
  | 'elsewhere'

export interface CallCandidate {
  candidate: string
  sdpMid: string
  sdpMLineIndex: number
}

export type CallSignal =
  | { callId: Uint8Array; type: 'offer' | 'answer'; sdp: string }
  | { callId: Uint8Array; type: 'candidates'; candidates: CallCandidate[] }
  | { callId: Uint8Array; type: 'hangup' | 'decline' | 'busy' | 'elsewhere' }

const TYPES: Record<CallSignalKind, CallSignalType> = {
  offer: CallSignalType.OFFER,
  answer: CallSignalType.ANSWER,
  candidates: CallSignalType.CANDIDATES,
  hangup: CallSignalType.HANGUP,
  decline: CallSignalType.DECLINE,
  busy: CallSignalType.BUSY,
  elsewhere: CallSignalType.ELSEWHERE,
}

/** A DTLS fingerprint line of a session description (RFC 8122), as browsers write it. */
const FINGERPRINT_LINE = /^a=fingerprint:sha-(256|384|512) [0-9A-F]{2}(:[0-9A-F]{2})+\r?$/im

/** Throws MalformedMessageError (with the reason) for a signal no client writes. */
export function encodeCallSignal(signal: CallSignal): Uint8Array {
  checkCallSignal(signal)
  return encodeMessage(
    WireCallSignal,
    {
      callId: signal.callId as WireCallSignal['callId'],
      type: TYPES[signal.type],
      sdp: 'sdp' in signal ? signal.sdp : '',
      candidates:
        'candidates' in signal
          ? signal.candidates.map((c) => ({
              candidate: c.candidate,
              sdpMid: c.sdpMid,
              sdpMlineIndex: c.sdpMLineIndex,
            }))
          : [],
    },
    { maxSize: MAX_CALL_SIGNAL_SIZE, what: 'call signal' },
  )
}

/** Throws Oversized/MalformedMessageError for anything a well-behaved client never writes. */
export function decodeCallSignal(bytes: Uint8Array): CallSignal {
  const wire = decodeMessage(WireCallSignal, bytes, {
    maxSize: MAX_CALL_SIGNAL_SIZE,
    what: 'call signal',
    limits: { candidates: MAX_CALL_CANDIDATES },
  })
  const type = (Object.keys(TYPES) as CallSignalKind[]).find((name) => TYPES[name] === wire.type)
  if (type == null) throw new MalformedMessageError('a call signal has an unknown type')
  let signal: CallSignal
  if (type === 'offer' || type === 'answer') {
    if (wire.candidates.length !== 0) {
      throw new MalformedMessageError(`an ${type} carries its candidates in its sdp`)
    }
    signal = { callId: wire.callId, type, sdp: wire.sdp }
  } else if (type === 'candidates') {
    if (wire.sdp !== '') throw new MalformedMessageError('only an offer or an answer has an sdp')
    signal = {
      callId: wire.callId,
      type,
      candidates: wire.candidates.map((c) => ({
        candidate: c.candidate,
        sdpMid: c.sdpMid,
        sdpMLineIndex: c.sdpMlineIndex,
      })),
    }
  } else {
    if (wire.sdp !== '' || wire.candidates.length !== 0) {
      throw new MalformedMessageError(`a ${type} signal carries nothing but its call id`)
    }
    signal = { callId: wire.callId, type }
  }
  checkCallSignal(signal)
  return signal
}

function checkCallSignal(signal: CallSignal): void {
  if (signal.callId.length !== CALL_ID_LENGTH) {
    throw new MalformedMessageError(`a call id is ${CALL_ID_LENGTH} bytes`)
  }
  if (signal.type === 'offer' || signal.type === 'answer') {
    const size = utf8.encode(signal.sdp).length
    if (size === 0 || size > MAX_CALL_SDP_SIZE) {
      throw new MalformedMessageError(`an ${signal.type}'s sdp is 1..${MAX_CALL_SDP_SIZE} bytes`)
    }
    if (!FINGERPRINT_LINE.test(signal.sdp)) {
      throw new MalformedMessageError(`an ${signal.type}'s sdp must name its DTLS fingerprint`)
    }
  }
  if (signal.type === 'candidates') {
    const count = signal.candidates.length
    if (count === 0 || count > MAX_CALL_CANDIDATES) {
      throw new MalformedMessageError(`a signal carries 1..${MAX_CALL_CANDIDATES} candidates`)
    }
    for (const c of signal.candidates) {
      const size = utf8.encode(c.candidate).length
      if (size === 0 || size > MAX_CALL_CANDIDATE_SIZE || /[\r\n]/.test(c.candidate)) {
        throw new MalformedMessageError(
          `an ICE candidate is one line of 1..${MAX_CALL_CANDIDATE_SIZE} bytes`,
        )
      }
      if (utf8.encode(c.sdpMid).length > MAX_CALL_SDP_MID_SIZE || c.sdpMLineIndex > 255) {
        throw new MalformedMessageError('an ICE candidate names an impossible media section')
      }
    }
  }
}

/** A STUN or TURN server as a browser takes it (RTCIceServer). */
export interface IceServer {
  urls: string[]
  username?: string
  credential?: string
}

const ICE_URL = /^(stun|stuns|turn|turns):[^\s]+$/

/**
 * The servers a relay announced, checked before a browser gets them: at most MAX_ICE_SERVERS,
 * each with 1..MAX_ICE_SERVER_URLS stun:/turn: URLs and short fields. Empty credentials are
 * left out. Throws MalformedMessageError naming what is wrong.
 */
export function checkIceServers(
  servers: ReadonlyArray<{ urls: string[]; username: string; credential: string }>,
): IceServer[] {
  if (servers.length > MAX_ICE_SERVERS) {
    throw new MalformedMessageError(`a relay announces at most ${MAX_ICE_SERVERS} ICE servers`)
  }
  return servers.map(({ urls, username, credential }) => {
    if (urls.length === 0 || urls.length > MAX_ICE_SERVER_URLS) {
      throw new MalformedMessageError(`an ICE server has 1..${MAX_ICE_SERVER_URLS} URLs`)
    }
    for (const field of [...urls, username, credential]) {
      if (field.length > MAX_ICE_SERVER_FIELD_LENGTH) {
        throw new MalformedMessageError(
          `an ICE server's URLs and credentials are at most ${MAX_ICE_SERVER_FIELD_LENGTH} characters`,
        )
      }
    }
    const bad = urls.find((url) => !ICE_URL.test(url))
    if (bad != null) throw new MalformedMessageError(`"${bad}" is no stun: or turn: URL`)
    return {
      urls: [...urls],
      ...(username === '' ? {} : { username }),
      ...(credential === '' ? {} : { credential }),
    }
  })
}

const utf8 = new TextEncoder()
