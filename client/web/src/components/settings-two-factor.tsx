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
    return 'Two-factor checks are on.'
  })
  const disable = submit(async () => {
    onStatus(await client.disableTwoFactor({ password, code }))
    return 'Two-factor checks are off.'
  })

  const fields = (
    <>
      <PasswordField
        id="two-factor-password"
        label="Password"
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
      title="Two-factor checks"
      notice={section.notice}
      error={section.error}
    >
      {recoveryCodes != null ? (
        <>
          <p>
            Recovery codes, shown once: each works once if you lose your authenticator. Keep them
            apart from this computer.
          </p>
          <ol class="recovery-codes" aria-label="Recovery codes" data-testid="recovery-codes">
            {recoveryCodes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ol>
          <button type="button" onClick={() => setRecoveryCodes(null)}>
            I have kept them
          </button>
        </>
      ) : status?.enabled === true ? (
        <form onSubmit={disable} aria-label="Turn two-factor checks off" noValidate>
          <p data-testid="two-factor-state">
            On: export, the backup phrase and a password change need a code.{' '}
            {status.recoveryCodesLeft} recovery codes left.
          </p>
          {fields}
          <button type="submit" disabled={!ready}>
            Turn off
          </button>
        </form>
      ) : setup != null ? (
        <form onSubmit={enable} aria-label="Turn two-factor checks on" noValidate>
          <p>Scan this with your authenticator app, or type the secret into it.</p>
          <QrCode text={setup.uri} label="QR code for your authenticator app" />
          <p>
            Secret: <code data-testid="two-factor-secret">{setup.secret}</code>
          </p>
          {fields}
          <div class="actions">
            <button type="submit" class="button-primary" disabled={!ready}>
              Turn on
            </button>
            <button type="button" onClick={() => setSetup(null)} disabled={section.busy}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          <p data-testid="two-factor-state">
            Off. With an authenticator app, export, the backup phrase and a password change also ask
            for the code the app shows.
          </p>
          <button type="button" onClick={begin} disabled={section.busy || status == null}>
            Set up two-factor checks
          </button>
        </>
      )}
    </SettingsSection>
  )
}
