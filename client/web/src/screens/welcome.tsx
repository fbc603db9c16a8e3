import { AuthCard } from '../components/auth-card.tsx'
import { t } from '../i18n/i18n.ts'

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
    <AuthCard title={t('welcome.title')}>
      <p>{t('welcome.intro')}</p>
      {phrasePending && (
        <p role="status" data-testid="phrase-pending">
          {t('welcome.phrasePending')}
        </p>
      )}
      <div class="actions">
        <button type="button" class="button-primary" onClick={onCreate} data-initial-focus>
          {t('welcome.create')}
        </button>
        <button type="button" onClick={onRestore}>
          {t('welcome.restore')}
        </button>
        <button type="button" onClick={onLink}>
          {t('welcome.link')}
        </button>
      </div>
    </AuthCard>
  )
}
