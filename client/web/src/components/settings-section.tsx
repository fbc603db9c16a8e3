/** One titled part of the settings, with its status line and error, and a way to run actions. */
import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { describeError } from '../errors.ts'
import { t } from '../i18n/i18n.ts'
import { CodeField } from './code-field.tsx'
import { ErrorText } from './error-text.tsx'
import { PasswordField } from './password-field.tsx'

export interface SectionActions {
  /** Runs `action`; says `done` (or what `action` returns) on success, the error otherwise. */
  run(action: () => Promise<string | undefined>): Promise<void>
  busy: boolean
  setError(message: string | null): void
}

export function useSectionActions(): SectionActions & {
  notice: string | null
  error: string | null
} {
  const [busy, setBusy] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  return {
    busy,
    notice,
    error,
    setError,
    async run(action) {
      setBusy(true)
      setError(null)
      setNotice(null)
      try {
        setNotice((await action()) ?? null)
      } catch (err) {
        setError(describeError(err))
      } finally {
        setBusy(false)
      }
    },
  }
}

interface SettingsSectionProps {
  id: string
  title: string
  notice: string | null
  error: string | null
  children: ComponentChildren
}

export function SettingsSection({ id, title, notice, error, children }: SettingsSectionProps) {
  return (
    <section class="settings-section" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>{title}</h3>
      {children}
      <div role="status" class="notice" data-testid={`${id}-status`}>
        {notice}
      </div>
      <ErrorText message={error} />
    </section>
  )
}

interface PasswordGateProps {
  id: string
  /** The form's accessible name. */
  label: string
  /** The submit button's text. */
  action: string
  busy: boolean
  /** Two-factor checks are on: ask for a code as well. */
  withCode: boolean
  /** Runs with the typed password (and code); the fields are cleared afterwards either way. */
  onPassword: (password: string, code?: string) => Promise<void>
  children?: ComponentChildren
}

/**
 * A form that asks for the identity's password (and, while two-factor checks are on, a code)
 * before a secret is shown or exported.
 */
export function PasswordGate(props: PasswordGateProps) {
  const { id, label, action, busy, withCode, onPassword, children } = props
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const submit = (event: Event) => {
    event.preventDefault()
    void onPassword(password, withCode ? code : undefined).finally(() => {
      setPassword('')
      setCode('')
    })
  }
  return (
    <form onSubmit={submit} aria-label={label}>
      {children}
      <PasswordField
        id={`${id}-password`}
        label={t('common.password')}
        value={password}
        onInput={setPassword}
        autoComplete="current-password"
        disabled={busy}
      />
      {withCode && <CodeField id={`${id}-code`} value={code} onInput={setCode} disabled={busy} />}
      <button
        type="submit"
        class="button-primary"
        disabled={busy || password === '' || (withCode && code === '')}
      >
        {action}
      </button>
    </form>
  )
}
