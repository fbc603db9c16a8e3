import { useState } from 'preact/hooks'
import type { IdentityInfo } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { AuthCard } from '../components/auth-card.tsx'
import { ErrorText } from '../components/error-text.tsx'
import { NewPasswordFields, newPasswordProblem } from '../components/new-password-fields.tsx'
import { describeError } from '../errors.ts'
import { t } from '../i18n/i18n.ts'

interface RestoreIdentityProps {
  client: WebApiClient
  /** An identity is already here: the phrase must be its own (this resets its password). */
  replacing: boolean
  onRestored: (identity: IdentityInfo) => void
  onBack: () => void
}

export function RestoreIdentity({ client, replacing, onRestored, onBack }: RestoreIdentityProps) {
  const [phrase, setPhrase] = useState('')
  const [password, setPassword] = useState('')
  const [repeat, setRepeat] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (event: Event) => {
    event.preventDefault()
    const words = phrase.trim().toLowerCase().split(/\s+/).filter(Boolean)
    if (words.length !== 24) return setError(t('restore.wordCount', { count: words.length }))
    const problem = newPasswordProblem(password, repeat)
    if (problem != null) return setError(problem)
    setBusy(true)
    setError(null)
    try {
      onRestored(await client.restoreIdentity({ phrase: words.join(' '), password }))
    } catch (err) {
      setError(describeError(err))
      setBusy(false)
    }
  }

  return (
    <AuthCard title={replacing ? t('restore.resetTitle') : t('restore.title')}>
      <p>{replacing ? t('restore.resetIntro') : t('restore.intro')}</p>
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for="phrase">{t('phrase.label')}</label>
          <textarea
            id="phrase"
            rows={4}
            autoComplete="off"
            autoCapitalize="none"
            spellcheck={false}
            data-initial-focus
            value={phrase}
            disabled={busy}
            onInput={(event) => setPhrase(event.currentTarget.value)}
            required
          />
        </div>
        <NewPasswordFields
          label={t('password.new')}
          password={password}
          repeat={repeat}
          onPassword={setPassword}
          onRepeat={setRepeat}
          disabled={busy}
        />
        <ErrorText message={error} />
        <div class="actions">
          <button type="submit" class="button-primary" disabled={busy}>
            {busy ? t('restore.restoring') : replacing ? t('restore.reset') : t('restore.restore')}
          </button>
          <button type="button" onClick={onBack} disabled={busy}>
            {t('chat.back')}
          </button>
        </div>
      </form>
    </AuthCard>
  )
}
