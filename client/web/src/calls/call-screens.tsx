/**
 * What a voice call shows: the call button of a 1:1 chat, the incoming-call screen (accept or
 * decline; it takes the focus, as a ringing phone takes attention, and rings aloud when the
 * user turned sounds on), the in-call bar (who,
 * "Calling…" or the time talked, mute, hang up) and the line a call leaves in its chat.
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import type { CallView } from '../../../../protocol/local-api.ts'
import { ErrorText } from '../components/error-text.tsx'
import { t } from '../i18n/i18n.ts'
import { loadPrefs, playTone } from '../notifications.ts'
import { displayName, type Person } from '../people.ts'
import { fullTime, shortTime } from '../time-format.ts'
import { useCallControls } from './use-call.ts'

/** How often the ringing tone repeats. */
const RING_INTERVAL_MS = 2_000

/** `m:ss`, or `h:mm:ss` past an hour. */
export function callDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000))
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60]
  const pad = (n: number) => String(n).padStart(2, '0')
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`
}

export function CallButton({ peerId, name }: { peerId: string; name: string }) {
  const calls = useCallControls()
  return (
    <button
      type="button"
      class="button-quiet chat-call"
      title={t('call.startTitle', { name })}
      disabled={calls.ui.phase !== 'idle'}
      onClick={() => void calls.start(peerId)}
    >
      {t('call.start')}
    </button>
  )
}

/** The incoming-call screen or the in-call bar, whichever the call needs; nothing when idle. */
export function CallScreens({ people }: { people: ReadonlyMap<string, Person> }) {
  const calls = useCallControls()
  const { ui } = calls
  const name = displayName(people.get(ui.peerId) ?? { peerId: ui.peerId, name: null })
  if (ui.phase === 'idle') return <ErrorText message={calls.error} />
  if (ui.phase === 'incoming') return <IncomingCall name={name} />
  return <CallBar name={name} />
}

function IncomingCall({ name }: { name: string }) {
  const calls = useCallControls()
  const accept = useRef<HTMLButtonElement>(null)
  useEffect(() => accept.current?.focus(), [])
  // It rings aloud, if the user turned sounds on (Settings, notifications).
  useEffect(() => {
    if (!loadPrefs().sound) return
    playTone()
    const timer = setInterval(playTone, RING_INTERVAL_MS)
    return () => clearInterval(timer)
  }, [])
  return (
    <div class="call-overlay">
      <div
        class="card call-incoming"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="call-incoming-title"
        aria-describedby="call-incoming-text"
        data-testid="call-incoming"
      >
        <h2 id="call-incoming-title">{t('call.incomingTitle')}</h2>
        <p id="call-incoming-text">{t('call.incoming', { name })}</p>
        <div class="actions">
          <button
            ref={accept}
            type="button"
            class="button-primary call-accept"
            onClick={() => void calls.accept()}
          >
            {t('call.accept')}
          </button>
          <button type="button" class="button-danger" onClick={() => void calls.decline()}>
            {t('call.decline')}
          </button>
        </div>
      </div>
    </div>
  )
}

function CallBar({ name }: { name: string }) {
  const calls = useCallControls()
  const { ui } = calls
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    if (ui.answeredAt == null) return
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [ui.answeredAt])
  return (
    <section class="call-bar" aria-label={t('call.bar')} data-testid="call-bar">
      <span class="call-bar-who">
        {ui.phase === 'active' ? t('call.with', { name }) : t('call.calling', { name })}
      </span>
      {ui.answeredAt != null && (
        <span class="call-timer" data-testid="call-timer" role="timer">
          {callDuration(now - ui.answeredAt)}
        </span>
      )}
      <button
        type="button"
        class="button-quiet"
        aria-pressed={ui.muted}
        onClick={() => calls.setMuted(!ui.muted)}
      >
        {ui.muted ? t('call.unmute') : t('call.mute')}
      </button>
      <button type="button" class="button-danger" onClick={() => void calls.hangup()}>
        {t('call.hangup')}
      </button>
    </section>
  )
}

/** The line an ended call leaves in its 1:1 chat. */
export function CallLine({ call }: { call: CallView }) {
  const outcome = call.outcome ?? 'failed'
  const text =
    outcome === 'answered'
      ? t('call.ended.answered', { duration: callDuration(call.durationMs) })
      : t(`call.ended.${outcome}`)
  return (
    <li class="message-notice call-line" data-testid="call-line" data-outcome={outcome}>
      <span class="visually-hidden">
        {call.direction === 'in' ? t('call.incomingLine') : t('call.outgoing')}:{' '}
      </span>
      {text}{' '}
      <time dateTime={new Date(call.startedAt).toISOString()} title={fullTime(call.startedAt)}>
        {shortTime(call.startedAt)}
      </time>
    </li>
  )
}
