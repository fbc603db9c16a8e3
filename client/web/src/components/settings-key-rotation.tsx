/**
 * Key rotation: the account moves to a new key (a new peer id). The node tells every friend,
 * then starts again under the new key behind the same connection; the new backup phrase is
 * shown once, since the old one now restores only the retired key.
 */
import { useState } from 'preact/hooks'
import type { RotateKeyResponse } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { t, tx } from '../i18n/i18n.ts'
import { CodeField } from './code-field.tsx'
import { PasswordField } from './password-field.tsx'
import { SettingsSection, useSectionActions } from './settings-section.tsx'

export function SettingsKeyRotation({
  client,
  withCode,
}: {
  client: WebApiClient
  withCode: boolean
}) {
  const section = useSectionActions()
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [rotated, setRotated] = useState<RotateKeyResponse | null>(null)

  const submit = (event: Event) => {
    event.preventDefault()
    void section.run(async () => {
      try {
        setRotated(await client.rotateKey({ password, code: withCode ? code : undefined }))
      } finally {
        setPassword('')
        setCode('')
      }
      return t('rotation.done')
    })
  }

  return (
    <SettingsSection
      id="key-rotation"
      title={t('rotation.title')}
      notice={section.notice}
      error={section.error}
    >
      <p>{t('rotation.intro')}</p>
      <form onSubmit={submit} aria-label={t('rotation.title')} noValidate>
        <PasswordField
          id="key-rotation-password"
          label={t('common.password')}
          value={password}
          onInput={setPassword}
          autoComplete="current-password"
          disabled={section.busy}
        />
        {withCode && (
          <CodeField
            id="key-rotation-code"
            value={code}
            onInput={setCode}
            disabled={section.busy}
          />
        )}
        <button
          type="submit"
          class="button-primary"
          disabled={section.busy || password === '' || (withCode && code === '')}
        >
          {t('rotation.action')}
        </button>
      </form>
      {rotated != null && (
        <section aria-label={t('rotation.newKey')}>
          <p>
            {tx('rotation.youAre', {
              peerId: <code>{rotated.peerId}</code>,
              fingerprint: rotated.fingerprint,
              reached: rotated.reached,
            })}
            {rotated.waiting.length > 0 &&
              t('rotation.notReached', { peers: rotated.waiting.join(', ') })}
          </p>
          <p>{t('rotation.writeDown')}</p>
          <p class="backup-phrase">{rotated.backupPhrase}</p>
        </section>
      )}
    </SettingsSection>
  )
}
