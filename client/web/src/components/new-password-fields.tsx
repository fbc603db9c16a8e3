/** A new password typed twice, with the strength meter: creating and restoring an identity. */

import { t } from '../i18n/i18n.ts'
import { PasswordField } from './password-field.tsx'
import { ratePassword } from './password-rating.ts'

interface NewPasswordFieldsProps {
  label: string
  password: string
  repeat: string
  onPassword: (value: string) => void
  onRepeat: (value: string) => void
  initialFocus?: boolean
  disabled?: boolean
}

export function NewPasswordFields(props: NewPasswordFieldsProps) {
  return (
    <>
      <PasswordField
        id="new-password"
        label={props.label}
        value={props.password}
        onInput={props.onPassword}
        autoComplete="new-password"
        withMeter
        initialFocus={props.initialFocus}
        disabled={props.disabled}
      />
      <PasswordField
        id="repeat-password"
        label={t('password.repeat')}
        value={props.repeat}
        onInput={props.onRepeat}
        autoComplete="new-password"
        disabled={props.disabled}
      />
    </>
  )
}

/** What is wrong with the new password and its repetition, or null when they will do. */
export function newPasswordProblem(password: string, repeat: string): string | null {
  const rating = ratePassword(password)
  if (!rating.accepted) return t('password.chooseAnother', { rating: rating.label })
  if (password !== repeat) return t('password.differ')
  return null
}
