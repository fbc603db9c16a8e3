import { useState } from 'preact/hooks'
import type { WebApiClient } from '../api-client.ts'
import { AuthCard } from '../components/auth-card.tsx'
import { ErrorText } from '../components/error-text.tsx'
import { NewPasswordFields, newPasswordProblem } from '../components/new-password-fields.tsx'
import { describeError } from '../errors.ts'
import { t } from '../i18n/i18n.ts'

interface CreateIdentityProps {
  client: WebApiClient
  /** The new account's words, for the user to write down and type back before it exists. */
  onPhrase: (phrase: string, password: string) => void
  onBack: () => void
}

export function CreateIdentity({ client, onPhrase, onBack }: CreateIdentityProps) {
  const [password, setPassword] = useState('')
  const [repeat, setRepeat] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (event: Event) => {
    event.preventDefault()
    const problem = newPasswordProblem(password, repeat)
    if (problem != null) return setError(problem)
    setBusy(true)
    setError(null)
    try {
      onPhrase((await client.identityPhrase({ password })).backupPhrase, password)
    } catch (err) {
      setError(describeError(err))
      setBusy(false)
    }
  }

  return (
    <AuthCard title={t('create.title')}>
      <p>{t('create.intro')}</p>
      <form onSubmit={submit} noValidate>
        <NewPasswordFields
          label={t('common.password')}
          password={password}
          repeat={repeat}
          onPassword={setPassword}
          onRepeat={setRepeat}
          initialFocus
          disabled={busy}
        />
        <ErrorText message={error} />
        <div class="actions">
          <button type="submit" class="button-primary" disabled={busy}>
            {busy ? t('create.creating') : t('create.create')}
          </button>
          <button type="button" onClick={onBack} disabled={busy}>
            {t('chat.back')}
          </button>
        </div>
      </form>
    </AuthCard>
  )
}
