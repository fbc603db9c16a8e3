/**
 * Key rotation: the account moves to a new key (a new peer id). The node tells every friend,
 * then starts again under the new key behind the same connection; the new backup phrase is
 * shown once, since the old one now restores only the retired key.
 */
import { useState } from 'preact/hooks'
import type { RotateKeyResponse } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
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
      return 'Your key changed. Friends who were away learn of it when they come back.'
    })
  }

  return (
    <SettingsSection
      id="key-rotation"
      title="Change your key"
      notice={section.notice}
      error={section.error}
    >
      <p>
        Moves your account to a new key, for example after a device was lost. Your friends keep your
        conversations; your peer id and backup phrase change.
      </p>
      <form onSubmit={submit} aria-label="Change your key" noValidate>
        <PasswordField
          id="key-rotation-password"
          label="Password"
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
          Change key
        </button>
      </form>
      {rotated != null && (
        <section aria-label="New key">
          <p>
            You are <code>{rotated.peerId}</code> now (fingerprint {rotated.fingerprint}). Friends
            told: {rotated.reached}
            {rotated.waiting.length > 0 && `; not reached yet: ${rotated.waiting.join(', ')}`}.
          </p>
          <p>Write down your new backup phrase; the old one restores only the retired key:</p>
          <p class="backup-phrase">{rotated.backupPhrase}</p>
        </section>
      )}
    </SettingsSection>
  )
}
