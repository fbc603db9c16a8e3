/** A two-factor code: the authenticator app's 6 digits, or a recovery code. */
import { t } from '../i18n/i18n.ts'

interface CodeFieldProps {
  id: string
  value: string
  onInput: (value: string) => void
  disabled?: boolean
  /** @default the catalog's 'Two-factor code' */
  label?: string
}

export function CodeField({ id, value, onInput, disabled, label }: CodeFieldProps) {
  return (
    <div class="field">
      <label for={id}>{label ?? t('code.label')}</label>
      <input
        id={id}
        type="text"
        value={value}
        autoComplete="one-time-code"
        spellcheck={false}
        disabled={disabled}
        aria-describedby={`${id}-hint`}
        onInput={(event) => onInput(event.currentTarget.value)}
        required
      />
      <small id={`${id}-hint`} class="hint">
        {t('code.hint')}
      </small>
    </div>
  )
}
