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
import { PhraseField, SensitiveFields, useSensitiveInput } from './sensitive-fields.tsx'
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
  const input = useSensitiveInput(withCode)
  const [shown, setShown] = useState<string | null>(null)
  const [phrase, setPhrase] = useState('')
  const [recovered, setRecovered] = useState<RotateKeyResponse | null>(null)
  useEffect(() => {
    void client.recoveryStatus().then(setStatus, () => setStatus(null))
  }, [client])
  const clear = () => {
    input.clear()
    setPhrase('')
  }

  const setUp = (event: Event) => {
    event.preventDefault()
    void section.run(async () => {
      try {
        setShown((await client.recoveryPhraseSetup(input.credentials())).recoveryPhrase)
      } finally {
        // The password stays for the commit, once the phrase is typed back.
        input.onCode('')
      }
      return t('recovery.writeDown')
    })
  }
  const commit = (event: Event) => {
    event.preventDefault()
    void section.run(async () => {
      try {
        setStatus(await client.commitRecoveryPhrase({ ...input.credentials(), phrase }))
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
        setRecovered(await client.recoverKey({ ...input.credentials(), phrase }))
      } finally {
        clear()
      }
      return t('recovery.recovered')
    })
  }

  const fields = (prefix: string) => (
    <SensitiveFields idPrefix={prefix} input={input} disabled={section.busy} />
  )
  const phraseField = (id: string, label: string) => (
    <PhraseField id={id} label={label} value={phrase} onInput={setPhrase} disabled={section.busy} />
  )
  const ready = input.ready

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
              value={input.code}
              onInput={input.onCode}
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
