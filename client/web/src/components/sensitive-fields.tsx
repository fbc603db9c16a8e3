/**
 * What a sensitive action asks for (the node's authorizeSensitiveAction): the password, and a
 * two-factor code while the checks are on. `useSensitiveInput` keeps the two values for a
 * form, `SensitiveFields` shows them; `idPrefix` names the fields (`<prefix>-password`,
 * `<prefix>-code`). `PhraseField` is where the recovery phrase is typed instead or beside.
 */
import { useState } from 'preact/hooks'
import { t } from '../i18n/i18n.ts'
import { CodeField } from './code-field.tsx'
import { PasswordField } from './password-field.tsx'

/** The password and code a form holds for one sensitive action. */
export interface SensitiveInput {
  password: string
  code: string
  withCode: boolean
  onPassword: (value: string) => void
  onCode: (value: string) => void
  /** Both given (the code only while the checks are on). */
  ready: boolean
  /** What the node's request takes: the password, and the code while the checks are on. */
  credentials(): { password: string; code: string | undefined }
  /** Forgets both, once the request went (whatever its answer). */
  clear(): void
}

export function useSensitiveInput(withCode: boolean): SensitiveInput {
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  return {
    password,
    code,
    withCode,
    onPassword: setPassword,
    onCode: setCode,
    ready: password !== '' && (!withCode || code.trim() !== ''),
    credentials: () => ({ password, code: withCode ? code : undefined }),
    clear: () => {
      setPassword('')
      setCode('')
    },
  }
}

export function SensitiveFields(props: {
  idPrefix: string
  input: SensitiveInput
  disabled: boolean
}) {
  const { input } = props
  return (
    <>
      <PasswordField
        id={`${props.idPrefix}-password`}
        label={t('common.password')}
        value={input.password}
        onInput={input.onPassword}
        autoComplete="current-password"
        disabled={props.disabled}
      />
      {input.withCode && (
        <CodeField
          id={`${props.idPrefix}-code`}
          value={input.code}
          onInput={input.onCode}
          disabled={props.disabled}
        />
      )}
    </>
  )
}

/** A recovery phrase typed in: 24 words, never autocompleted nor spell-checked. */
export function PhraseField(props: {
  id: string
  label: string
  value: string
  onInput: (value: string) => void
  disabled: boolean
}) {
  return (
    <label for={props.id}>
      {props.label}
      <textarea
        id={props.id}
        value={props.value}
        onInput={(event) => props.onInput((event.target as HTMLTextAreaElement).value)}
        disabled={props.disabled}
        autoComplete="off"
        spellcheck={false}
      />
    </label>
  )
}
