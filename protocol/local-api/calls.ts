/** Voice calls between two web clients (doc/calls.md): signalling routes, events, the call log. */
import { z } from 'zod'
import { MAX_CALL_CANDIDATES, MAX_CALL_SDP_SIZE } from '../limits.ts'
import { CALL_API_PATHS } from './paths.ts'
import { apiRoute, named, nonBlank } from './route.ts'

const callId = () => z.string().regex(/^[0-9a-f]{32}$/, 'must be a call id (32 hex digits)')
const sdp = () => nonBlank().max(MAX_CALL_SDP_SIZE)

/** One call, ringing, under way or ended, as this side saw it. */
export const CallView = named(
  'CallView',
  z.object({
    callId: z.string(),
    peerId: z.string(),
    /** The peer's Ed25519 key, hex. */
    publicKey: z.string(),
    direction: z.enum(['in', 'out']),
    phase: z.enum(['ringing', 'active', 'ended']),
    /**
     * Once ended: `answered` (talked for `durationMs`), `missed`, `declined`, `busy`,
     * `cancelled` (the caller hung up first), `unanswered`, `failed`, `elsewhere` (it rang
     * here and another device of this account answered or declined it).
     */
    outcome: z
      .enum([
        'answered',
        'missed',
        'declined',
        'busy',
        'cancelled',
        'unanswered',
        'failed',
        'elsewhere',
      ])
      .nullable(),
    startedAt: z.number(),
    answeredAt: z.number().nullable(),
    endedAt: z.number().nullable(),
    durationMs: z.number(),
  }),
)
export type CallView = z.infer<typeof CallView>

/** An ICE candidate as RTCPeerConnection gives it (`RTCIceCandidateInit`). */
export const CallCandidateView = named(
  'CallCandidateView',
  z.object({
    candidate: nonBlank().max(512),
    sdpMid: z.string().max(32),
    sdpMLineIndex: z.number().int().min(0).max(255),
  }),
)
export type CallCandidateView = z.infer<typeof CallCandidateView>

export const StartCallRequest = named(
  'StartCallRequest',
  z.object({
    /** A friend: username, peer id or hex public key. */
    peer: nonBlank(),
    /** The browser's offer (RTCSessionDescription.sdp). */
    sdp: sdp(),
  }),
)
export type StartCallRequest = z.infer<typeof StartCallRequest>

export const CallAnswerRequest = named(
  'CallAnswerRequest',
  z.object({ callId: callId(), sdp: sdp() }),
)
export type CallAnswerRequest = z.infer<typeof CallAnswerRequest>

export const CallCandidatesRequest = named(
  'CallCandidatesRequest',
  z.object({
    callId: callId(),
    candidates: z.array(CallCandidateView).min(1).max(MAX_CALL_CANDIDATES),
  }),
)
export type CallCandidatesRequest = z.infer<typeof CallCandidatesRequest>

export const CallIdRequest = named('CallIdRequest', z.object({ callId: callId() }))
export type CallIdRequest = z.infer<typeof CallIdRequest>

export const CallLogResponse = named('CallLogResponse', z.object({ calls: z.array(CallView) }))
export type CallLogResponse = z.infer<typeof CallLogResponse>

/** One STUN or TURN server, as RTCPeerConnection takes it (`RTCIceServer`). */
export const IceServerView = named(
  'IceServerView',
  z.object({
    urls: z.array(z.string()),
    username: z.string().optional(),
    credential: z.string().optional(),
  }),
)
export const IceServersResponse = named(
  'IceServersResponse',
  z.object({ iceServers: z.array(IceServerView) }),
)
export type IceServersResponse = z.infer<typeof IceServersResponse>

/** A call rang here (`call:incoming`) or the peer answered ours (`call:answered`). */
export const CallSdpEvent = named('CallSdpEvent', CallView.extend({ sdp: z.string() }))
export type CallSdpEvent = z.infer<typeof CallSdpEvent>

export const CallCandidatesEvent = named(
  'CallCandidatesEvent',
  z.object({ callId: z.string(), peerId: z.string(), candidates: z.array(CallCandidateView) }),
)
export type CallCandidatesEvent = z.infer<typeof CallCandidatesEvent>

export const CurrentCallResponse = named(
  'CurrentCallResponse',
  z.object({
    /** The call ringing or under way, or null. */
    call: CallView.nullable(),
    /** For a call ringing here: the caller's offer, to answer it. */
    offer: z.string().nullable(),
  }),
)
export type CurrentCallResponse = z.infer<typeof CurrentCallResponse>

export const CALL_ROUTES = {
  log: apiRoute({
    method: 'GET',
    path: CALL_API_PATHS.log,
    summary: 'The calls with a peer, oldest first',
    query: z.object({ peer: nonBlank() }),
    response: CallLogResponse,
  }),
  current: apiRoute({
    method: 'GET',
    path: CALL_API_PATHS.current,
    summary: 'The call ringing or under way, if any',
    response: CurrentCallResponse,
  }),
  iceServers: apiRoute({
    method: 'GET',
    path: CALL_API_PATHS.iceServers,
    summary: 'The STUN and TURN servers a call gathers its candidates with',
    response: IceServersResponse,
  }),
  start: apiRoute({
    method: 'POST',
    path: CALL_API_PATHS.start,
    summary: "Rings a friend with the browser's offer",
    body: StartCallRequest,
    response: CallView,
    errors: ['forbidden', 'conflict'],
  }),
  answer: apiRoute({
    method: 'POST',
    path: CALL_API_PATHS.answer,
    summary: "Accepts a call ringing here with the browser's answer",
    body: CallAnswerRequest,
    response: CallView,
    errors: ['conflict'],
  }),
  candidates: apiRoute({
    method: 'POST',
    path: CALL_API_PATHS.candidates,
    summary: "Sends the browser's ICE candidates to the peer",
    body: CallCandidatesRequest,
    response: CallView,
    errors: ['conflict'],
  }),
  hangup: apiRoute({
    method: 'POST',
    path: CALL_API_PATHS.hangup,
    summary: 'Ends a call; before an answer, cancels it',
    body: CallIdRequest,
    response: CallView,
    errors: ['conflict'],
  }),
  decline: apiRoute({
    method: 'POST',
    path: CALL_API_PATHS.decline,
    summary: 'Refuses a call ringing here',
    body: CallIdRequest,
    response: CallView,
    errors: ['conflict'],
  }),
}
