/**
 * The recovery phrase (doc/accounts.md): whether the account committed to one; for an
 * account from before recovery phrases, a new phrase shown once and typed back before the
 * node commits to it; and the recovery itself, which moves the account to a new key that
 * friends prefer over any rotation a thief made with a stolen key.
 */
import { useEffect, useState } from 'preact/hooks'
import type { RecoveryStatusResponse, RotateKeyResponse } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
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
      return 'Write the words down on paper, in order, then type them back below.'
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
      return 'Your account has a recovery phrase now. Keep it offline.'
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
      return 'Your account is back under a new key. Friends who were away learn of it when they come back.'
    })
  }

  const fields = (prefix: string) => (
    <>
      <PasswordField
        id={`${prefix}-password`}
        label="Password"
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
      title="Recovery phrase"
      notice={section.notice}
      error={section.error}
    >
      {status?.committed === false && (
        <p role="status">
          Your account has no recovery phrase yet: if your key is stolen, you cannot take your
          account back.
        </p>
      )}
      {status?.committed === true && (
        <p role="status">Your account has a recovery phrase: it can take the account back.</p>
      )}
      {status?.committed === false && shown == null && (
        <form onSubmit={setUp} aria-label="Set up a recovery phrase" noValidate>
          {fields('recovery-setup')}
          <button type="submit" class="button-primary" disabled={section.busy || !ready}>
            Show a recovery phrase
          </button>
        </form>
      )}
      {shown != null && (
        <form onSubmit={commit} aria-label="Confirm the recovery phrase" noValidate>
          <p class="backup-phrase" data-testid="settings-recovery-phrase">
            {shown}
          </p>
          {phraseField('recovery-confirm-phrase', 'Type the recovery phrase back')}
          {withCode && (
            <CodeField
              id="recovery-confirm-code"
              value={code}
              onInput={setCode}
              disabled={section.busy}
            />
          )}
          <button type="submit" class="button-primary" disabled={section.busy || phrase === ''}>
            Confirm
          </button>
        </form>
      )}
      {status?.committed === true && (
        <form onSubmit={recover} aria-label="Recover your account" noValidate>
          <p>
            After a theft: your recovery phrase moves the account to a new key that your friends
            prefer over anything the stolen key signs.
          </p>
          {phraseField('recovery-phrase-input', 'Recovery phrase')}
          {fields('recovery-recover')}
          <button
            type="submit"
            class="button-primary"
            disabled={section.busy || !ready || phrase === ''}
          >
            Recover
          </button>
        </form>
      )}
      {recovered != null && (
        <p>
          You are <code>{recovered.peerId}</code> now (fingerprint {recovered.fingerprint}). Friends
          told: {recovered.reached}.
        </p>
      )}
    </SettingsSection>
  )
}
