/**
 * Password change: the identity sealed again under a new password. The key, the backup phrase
 * and everything the node keeps stay as they are; only the password that opens them changes.
 */
import { useState } from 'preact/hooks'
import type { WebApiClient } from '../api-client.ts'
import { t } from '../i18n/i18n.ts'
import { CodeField } from './code-field.tsx'
import { NewPasswordFields, newPasswordProblem } from './new-password-fields.tsx'
import { PasswordField } from './password-field.tsx'
import { SettingsSection, useSectionActions } from './settings-section.tsx'

export function SettingsPassword({
  client,
  withCode,
}: {
  client: WebApiClient
  withCode: boolean
}) {
  const section = useSectionActions()
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [newPassword, setNewPassword] = useState('')
  const [repeat, setRepeat] = useState('')

  const submit = (event: Event) => {
    event.preventDefault()
    const problem = newPasswordProblem(newPassword, repeat)
    if (problem != null) return section.setError(problem)
    void section.run(async () => {
      try {
        await client.changePassword({ password, newPassword, code: withCode ? code : undefined })
      } finally {
        setPassword('')
        setCode('')
      }
      setNewPassword('')
      setRepeat('')
      return t('passwordChange.done')
    })
  }

  return (
    <SettingsSection
      id="password-change"
      title={t('passwordChange.title')}
      notice={section.notice}
      error={section.error}
    >
      <form onSubmit={submit} aria-label={t('passwordChange.title')} noValidate>
        <PasswordField
          id="password-change-current"
          label={t('passwordChange.current')}
          value={password}
          onInput={setPassword}
          autoComplete="current-password"
          disabled={section.busy}
        />
        <NewPasswordFields
          label={t('password.new')}
          password={newPassword}
          repeat={repeat}
          onPassword={setNewPassword}
          onRepeat={setRepeat}
          disabled={section.busy}
        />
        {withCode && (
          <CodeField
            id="password-change-code"
            value={code}
            onInput={setCode}
            disabled={section.busy}
          />
        )}
        <button
          type="submit"
          class="button-primary"
          disabled={
            section.busy || password === '' || newPassword === '' || (withCode && code === '')
          }
        >
          {t('passwordChange.action')}
        </button>
      </form>
    </SettingsSection>
  )
}
