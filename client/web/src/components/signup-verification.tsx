/**
 * The sign-up check a relay asks for before it grants a name (against spam, never as
 * identity): the person gives an e-mail address or phone number and types the code that
 * arrives, or logs in with the relay's OpenID provider in a new tab while this page waits.
 * `claim` registers the name with the verification; a wrong code leaves the form open with
 * the relay's message (how many tries are left).
 */
import { useEffect, useId, useState } from 'preact/hooks'
import type {
  SignupMethod,
  SignupPolicyView,
  VerificationView,
} from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { describeError } from '../errors.ts'
import { t, tx } from '../i18n/i18n.ts'
import { ErrorText } from './error-text.tsx'

interface SignupVerificationProps {
  client: WebApiClient
  policy: SignupPolicyView
  claim: (verification: { id: string; code?: string }) => Promise<void>
  onCancel: () => void
}

/** How often the page asks whether the login in the other tab completed. */
const LOGIN_POLL_MS = 2_000

const LABELS: Record<SignupMethod, `signup.method.${SignupMethod}`> = {
  email: 'signup.method.email',
  sms: 'signup.method.sms',
  oidc: 'signup.method.oidc',
}

export function SignupVerification({ client, policy, claim, onCancel }: SignupVerificationProps) {
  const id = useId()
  const [method, setMethod] = useState<SignupMethod>(policy.methods[0])
  const [address, setAddress] = useState('')
  const [code, setCode] = useState('')
  const [ticket, setTicket] = useState<VerificationView | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const run = async (step: () => Promise<void>) => {
    setBusy(true)
    setError(null)
    try {
      await step()
    } catch (err) {
      setError(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  const start = (event: Event) => {
    event.preventDefault()
    void run(async () => {
      const started = await client.startVerification({
        method,
        address: method === 'oidc' ? undefined : address.trim(),
        relay: policy.relayPeerId,
      })
      setTicket(started)
      if (started.authorizationUrl) window.open(started.authorizationUrl, '_blank', 'noopener')
    })
  }

  // An OpenID login completes in another tab: ask the relay until it has, then claim.
  useEffect(() => {
    if (ticket?.method !== 'oidc') return
    let stopped = false
    const timer = setInterval(() => {
      void client.verificationStatus(ticket.id, policy.relayPeerId).then(
        (status) => {
          if (!status.completed || stopped) return
          stopped = true
          clearInterval(timer)
          void run(() => claim({ id: status.id }))
        },
        (err: unknown) => setError(describeError(err)),
      )
    }, LOGIN_POLL_MS)
    return () => {
      stopped = true
      clearInterval(timer)
    }
  }, [ticket?.id])

  const submitCode = (event: Event) => {
    event.preventDefault()
    if (ticket != null) void run(() => claim({ id: ticket.id, code: code.trim() }))
  }

  if (ticket == null) {
    return (
      <form class="signup-verification" onSubmit={start}>
        <p>{t('signup.intro')}</p>
        {policy.methods.length > 1 && (
          <fieldset class="field">
            <legend>{t('signup.check')}</legend>
            {policy.methods.map((choice) => (
              <label key={choice}>
                <input
                  type="radio"
                  name={`${id}-method`}
                  checked={method === choice}
                  onChange={() => setMethod(choice)}
                />{' '}
                {choice === 'oidc'
                  ? t('signup.logInWith', { provider: policy.oidcProvider ?? '' })
                  : t(LABELS[choice])}
              </label>
            ))}
          </fieldset>
        )}
        {method !== 'oidc' && (
          <div class="field">
            <label for={`${id}-address`}>
              {method === 'email' ? t('signup.email') : t('signup.phone')}
            </label>
            {method === 'email' ? (
              <input
                id={`${id}-address`}
                type="email"
                autoComplete="email"
                required
                value={address}
                onInput={(event) => setAddress(event.currentTarget.value)}
              />
            ) : (
              <input
                id={`${id}-address`}
                type="tel"
                autoComplete="tel"
                placeholder="+44 20 7946 0958"
                required
                value={address}
                onInput={(event) => setAddress(event.currentTarget.value)}
              />
            )}
          </div>
        )}
        <ErrorText message={error} />
        <div class="actions">
          <button type="submit" class="button-primary" disabled={busy}>
            {method === 'oidc'
              ? t('signup.logInWith', { provider: policy.oidcProvider ?? '' })
              : busy
                ? t('contacts.sending')
                : t('signup.sendCode')}
          </button>
          <button type="button" class="button-quiet" onClick={onCancel}>
            {t('chat.back')}
          </button>
        </div>
      </form>
    )
  }

  if (ticket.method === 'oidc') {
    return (
      <div class="signup-verification" aria-live="polite">
        <p>
          {tx('signup.oidcWait', {
            provider: policy.oidcProvider ?? '',
            link: (
              <a href={ticket.authorizationUrl} target="_blank" rel="noopener noreferrer">
                {t('signup.openHere')}
              </a>
            ),
          })}
        </p>
        <ErrorText message={error} />
        <div class="actions">
          <button type="button" class="button-quiet" onClick={onCancel}>
            {t('chat.back')}
          </button>
        </div>
      </div>
    )
  }

  return (
    <form class="signup-verification" onSubmit={submitCode}>
      <div class="field">
        <label for={`${id}-code`}>{t('signup.code')}</label>
        <input
          id={`${id}-code`}
          inputMode="numeric"
          autoComplete="one-time-code"
          required
          minLength={policy.codeLength}
          maxLength={policy.codeLength}
          value={code}
          aria-describedby={`${id}-code-hint`}
          onInput={(event) => setCode(event.currentTarget.value)}
        />
        <small id={`${id}-code-hint`}>
          {t('signup.codeSent', { digits: policy.codeLength ?? '', to: ticket.sentTo ?? '' })}
        </small>
      </div>
      <ErrorText message={error} />
      <div class="actions">
        <button type="submit" class="button-primary" disabled={busy}>
          {busy ? t('username.registering') : t('username.register')}
        </button>
        <button type="button" class="button-quiet" onClick={() => setTicket(null)}>
          {t('signup.newCode')}
        </button>
      </div>
    </form>
  )
}
