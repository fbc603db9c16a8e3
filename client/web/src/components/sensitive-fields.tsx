/**
 * What a sensitive action asks for (the node's authorizeSensitiveAction): the password, and a
 * two-factor code while the checks are on. `idPrefix` names the fields (`<prefix>-password`,
 * `<prefix>-code`).
 */
import { t } from '../i18n/i18n.ts'
import { CodeField } from './code-field.tsx'
import { PasswordField } from './password-field.tsx'

interface SensitiveFieldsProps {
  idPrefix: string
  password: string
  onPassword: (value: string) => void
  withCode: boolean
  code: string
  onCode: (value: string) => void
  disabled: boolean
}

export function SensitiveFields(props: SensitiveFieldsProps) {
  return (
    <>
      <PasswordField
        id={`${props.idPrefix}-password`}
        label={t('common.password')}
        value={props.password}
        onInput={props.onPassword}
        autoComplete="current-password"
        disabled={props.disabled}
      />
      {props.withCode && (
        <CodeField
          id={`${props.idPrefix}-code`}
          value={props.code}
          onInput={props.onCode}
          disabled={props.disabled}
        />
      )}
    </>
  )
}
