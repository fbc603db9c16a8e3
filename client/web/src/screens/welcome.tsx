import { AuthCard } from '../components/auth-card.tsx'

interface WelcomeProps {
  onCreate: () => void
  onRestore: () => void
  onLink: () => void
}

/** First run: no identity in this data folder yet. */
export function Welcome({ onCreate, onRestore, onLink }: WelcomeProps) {
  return (
    <AuthCard title="Welcome to TokenIM">
      <p>
        Your identity is a key that lives on this computer only. No server holds an account for you,
        and only the people you talk to can read your messages.
      </p>
      <div class="actions">
        <button type="button" class="button-primary" onClick={onCreate} data-initial-focus>
          Create a new identity
        </button>
        <button type="button" onClick={onRestore}>
          Restore from a backup phrase
        </button>
        <button type="button" onClick={onLink}>
          Link to an existing account
        </button>
      </div>
    </AuthCard>
  )
}
