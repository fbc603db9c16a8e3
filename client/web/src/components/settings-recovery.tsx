/**
 * The recovery phrase (doc/accounts.md): whether the account committed to one; for an
 * account from before recovery phrases, a new phrase shown once and typed back before the
 * node commits to it; and the recovery itself, which moves the account to a new key that
 * friends prefer over any rotation a thief made with a stolen key.
 */
import { useEffect, useState } from 'preact/hooks'
import type { RecoveryStatusResponse, RotateKeyResponse } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { t, tx } from '../i18n/i18n.ts'
import { CodeField } from './code-field.tsx'
import { PasswordField } from './password-field.tsx'
import { SettingsSection, useSectionActions } from './settings-section.tsx'

export function SettingsRecovery({
  client,
  withCode,
}: {
  client: WebApiClient
  withCode: boolean
}) {
  const section = useSectionActions()
  const [status, setStatus] = useState<RecoveryStatusResponse | null>(null)
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [shown, setShown] = useState<string | null>(null)
  const [phrase, setPhrase] = useState('')
  const [recovered, setRecovered] = useState<RotateKeyResponse | null>(null)
  useEffect(() => {
    void client.recoveryStatus().then(setStatus, () => setStatus(null))
  }, [client])
  const secondFactor = () => (withCode ? code : undefined)
  const clear = () => {
    setPassword('')
    setCode('')
    setPhrase('')
  }

  const setUp = (event: Event) => {
    event.preventDefault()
    void section.run(async () => {
      try {
        setShown(
          (await client.recoveryPhraseSetup({ password, code: secondFactor() })).recoveryPhrase,
        )
      } finally {
        setCode('')
      }
      return t('recovery.writeDown')
    })
  }
  const commit = (event: Event) => {
    event.preventDefault()
    void section.run(async () => {
      try {
        setStatus(await client.commitRecoveryPhrase({ password, phrase, code: secondFactor() }))
        setShown(null)
      } finally {
        clear()
      }
      return t('recovery.committed')
    })
  }
  const recover = (event: Event) => {
    event.preventDefault()
    void section.run(async () => {
      try {
        setRecovered(await client.recoverKey({ password, phrase, code: secondFactor() }))
      } finally {
        clear()
      }
      return t('recovery.recovered')
    })
  }

  const fields = (prefix: string) => (
    <>
      <PasswordField
        id={`${prefix}-password`}
        label={t('common.password')}
        value={password}
        onInput={setPassword}
        autoComplete="current-password"
        disabled={section.busy}
      />
      {withCode && (
        <CodeField id={`${prefix}-code`} value={code} onInput={setCode} disabled={section.busy} />
      )}
    </>
  )
  const phraseField = (id: string, label: string) => (
    <label for={id}>
      {label}
      <textarea
        id={id}
        value={phrase}
        onInput={(event) => setPhrase((event.target as HTMLTextAreaElement).value)}
        disabled={section.busy}
        autoComplete="off"
        spellcheck={false}
      />
    </label>
  )
  const ready = password !== '' && (!withCode || code !== '')

  return (
    <SettingsSection
      id="recovery"
      title={t('recovery.title')}
      notice={section.notice}
      error={section.error}
    >
      {status?.committed === false && <p role="status">{t('recovery.none')}</p>}
      {status?.committed === true && <p role="status">{t('recovery.has')}</p>}
      {status?.committed === false && shown == null && (
        <form onSubmit={setUp} aria-label={t('recovery.setUpForm')} noValidate>
          {fields('recovery-setup')}
          <button type="submit" class="button-primary" disabled={section.busy || !ready}>
            {t('recovery.show')}
          </button>
        </form>
      )}
      {shown != null && (
        <form onSubmit={commit} aria-label={t('recovery.confirmForm')} noValidate>
          <p class="backup-phrase" data-testid="settings-recovery-phrase">
            {shown}
          </p>
          {phraseField('recovery-confirm-phrase', t('recovery.typeBack'))}
          {withCode && (
            <CodeField
              id="recovery-confirm-code"
              value={code}
              onInput={setCode}
              disabled={section.busy}
            />
          )}
          <button type="submit" class="button-primary" disabled={section.busy || phrase === ''}>
            {t('common.confirm')}
          </button>
        </form>
      )}
      {status?.committed === true && (
        <form onSubmit={recover} aria-label={t('recovery.recoverForm')} noValidate>
          <p>{t('recovery.after')}</p>
          {phraseField('recovery-phrase-input', t('recovery.title'))}
          {fields('recovery-recover')}
          <button
            type="submit"
            class="button-primary"
            disabled={section.busy || !ready || phrase === ''}
          >
            {t('recovery.recover')}
          </button>
        </form>
      )}
      {recovered != null && (
        <p>
          {tx('rotation.youAre', {
            peerId: <code>{recovered.peerId}</code>,
            fingerprint: recovered.fingerprint,
            reached: recovered.reached,
          })}
          .
        </p>
      )}
    </SettingsSection>
  )
}
