/**
 * First run, "Link to an existing account" (doc/accounts.md, "Linking a device"): the code the
 * existing device shows (Settings, Devices, "Link a device", or `tokenim devices link`), a
 * name and a password for this device; then both devices show the same digits and emoji, and
 * the person confirms on both. The node links, then runs.
 */
import { useState } from 'preact/hooks'
import type { IdentityInfo, LinkSasView } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { AuthCard } from '../components/auth-card.tsx'
import { ErrorText } from '../components/error-text.tsx'
import { LinkSas } from '../components/link-sas.tsx'
import { NewPasswordFields, newPasswordProblem } from '../components/new-password-fields.tsx'
import { describeError } from '../errors.ts'

interface LinkDeviceProps {
  client: WebApiClient
  onLinked: (identity: IdentityInfo) => void
  onBack: () => void
}

export function LinkDevice({ client, onLinked, onBack }: LinkDeviceProps) {
  const [code, setCode] = useState('')
  const [name, setName] = useState('')
  const [password, setPassword] = useState('')
  const [repeat, setRepeat] = useState('')
  const [sas, setSas] = useState<LinkSasView | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const act = async (action: () => Promise<void>) => {
    setBusy(true)
    setError(null)
    try {
      await action()
    } catch (err) {
      setError(describeError(err))
      setSas(null)
    } finally {
      setBusy(false)
    }
  }
  const submit = (event: Event) => {
    event.preventDefault()
    const problem = newPasswordProblem(password, repeat)
    if (code.trim() === '') return setError('Paste the code the other device shows.')
    if (problem != null) return setError(problem)
    void act(async () => {
      setSas(
        await client.linkNewDevice({
          code: code.trim(),
          password,
          deviceName: name.trim() || undefined,
        }),
      )
    })
  }
  const answer = (accept: boolean) =>
    void act(async () => {
      const linked = await client.confirmNewDeviceLink(accept)
      if (accept) onLinked(linked)
    })

  if (sas != null) {
    return (
      <AuthCard title="Compare the codes">
        <p>
          Does your other device show exactly these digits and emoji? Confirm there too: only then
          is your account handed over.
        </p>
        <LinkSas sas={sas} />
        <ErrorText message={error} />
        <div class="actions">
          <button type="button" class="button-primary" disabled={busy} onClick={() => answer(true)}>
            {busy ? 'Linking…' : 'They match'}
          </button>
          <button type="button" disabled={busy} onClick={() => answer(false)}>
            They differ
          </button>
        </div>
      </AuthCard>
    )
  }
  return (
    <AuthCard title="Link to an existing account">
      <p>
        On a device that already has your account, open Settings, Devices, "Link a device" (or run{' '}
        <code>tokenim devices link</code>) and paste the code it shows here.
      </p>
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for="link-code">Link code</label>
          <textarea
            id="link-code"
            rows={4}
            autoComplete="off"
            autoCapitalize="none"
            spellcheck={false}
            data-initial-focus
            value={code}
            disabled={busy}
            onInput={(event) => setCode(event.currentTarget.value)}
            required
          />
        </div>
        <div class="field">
          <label for="link-device-name">This device's name</label>
          <input
            id="link-device-name"
            value={name}
            placeholder="e.g. laptop"
            disabled={busy}
            onInput={(event) => setName(event.currentTarget.value)}
          />
        </div>
        <NewPasswordFields
          label="Password for this device"
          password={password}
          repeat={repeat}
          onPassword={setPassword}
          onRepeat={setRepeat}
          disabled={busy}
        />
        <ErrorText message={error} />
        <div class="actions">
          <button type="submit" class="button-primary" disabled={busy}>
            {busy ? 'Connecting…' : 'Link this device'}
          </button>
          <button type="button" onClick={onBack} disabled={busy}>
            Back
          </button>
        </div>
      </form>
    </AuthCard>
  )
}
