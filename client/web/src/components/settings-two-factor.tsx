/**
 * Two-factor checks: enrol an authenticator app (a QR code of the `otpauth://` URI, or its
 * secret typed by hand), confirmed by a first code; the ten recovery codes shown once; turned
 * off with a code. While they are on, export, the backup phrase and a password change ask for
 * a code too (the other sections read `status`).
 */
import { useState } from 'preact/hooks'
import type {
  TwoFactorSetupResponse,
  TwoFactorStatusResponse,
} from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { t, tx } from '../i18n/i18n.ts'
import { CodeField } from './code-field.tsx'
import { PasswordField } from './password-field.tsx'
import { QrCode } from './qr-code.tsx'
import { SettingsSection, useSectionActions } from './settings-section.tsx'

interface SettingsTwoFactorProps {
  client: WebApiClient
  status: TwoFactorStatusResponse | null
  onStatus: (status: TwoFactorStatusResponse) => void
}

export function SettingsTwoFactor({ client, status, onStatus }: SettingsTwoFactorProps) {
  const section = useSectionActions()
  const [setup, setSetup] = useState<TwoFactorSetupResponse | null>(null)
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null)
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')

  /** Runs a password-and-code form's action; both fields are cleared afterwards either way. */
  const submit = (action: () => Promise<string>) => (event: Event) => {
    event.preventDefault()
    void section.run(() =>
      action().finally(() => {
        setPassword('')
        setCode('')
      }),
    )
  }
  const begin = () =>
    section.run(async () => {
      setSetup(await client.twoFactorSetup())
      return undefined
    })
  const enable = submit(async () => {
    if (setup == null) return ''
    const enabled = await client.enableTwoFactor({ password, secret: setup.secret, code })
    setSetup(null)
    setRecoveryCodes(enabled.recoveryCodes)
    onStatus(await client.twoFactorStatus())
    return t('twoFactor.on')
  })
  const disable = submit(async () => {
    onStatus(await client.disableTwoFactor({ password, code }))
    return t('twoFactor.off')
  })

  const fields = (
    <>
      <PasswordField
        id="two-factor-password"
        label={t('common.password')}
        value={password}
        onInput={setPassword}
        autoComplete="current-password"
        disabled={section.busy}
      />
      <CodeField id="two-factor-code" value={code} onInput={setCode} disabled={section.busy} />
    </>
  )
  const ready = !section.busy && password !== '' && code !== ''

  return (
    <SettingsSection
      id="two-factor"
      title={t('twoFactor.title')}
      notice={section.notice}
      error={section.error}
    >
      {recoveryCodes != null ? (
        <>
          <p>{t('twoFactor.codesIntro')}</p>
          <ol class="recovery-codes" aria-label={t('twoFactor.codes')} data-testid="recovery-codes">
            {recoveryCodes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ol>
          <button type="button" onClick={() => setRecoveryCodes(null)}>
            {t('twoFactor.kept')}
          </button>
        </>
      ) : status?.enabled === true ? (
        <form onSubmit={disable} aria-label={t('twoFactor.offForm')} noValidate>
          <p data-testid="two-factor-state">
            {t('twoFactor.stateOn')} {t('twoFactor.codesLeft', { count: status.recoveryCodesLeft })}
          </p>
          {fields}
          <button type="submit" disabled={!ready}>
            {t('twoFactor.turnOff')}
          </button>
        </form>
      ) : setup != null ? (
        <form onSubmit={enable} aria-label={t('twoFactor.onForm')} noValidate>
          <p>{t('twoFactor.scan')}</p>
          <QrCode text={setup.uri} label={t('twoFactor.qr')} />
          <p>
            {tx('twoFactor.secret', {
              secret: <code data-testid="two-factor-secret">{setup.secret}</code>,
            })}
          </p>
          {fields}
          <div class="actions">
            <button type="submit" class="button-primary" disabled={!ready}>
              {t('twoFactor.turnOn')}
            </button>
            <button type="button" onClick={() => setSetup(null)} disabled={section.busy}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <>
          <p data-testid="two-factor-state">{t('twoFactor.stateOff')}</p>
          <button type="button" onClick={begin} disabled={section.busy || status == null}>
            {t('twoFactor.setUp')}
          </button>
        </>
      )}
    </SettingsSection>
  )
}
