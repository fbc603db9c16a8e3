/**
 * The one voice call of the web client (doc/calls.md), shared by the call button, the
 * incoming-call screen and the in-call bar through CallContext. The node decides what a call
 * is (one at a time, its ring timeout, its outcome); this follows its events (`call:*`) and
 * drives the browser's media (call-media.ts): the offer on start, the answer on accept, the
 * candidates both ways, and everything released when the node says the call ended.
 */
import { createContext } from 'preact'
import { useContext, useRef, useState } from 'preact/hooks'
import type { WebApiClient } from '../api-client.ts'
import { describeError } from '../errors.ts'
import { t } from '../i18n/i18n.ts'
import { useNodeEvent, useStreamOpen } from '../node-events.ts'
import { CallApi } from './call-api.ts'
import { CallMedia } from './call-media.ts'

export interface CallUi {
  phase: 'idle' | 'incoming' | 'outgoing' | 'active'
  peerId: string
  /** Null while our offer is on its way to the node. */
  callId: string | null
  muted: boolean
  /** When the call was answered, on this browser's clock. */
  answeredAt: number | null
}

export interface CallControls {
  ui: CallUi
  error: string | null
  start(peerId: string): Promise<void>
  accept(): Promise<void>
  decline(): Promise<void>
  hangup(): Promise<void>
  setMuted(muted: boolean): void
}

const IDLE: CallUi = { phase: 'idle', peerId: '', callId: null, muted: false, answeredAt: null }

export const CallContext = createContext<CallControls | null>(null)

export function useCallControls(): CallControls {
  const controls = useContext(CallContext)
  if (controls == null) throw new Error('call controls need the CallContext provider')
  return controls
}

export function useCall(client: WebApiClient): CallControls {
  const api = useRef(new CallApi(client)).current
  const [ui, setUi] = useState<CallUi>(IDLE)
  const [error, setError] = useState<string | null>(null)
  // The latest values for event handlers and async steps, which outlive a render.
  const current = useRef<CallUi>(IDLE)
  const media = useRef<CallMedia | null>(null)
  const offer = useRef<string | null>(null)
  const early = useRef<Parameters<CallMedia['addRemoteCandidates']>[0]>([])
  const hangupWanted = useRef(false)

  const show = (next: CallUi) => {
    current.current = next
    setUi(next)
  }
  const release = () => {
    media.current?.close()
    media.current = null
    offer.current = null
    early.current = []
    hangupWanted.current = false
    show(IDLE)
  }
  const failed = (err: unknown) => {
    // getUserMedia refuses with a DOMException (no device, permission denied).
    setError(
      err instanceof DOMException
        ? t('call.noMicrophone', { reason: err.message })
        : describeError(err),
    )
    const callId = current.current.callId
    release()
    if (callId != null) void api.hangup(callId).catch(() => {})
  }
  const openMedia = async () => {
    const { iceServers } = await api.iceServers()
    const opened = await CallMedia.open(
      iceServers,
      (candidates) => {
        const callId = current.current.callId
        if (callId != null) void api.candidates(callId, candidates).catch(() => {})
      },
      // The other browser is gone (closed, or its network): the call is over.
      () => void hangup(),
    )
    media.current = opened
    return opened
  }
  const isThisCall = (callId: string, peerId: string) =>
    current.current.callId === callId ||
    (current.current.callId == null &&
      current.current.phase === 'outgoing' &&
      current.current.peerId === peerId)

  // A page that (re)opens while a call rings shows it; a call under way without this page's
  // media (the page was reloaded) shows its bar, so it can be hung up; one that ended while
  // the stream was down is let go.
  useStreamOpen(() => {
    api.current().then(
      ({ call, offer: ringing }) => {
        if (call == null) {
          if (current.current.phase !== 'idle' && current.current.callId != null) release()
          return
        }
        if (current.current.phase !== 'idle') return
        offer.current = ringing
        const phase = ringing != null ? 'incoming' : call.phase === 'active' ? 'active' : 'outgoing'
        show({
          ...IDLE,
          phase,
          peerId: call.peerId,
          callId: call.callId,
          answeredAt: call.answeredAt,
        })
      },
      () => {},
    )
  })
  useNodeEvent('call:incoming', (call) => {
    if (current.current.phase !== 'idle') return
    offer.current = call.sdp
    show({ ...IDLE, phase: 'incoming', peerId: call.peerId, callId: call.callId })
  })
  useNodeEvent('call:answered', (call) => {
    if (!isThisCall(call.callId, call.peerId) || media.current == null) return
    show({ ...current.current, callId: call.callId, phase: 'active', answeredAt: Date.now() })
    media.current.answered(call.sdp).catch(failed)
  })
  useNodeEvent('call:candidates', ({ callId, peerId, candidates }) => {
    if (!isThisCall(callId, peerId)) return
    if (media.current == null) early.current.push(...candidates)
    else void media.current.addRemoteCandidates(candidates)
  })
  useNodeEvent('call:ended', (call) => {
    if (isThisCall(call.callId, call.peerId)) release()
  })

  async function hangup() {
    const callId = current.current.callId
    if (callId == null) {
      // Our offer is still on its way: hang up as soon as the node has the call.
      hangupWanted.current = true
      return
    }
    release()
    await api.hangup(callId).catch((err: unknown) => setError(describeError(err)))
  }

  return {
    ui,
    error,
    async start(peerId) {
      if (current.current.phase !== 'idle') return
      setError(null)
      show({ ...IDLE, phase: 'outgoing', peerId })
      try {
        const opened = await openMedia()
        const placed = await api.start(peerId, await opened.offer())
        show({ ...current.current, callId: placed.callId })
        opened.ready()
        if (hangupWanted.current) await api.hangup(placed.callId)
      } catch (err) {
        failed(err)
      }
    },
    async accept() {
      const { callId, phase } = current.current
      if (phase !== 'incoming' || callId == null || offer.current == null) return
      setError(null)
      try {
        const opened = await openMedia()
        const answer = await opened.answer(offer.current)
        await opened.addRemoteCandidates(early.current.splice(0))
        await api.answer(callId, answer)
        show({ ...current.current, phase: 'active', answeredAt: Date.now() })
        opened.ready()
      } catch (err) {
        failed(err)
      }
    },
    async decline() {
      const callId = current.current.callId
      release()
      if (callId != null)
        await api.decline(callId).catch((err: unknown) => setError(describeError(err)))
    },
    hangup,
    setMuted(muted) {
      media.current?.setMuted(muted)
      show({ ...current.current, muted })
    },
  }
}
