/**
 * Voice-call signalling between two users' web clients (doc/calls.md). The browsers carry
 * the media (WebRTC, DTLS-SRTP, peer to peer); the nodes carry what sets it up: the offer,
 * the answer, ICE candidates, hang-up, decline and busy, as call signals inside the 1:1
 * session (protocol/calls.ts), and hand them to the web client as local API events.
 *
 * Guarantees, and how:
 * - end to end: a signal is encrypted in the peer's session like a text and never stored as
 *   one; only the ended call is kept, in the call log (call-log.ts);
 * - one call at a time: an offer while another call rings or talks is answered busy, so a
 *   peer holds at most one call of ours, with at most MAX_CALL_SIGNALS_PER_CALL signals,
 *   each bounded by the codec, and a ring ends after CALL_RING_TIMEOUT_MS;
 * - only friends ring us: anyone else's signal is dropped with a log line;
 * - every device rings: an offer goes to each current device of the friend's account, and
 *   the first to answer (or decline) takes the call; the others are told it was taken
 *   elsewhere, and from then on only that device's signals count. An offer from a friend's
 *   other device rings like one from the friend (the call names the account);
 * - a stale offer (it waited in the mailbox past the ring timeout) does not ring: it is kept
 *   as a missed call;
 * - every step goes through the state machine (call-state.ts), so a signal that does not
 *   fit its call is dropped and a user's step that does not fit is refused with a typed error.
 */
import type { Logger } from '@libp2p/interface'
import { bytesEqual, fromHex, toHex } from '../../protocol/bytes.ts'
import {
  CALL_ID_LENGTH,
  type CallCandidate,
  type CallSignal,
  decodeCallSignal,
  encodeCallSignal,
} from '../../protocol/calls.ts'
import { randomBytes } from '../../protocol/crypto/index.ts'
import { CALL_RING_TIMEOUT_MS, MAX_CALL_SIGNALS_PER_CALL } from '../../protocol/limits.ts'
import type {
  CallView,
  CurrentCallResponse,
  IceServersResponse,
  NodeEventMap,
} from '../../protocol/local-api.ts'
import { peerIdOf } from '../identity/index.ts'
import type { AppLevel } from '../storage.ts'
import { CallLog } from './call-log.ts'
import {
  type CallState,
  type CallStep,
  callDuration,
  newCall,
  type StepResult,
  stepCall,
} from './call-state.ts'
import {
  CallAlreadyActiveError,
  CallNotFoundError,
  CallPermissionError,
  CallStateConflictError,
} from './errors.ts'

export type IceServer = IceServersResponse['iceServers'][number]

export interface VoiceCallsInit {
  /** How long a call rings before it is missed. @default CALL_RING_TIMEOUT_MS */
  ringTimeoutMs?: number
  /** Signals one call may bring from the peer. @default MAX_CALL_SIGNALS_PER_CALL */
  maxSignalsPerCall?: number
  /** STUN and TURN servers for the browser besides the relay's (doc/calls.md, "NAT"). @default none */
  iceServers?: IceServer[]
}

export type CallEventType = 'call:incoming' | 'call:answered' | 'call:candidates' | 'call:ended'

export interface VoiceCallsComponents {
  db: AppLevel
  /** Sends an encoded CallSignal to the device `peer` in its session (messaging's `sendCall`). */
  send(peer: Uint8Array, payload: Uint8Array): Promise<unknown>
  isFriend(peer: Uint8Array): boolean
  /** The current devices of a friend's account, its own key first. @default the account key alone */
  devicesOf?(account: Uint8Array): Uint8Array[]
  /** The friend's account a device key belongs to (the key itself for an account's own). */
  accountOf?(device: Uint8Array): Uint8Array
  /** A username, peer id or hex key, as messaging resolves a recipient. */
  resolvePeer(peer: string): Promise<Uint8Array>
  emit<T extends CallEventType>(type: T, data: NodeEventMap[T]): void
  /** The STUN and TURN servers our relay offers, with our TURN credentials (node/directory). */
  relayIceServers?(): Promise<{ servers: IceServer[]; expiresMs: number }>
  log: Logger
}

interface LiveCall {
  state: CallState
  /**
   * The peer's devices our signals go to: the caller's device for a call that rings here;
   * for ours, every device rung until one takes the call, then that one alone.
   */
  devices: Uint8Array[]
  /** Of a call we placed: the devices that answered busy (all of them busy: the call is). */
  busy: Set<string>
  /** A call ringing here: the caller's offer, for a page that opens while it rings. */
  offer?: string
  signalsIn: number
  timer: NodeJS.Timeout
}

/** How long a relay's servers without credentials are kept before asking again. */
const RELAY_SERVERS_KEPT_MS = 10 * 60_000
/** Servers with credentials are asked again this long before the credentials expire. */
const CREDENTIAL_MARGIN_MS = 60 * 60_000

export class VoiceCalls {
  readonly log: CallLog
  readonly #components: VoiceCallsComponents
  readonly #ringTimeoutMs: number
  readonly #maxSignals: number
  readonly #iceServers: IceServer[]
  /** The one call ringing or under way, if any. */
  #current: LiveCall | undefined
  /** When we last refused an offer of each peer without ringing (`#mayRefuse`). */
  readonly #refused = new Map<string, number>()
  /** The relay's servers, asked once and again only before its credentials run out. */
  #relayServers: { servers: IceServer[]; until: number } | undefined

  constructor(components: VoiceCallsComponents, init: VoiceCallsInit = {}) {
    this.#components = components
    this.log = new CallLog(components.db)
    this.#ringTimeoutMs = init.ringTimeoutMs ?? CALL_RING_TIMEOUT_MS
    this.#maxSignals = init.maxSignalsPerCall ?? MAX_CALL_SIGNALS_PER_CALL
    this.#iceServers = init.iceServers ?? []
  }

  start(): void {}

  /** Ends the call under way, telling the peer, and stops its timer. */
  async stop(): Promise<void> {
    if (this.#current != null) await this.#step(this.#current, 'hangup').catch(() => undefined)
  }

  /** Ours and the relay's; without the relay (unreachable, none) ours alone, with a log line. */
  async iceServers(): Promise<IceServersResponse> {
    const cached = this.#relayServers
    let relay = cached != null && cached.until > Date.now() ? cached.servers : undefined
    if (relay == null && this.#components.relayIceServers != null) {
      try {
        const { servers, expiresMs } = await this.#components.relayIceServers()
        // Asked again well before the credentials expire: a call may last a while.
        const until =
          expiresMs === 0 ? Date.now() + RELAY_SERVERS_KEPT_MS : expiresMs - CREDENTIAL_MARGIN_MS
        this.#relayServers = { servers, until }
        relay = servers
      } catch (err) {
        this.#components.log('the relay named no ICE servers: %s', (err as Error).message)
      }
    }
    return { iceServers: [...this.#iceServers, ...(relay ?? [])] }
  }

  /** The call ringing or under way, for a page that (re)opens. */
  current(): CurrentCallResponse {
    const call = this.#current
    if (call == null) return { call: null, offer: null }
    const ringingHere = call.state.phase === 'ringing' && call.state.direction === 'in'
    return { call: callView(call.state), offer: ringingHere ? (call.offer ?? null) : null }
  }

  /** The ended calls with `peer` (a username, peer id or hex key), oldest first. */
  async history(peer: string): Promise<CallView[]> {
    const calls = await this.log.list(toHex(await this.#components.resolvePeer(peer)))
    return calls.map(callView)
  }

  /** Rings `peer` (a friend) with the browser's offer. */
  async call(peer: string, sdp: string): Promise<CallView> {
    const peerKey = await this.#components.resolvePeer(peer)
    if (!this.#components.isFriend(peerKey)) {
      throw new CallPermissionError('only friends can be called: add them as a friend first')
    }
    if (this.#current != null) {
      throw new CallAlreadyActiveError('another call rings or is under way: hang it up first')
    }
    const callId = randomBytes(CALL_ID_LENGTH)
    // Checked and encoded before the call exists: a bad offer leaves nothing behind.
    const offer = encodeCallSignal({ callId, type: 'offer', sdp })
    const devices = this.#components.devicesOf?.(peerKey) ?? [peerKey]
    const call = this.#begin(newCall(toHex(callId), toHex(peerKey), 'out', Date.now()), devices)
    await this.#sendTo(devices, offer)
    return callView(call.state)
  }

  /** Accepts the call ringing here with the browser's answer. */
  async accept(callId: string, sdp: string): Promise<CallView> {
    return this.#step(this.#live(callId), 'accept', sdp)
  }

  async decline(callId: string): Promise<CallView> {
    return this.#step(this.#live(callId), 'decline')
  }

  async hangup(callId: string): Promise<CallView> {
    return this.#step(this.#live(callId), 'hangup')
  }

  /** The browser's ICE candidates, for the peer. */
  async candidates(callId: string, candidates: CallCandidate[]): Promise<CallView> {
    return this.#step(this.#live(callId), 'local-candidates', undefined, candidates)
  }

  /**
   * A call signal from the device `device` (messaging's CallPort): never throws, never waits
   * on messaging.
   */
  receive(device: Uint8Array, payload: Uint8Array, sentAtMs: number): void {
    const { log } = this.#components
    const peer = this.#components.accountOf?.(device) ?? device
    const peerHex = toHex(peer)
    if (!this.#components.isFriend(peer)) {
      log('dropped a call signal from %s, who is no friend (device %s)', peerHex, toHex(device))
      return
    }
    let signal: CallSignal
    try {
      signal = decodeCallSignal(payload)
    } catch (err) {
      log.error('dropped a malformed call signal from %s: %s', peerHex, (err as Error).message)
      return
    }
    if (signal.type === 'offer') {
      this.#offered(peer, device, signal, sentAtMs)
      return
    }
    const call = this.#current
    if (
      call == null ||
      call.state.id !== toHex(signal.callId) ||
      call.state.peer !== peerHex ||
      !call.devices.some((rung) => bytesEqual(rung, device))
    ) {
      log('dropped a %s signal from %s for a call not under way', signal.type, toHex(device))
      return
    }
    if (++call.signalsIn > this.#maxSignals) {
      log.error(
        'call %s: %s sent over %d signals, ending it',
        call.state.id,
        peerHex,
        this.#maxSignals,
      )
      void this.#quietly(this.#step(call, 'peer-misbehaved'))
      return
    }
    if (signal.type === 'busy' && !this.#allBusy(call, device)) return
    const takes = signal.type === 'answer' || signal.type === 'decline' || signal.type === 'hangup'
    if (takes && call.state.direction === 'out' && call.state.phase === 'ringing') {
      this.#takenBy(call, device, signal.callId)
    }
    const step: CallStep = `peer-${signal.type}` as CallStep
    void this.#quietly(
      this.#step(call, step, signal.type === 'answer' ? signal.sdp : undefined).then((view) => {
        if (signal.type === 'candidates') {
          this.#components.emit('call:candidates', {
            callId: view.callId,
            peerId: view.peerId,
            candidates: signal.candidates,
          })
        }
      }),
    )
  }

  /** A device of the callee answered, declined or hung up: the call is its; the others stop. */
  #takenBy(call: LiveCall, device: Uint8Array, callId: Uint8Array): void {
    const others = call.devices.filter((rung) => !bytesEqual(rung, device))
    call.devices = [device]
    if (others.length > 0) {
      void this.#quietly(this.#sendTo(others, encodeCallSignal({ callId, type: 'elsewhere' })))
    }
  }

  /** Busy from one device: the call is busy once every device rung said so. */
  #allBusy(call: LiveCall, device: Uint8Array): boolean {
    call.busy.add(toHex(device))
    return call.devices.every((rung) => call.busy.has(toHex(rung)))
  }

  #offered(
    peer: Uint8Array,
    device: Uint8Array,
    signal: { callId: Uint8Array; sdp: string },
    sentAtMs: number,
  ): void {
    const id = toHex(signal.callId)
    const now = Date.now()
    if (this.#current?.state.id === id) return // a copy: the call already rings
    const late = now - sentAtMs > this.#ringTimeoutMs
    if ((late || this.#current != null) && !this.#mayRefuse(toHex(peer), now)) {
      this.#components.log('dropped offer %s from %s: one refused offer per ring', id, toHex(peer))
      return
    }
    const missed = (): void => {
      const state = newCall(id, toHex(peer), 'in', Math.min(sentAtMs, now))
      void this.#quietly(this.#ended({ ...state, phase: 'ended', endedAt: now, outcome: 'missed' }))
    }
    if (late) {
      this.#components.log('call %s from %s arrived too late to ring: missed', id, toHex(peer))
      missed()
      return
    }
    if (this.#current != null) {
      void this.#quietly(
        this.#components.send(device, encodeCallSignal({ callId: signal.callId, type: 'busy' })),
      )
      missed()
      return
    }
    const call = this.#begin(newCall(id, toHex(peer), 'in', now), [device])
    call.offer = signal.sdp
    this.#components.emit('call:incoming', { ...callView(call.state), sdp: signal.sdp })
  }

  /**
   * An offer we do not ring for (busy, or too late) costs a log write and, when busy, an
   * answer: one per peer per ring timeout, so a friend's flood of offers costs no more.
   */
  #mayRefuse(peer: string, now: number): boolean {
    for (const [key, at] of this.#refused) {
      if (now - at > this.#ringTimeoutMs) this.#refused.delete(key)
    }
    if (this.#refused.has(peer)) return false
    this.#refused.set(peer, now)
    return true
  }

  #begin(state: CallState, devices: Uint8Array[]): LiveCall {
    const call: LiveCall = {
      state,
      devices,
      busy: new Set(),
      signalsIn: 0,
      timer: setTimeout(() => void this.#quietly(this.#step(call, 'timeout')), this.#ringTimeoutMs),
    }
    call.timer.unref()
    this.#current = call
    return call
  }

  #live(callId: string): LiveCall {
    const call = this.#current
    if (call == null || call.state.id !== callId) {
      throw new CallNotFoundError(`no call ${callId} rings or is under way here`)
    }
    return call
  }

  /** Takes `step` on `call`: its new state, the signal it sends, its end. */
  async #step(
    call: LiveCall,
    step: CallStep,
    sdp?: string,
    candidates?: CallCandidate[],
  ): Promise<CallView> {
    const result: StepResult = stepCall(call.state, step, Date.now())
    if (!result.ok) throw new CallStateConflictError(`call ${call.state.id}: ${result.reason}`)
    call.state = result.state
    if (result.state.phase !== 'ringing') clearTimeout(call.timer)
    if (step === 'peer-answer') {
      this.#components.emit('call:answered', { ...callView(call.state), sdp: sdp ?? '' })
    }
    const callId = fromHex(call.state.id)
    const signal: CallSignal | undefined =
      result.send === 'answer'
        ? { callId, type: 'answer', sdp: sdp ?? '' }
        : result.send === 'candidates'
          ? { callId, type: 'candidates', candidates: candidates ?? [] }
          : result.send === 'decline' || result.send === 'hangup'
            ? { callId, type: result.send }
            : undefined
    // Encoded first: a bad answer or candidate throws before anything changes for the peer.
    const payload = signal == null ? undefined : encodeCallSignal(signal)
    if (call.state.phase === 'ended') await this.#ended(call.state)
    if (payload != null) await this.#sendTo(call.devices, payload)
    return callView(call.state)
  }

  /** Sends `payload` to each of `devices`; fails only when it reached none of them. */
  async #sendTo(devices: Uint8Array[], payload: Uint8Array): Promise<void> {
    const sent = await Promise.allSettled(
      devices.map((device) => this.#components.send(device, payload)),
    )
    const failed = sent.filter((result) => result.status === 'rejected')
    if (failed.length > 0 && failed.length === sent.length) throw failed[0]!.reason
    for (const result of failed) {
      this.#components.log('a call signal to one device failed: %s', result.reason)
    }
  }

  /** An ended call: no longer current, kept in the log, announced. */
  async #ended(state: CallState): Promise<void> {
    if (this.#current?.state.id === state.id) {
      clearTimeout(this.#current.timer)
      this.#current = undefined
    }
    await this.log.add(state)
    this.#components.emit('call:ended', callView(state))
  }

  async #quietly(work: Promise<unknown>): Promise<void> {
    try {
      await work
    } catch (err) {
      this.#components.log.error('call step failed: %s', (err as Error).message)
    }
  }
}

export function callView(state: CallState): CallView {
  const publicKey = fromHex(state.peer)
  return {
    callId: state.id,
    peerId: peerIdOf({ publicKey }).toString(),
    publicKey: state.peer,
    direction: state.direction,
    phase: state.phase,
    outcome: state.outcome ?? null,
    startedAt: state.startedAt,
    answeredAt: state.answeredAt ?? null,
    endedAt: state.endedAt ?? null,
    durationMs: callDuration(state),
  }
}
