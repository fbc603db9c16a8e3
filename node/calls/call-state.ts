/**
 * The life of one voice call, as a pure state machine both directions share: a call rings,
 * is answered or not, and ends once with an outcome the conversation shows ("missed call",
 * "call, 2:13"). Every step, the user's own or a signal from the peer, goes through
 * `stepCall`, which says what the step does (the next state, the signal to send the peer)
 * or why it is refused; the caller (call-signalling.ts) does it. No clock, timer or I/O: the
 * time is passed in.
 */

export type CallDirection = 'in' | 'out'
export type CallPhase = 'ringing' | 'active' | 'ended'

/**
 * How a call ended, from this side: `answered` (talked; the line shows the duration),
 * `missed` (rang here and was not answered), `declined` (the callee refused), `busy` (the
 * callee was in another call), `cancelled` (the caller hung up before an answer),
 * `unanswered` (rang there until the ring timeout), `failed` (the peer misbehaved),
 * `elsewhere` (rang here, and another device of this account answered or declined it).
 */
export type CallOutcome =
  | 'answered'
  | 'missed'
  | 'declined'
  | 'busy'
  | 'cancelled'
  | 'unanswered'
  | 'failed'
  | 'elsewhere'

export interface CallState {
  /** The call id, hex. */
  id: string
  /** The peer's key, hex. */
  peer: string
  direction: CallDirection
  phase: CallPhase
  startedAt: number
  answeredAt?: number
  endedAt?: number
  outcome?: CallOutcome
}

/** What can happen to a call: the user's steps and the peer's signals (`peer-` prefixed). */
export type CallStep =
  | 'accept'
  | 'decline'
  | 'hangup'
  | 'timeout'
  | 'peer-answer'
  | 'peer-decline'
  | 'peer-busy'
  | 'peer-hangup'
  | 'peer-elsewhere'
  | 'peer-candidates'
  | 'local-candidates'
  | 'peer-misbehaved'

/** The signal a step sends the peer, if any. */
export type SentSignal = 'answer' | 'decline' | 'hangup' | 'candidates'

export type StepResult =
  | { ok: true; state: CallState; send?: SentSignal }
  | { ok: false; reason: string }

/** A call that starts ringing: ours (`out`, an offer sent) or the peer's (`in`). */
export function newCall(
  id: string,
  peer: string,
  direction: CallDirection,
  now: number,
): CallState {
  return { id, peer, direction, phase: 'ringing', startedAt: now }
}

/** What `step` does to `call` at time `now`. Ended calls take no step. */
export function stepCall(call: CallState, step: CallStep, now: number): StepResult {
  if (call.phase === 'ended') return refuse('the call has ended')
  const ringing = call.phase === 'ringing'
  const incoming = call.direction === 'in'
  const end = (outcome: CallOutcome, send?: SentSignal): StepResult => ({
    ok: true,
    state: { ...call, phase: 'ended', endedAt: now, outcome },
    ...(send == null ? {} : { send }),
  })
  switch (step) {
    case 'accept':
      if (!ringing || !incoming) return refuse('only a call ringing here can be accepted')
      return { ok: true, state: { ...call, phase: 'active', answeredAt: now }, send: 'answer' }
    case 'decline':
      if (!ringing || !incoming) return refuse('only a call ringing here can be declined')
      return end('declined', 'decline')
    case 'hangup':
      if (ringing) return incoming ? end('declined', 'decline') : end('cancelled', 'hangup')
      return end('answered', 'hangup')
    case 'timeout':
      if (!ringing) return refuse('an answered call does not time out')
      return incoming ? end('missed') : end('unanswered', 'hangup')
    case 'peer-answer':
      if (!ringing || incoming) return refuse('only a call we placed can be answered')
      return { ok: true, state: { ...call, phase: 'active', answeredAt: now } }
    case 'peer-decline':
    case 'peer-busy':
      if (!ringing || incoming) return refuse('only a call we placed can be refused')
      return end(step === 'peer-busy' ? 'busy' : 'declined')
    case 'peer-hangup':
      return end(ringing ? (incoming ? 'missed' : 'declined') : 'answered')
    case 'peer-elsewhere':
      // The caller's word that another of our devices took the call (answered too late here).
      if (!incoming) return refuse('only a call that rang here is taken elsewhere')
      return end('elsewhere')
    case 'peer-candidates':
    case 'local-candidates':
      // Candidates flow both ways while ringing too: the caller's go out right after its offer.
      return {
        ok: true,
        state: call,
        ...(step === 'local-candidates' ? { send: 'candidates' } : {}),
      }
    case 'peer-misbehaved':
      return end(call.answeredAt == null ? 'failed' : 'answered', 'hangup')
  }
}

/** How long a call talked, ms: 0 unless it was answered and has ended. */
export function callDuration(call: CallState): number {
  return call.answeredAt == null || call.endedAt == null ? 0 : call.endedAt - call.answeredAt
}

function refuse(reason: string): StepResult {
  return { ok: false, reason }
}
