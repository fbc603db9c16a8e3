import { useEffect, useState } from 'preact/hooks'
import type { IdentityInfo } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { AuthCard } from '../components/auth-card.tsx'
import { ErrorText } from '../components/error-text.tsx'
import { PasswordField } from '../components/password-field.tsx'
import { ApiCallError, describeError } from '../errors.ts'
import { t, tx } from '../i18n/i18n.ts'

interface UnlockProps {
  client: WebApiClient
  /** From GET /v1/state: a lockout already running when the page opened. */
  initialRetryAfterMs: number
  onUnlocked: (identity: IdentityInfo) => void
  onForgot: () => void
}

export function Unlock({ client, initialRetryAfterMs, onUnlocked, onForgot }: UnlockProps) {
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [lockedUntil, setLockedUntil] = useState(() =>
    initialRetryAfterMs > 0 ? Date.now() + initialRetryAfterMs : 0,
  )
  const waitMs = useCountdown(lockedUntil)
  const lockedOut = waitMs > 0

  // The field was disabled during the try, which drops the focus: give it back for the next.
  useEffect(() => {
    if (!busy) document.getElementById('password')?.focus()
  }, [busy])

  const submit = async (event: Event) => {
    event.preventDefault()
    if (lockedOut || password === '') return
    setBusy(true)
    setError(null)
    try {
      onUnlocked(await client.unlock({ password }))
    } catch (err) {
      if (err instanceof ApiCallError && err.retryAfterMs != null) {
        setLockedUntil(Date.now() + err.retryAfterMs)
      } else {
        setError(describeError(err))
      }
      setPassword('')
      setBusy(false)
    }
  }

  return (
    <AuthCard title={t('unlock.title')}>
      <p>{t('unlock.intro')}</p>
      <form onSubmit={submit} noValidate>
        <PasswordField
          id="password"
          label={t('common.password')}
          value={password}
          onInput={setPassword}
          autoComplete="current-password"
          initialFocus
          disabled={busy}
        />
        {lockedOut ? (
          <p class="error" role="alert" data-testid="lockout">
            {tx('unlock.lockedOut', {
              wait: <span class="countdown">{formatWait(waitMs)}</span>,
            })}
          </p>
        ) : (
          <ErrorText message={error} />
        )}
        <div class="actions">
          <button type="submit" class="button-primary" disabled={busy || lockedOut}>
            {busy ? t('unlock.unlocking') : t('unlock.unlock')}
          </button>
          <button type="button" class="button-quiet" onClick={onForgot} disabled={busy}>
            {t('unlock.forgot')}
          </button>
        </div>
      </form>
    </AuthCard>
  )
}

/** Milliseconds left until `until`, updated every second; 0 once it has passed. */
function useCountdown(until: number): number {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    if (until <= Date.now()) return
    const timer = window.setInterval(() => {
      setNow(Date.now())
      if (Date.now() >= until) window.clearInterval(timer)
    }, 1000)
    setNow(Date.now())
    return () => window.clearInterval(timer)
  }, [until])
  return Math.max(0, until - now)
}

function formatWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000)
  const minutes = Math.floor(seconds / 60)
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`
}
