/**
 * First run, "Link to an existing account" (doc/accounts.md, "Linking a device"): the code the
 * existing device shows (Settings, Devices, "Link a device", or `tokenim devices link`), a
 * name, how much of the earlier history to get, and a password for this device; then both devices show the same digits and emoji, and
 * the person confirms on both. The node links, then runs.
 */
import { useState } from 'preact/hooks'
import type { HistoryChoice, IdentityInfo, LinkSasView } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { AuthCard } from '../components/auth-card.tsx'
import { ErrorText } from '../components/error-text.tsx'
import { LinkSas } from '../components/link-sas.tsx'
import { NewPasswordFields, newPasswordProblem } from '../components/new-password-fields.tsx'
import { HistoryChoiceSelect } from '../components/settings-history.tsx'
import { describeError } from '../errors.ts'
import { t, tx } from '../i18n/i18n.ts'

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
  const [history, setHistory] = useState<HistoryChoice>('all')
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
    if (code.trim() === '') return setError(t('linkNew.pasteCode'))
    if (problem != null) return setError(problem)
    void act(async () => {
      setSas(
        await client.linkNewDevice({
          code: code.trim(),
          password,
          deviceName: name.trim() || undefined,
          history,
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
      <AuthCard title={t('link.compare')}>
        <p>{t('linkNew.compareIntro')}</p>
        <LinkSas sas={sas} />
        <ErrorText message={error} />
        <div class="actions">
          <button type="button" class="button-primary" disabled={busy} onClick={() => answer(true)}>
            {busy ? t('linkNew.linking') : t('link.match')}
          </button>
          <button type="button" disabled={busy} onClick={() => answer(false)}>
            {t('link.differ')}
          </button>
        </div>
      </AuthCard>
    )
  }
  return (
    <AuthCard title={t('welcome.link')}>
      <p>{tx('linkNew.intro', { command: <code>tokenim devices link</code> })}</p>
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for="link-code">{t('link.code')}</label>
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
          <label for="link-device-name">{t('devices.name')}</label>
          <input
            id="link-device-name"
            value={name}
            placeholder={t('linkNew.namePlaceholder')}
            disabled={busy}
            onInput={(event) => setName(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="link-history">{t('linkNew.history')}</label>
          <HistoryChoiceSelect
            id="link-history"
            value={history}
            onChange={setHistory}
            disabled={busy}
          />
        </div>
        <NewPasswordFields
          label={t('linkNew.password')}
          password={password}
          repeat={repeat}
          onPassword={setPassword}
          onRepeat={setRepeat}
          disabled={busy}
        />
        <ErrorText message={error} />
        <div class="actions">
          <button type="submit" class="button-primary" disabled={busy}>
            {busy ? t('linkNew.connecting') : t('linkNew.link')}
          </button>
          <button type="button" onClick={onBack} disabled={busy}>
            {t('chat.back')}
          </button>
        </div>
      </form>
    </AuthCard>
  )
}
