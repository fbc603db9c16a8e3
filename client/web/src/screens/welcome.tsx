import { AuthCard } from '../components/auth-card.tsx'

interface WelcomeProps {
  /** Words were shown for a new identity and never typed back: it does not exist yet. */
  phrasePending: boolean
  onCreate: () => void
  onRestore: () => void
  onLink: () => void
}

/** First run: no identity in this data folder yet. */
export function Welcome({ phrasePending, onCreate, onRestore, onLink }: WelcomeProps) {
  return (
    <AuthCard title="Welcome to TokenIM">
      <p>
        Your identity is a key that lives on this computer only. No server holds an account for you,
        and only the people you talk to can read your messages.
      </p>
      {phrasePending && (
        <p role="status" data-testid="phrase-pending">
          Your new identity is not created yet: its backup phrase was shown but not checked. Choose
          "Create a new identity" to see the same words again and type some of them back.
        </p>
      )}
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
