import { useState } from 'preact/hooks'
import type { IdentityInfo } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { AuthCard } from '../components/auth-card.tsx'
import { ErrorText } from '../components/error-text.tsx'
import { NewPasswordFields, newPasswordProblem } from '../components/new-password-fields.tsx'
import { describeError } from '../errors.ts'

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
    if (words.length !== 24)
      return setError(`A backup phrase has 24 words; this has ${words.length}.`)
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
    <AuthCard title={replacing ? 'Reset your password' : 'Restore your identity'}>
      <p>
        {replacing
          ? 'Type the backup phrase of the identity on this computer, then choose a new password.'
          : 'Type your 24-word backup phrase, then choose a password to seal it on this computer.'}
      </p>
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for="phrase">Backup phrase</label>
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
          label="New password"
          password={password}
          repeat={repeat}
          onPassword={setPassword}
          onRepeat={setRepeat}
          disabled={busy}
        />
        <ErrorText message={error} />
        <div class="actions">
          <button type="submit" class="button-primary" disabled={busy}>
            {busy ? 'Restoring…' : replacing ? 'Reset password' : 'Restore identity'}
          </button>
          <button type="button" onClick={onBack} disabled={busy}>
            Back
          </button>
        </div>
      </form>
    </AuthCard>
  )
}
