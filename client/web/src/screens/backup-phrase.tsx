import { useMemo, useState } from 'preact/hooks'
import { AuthCard } from '../components/auth-card.tsx'
import { ErrorText } from '../components/error-text.tsx'
import { describeError } from '../errors.ts'
import { t } from '../i18n/i18n.ts'

/** How many words the user types back to show the phrase was written down. */
export const CONFIRM_WORDS = 3

interface BackupPhraseProps {
  phrase: string
  /** The words were typed back: creates the identity; its error is shown here. */
  onConfirmed: () => Promise<void>
}

/**
 * A new identity's backup phrase, then three of its words typed back from the user's copy.
 * The identity is created only once they match, so the check cannot be skipped: a tab closed
 * before leaves no identity, and the node shows the same words again while it runs.
 */
export function BackupPhrase({ phrase, onConfirmed }: BackupPhraseProps) {
  const words = useMemo(() => phrase.split(' '), [phrase])
  const asked = useMemo(() => randomPositions(words.length, CONFIRM_WORDS), [words])
  const [step, setStep] = useState<'show' | 'confirm'>('show')
  const [answers, setAnswers] = useState<string[]>(asked.map(() => ''))
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  if (step === 'show') {
    return (
      <AuthCard title={t('phrase.title')}>
        <p>
          {t('phrase.intro', { count: words.length })} <strong>{t('phrase.createdOnce')}</strong>
        </p>
        <ol class="phrase" aria-label={t('phrase.label')} data-testid="backup-phrase">
          {words.map((word, index) => (
            <li key={index}>
              <span class="phrase-number" aria-hidden="true">
                {index + 1}
              </span>
              <span class="phrase-word">{word}</span>
            </li>
          ))}
        </ol>
        <div class="actions">
          <button type="button" class="button-primary" onClick={() => setStep('confirm')}>
            {t('phrase.written')}
          </button>
        </div>
      </AuthCard>
    )
  }

  const submit = async (event: Event) => {
    event.preventDefault()
    const wrong = asked.find((position, i) => normalize(answers[i]) !== words[position])
    if (wrong !== undefined) {
      return setError(t('phrase.mismatch', { number: wrong + 1 }))
    }
    setBusy(true)
    setError(null)
    try {
      await onConfirmed()
    } catch (err) {
      setError(describeError(err))
      setBusy(false)
    }
  }

  return (
    <AuthCard title={t('phrase.checkTitle')}>
      <p>{t('phrase.checkIntro')}</p>
      <form onSubmit={submit} noValidate>
        {asked.map((position, i) => (
          <div class="field" key={position}>
            <label for={`word-${position + 1}`}>{t('phrase.word', { number: position + 1 })}</label>
            <input
              id={`word-${position + 1}`}
              type="text"
              autoComplete="off"
              autoCapitalize="none"
              spellcheck={false}
              data-initial-focus={i === 0 || undefined}
              value={answers[i]}
              onInput={(event) => {
                const next = [...answers]
                next[i] = event.currentTarget.value
                setAnswers(next)
              }}
              required
            />
          </div>
        ))}
        <ErrorText message={error} />
        <div class="actions">
          <button type="submit" class="button-primary" disabled={busy}>
            {busy ? t('phrase.creating') : t('common.confirm')}
          </button>
          <button type="button" onClick={() => setStep('show')} disabled={busy}>
            {t('phrase.showAgain')}
          </button>
        </div>
      </form>
    </AuthCard>
  )
}

function normalize(word: string): string {
  return word.trim().toLowerCase()
}

/** `count` distinct positions below `length`, in increasing order. */
function randomPositions(length: number, count: number): number[] {
  const picked = new Set<number>()
  const random = new Uint32Array(1)
  while (picked.size < Math.min(count, length)) {
    crypto.getRandomValues(random)
    picked.add(random[0] % length)
  }
  return [...picked].sort((a, b) => a - b)
}
