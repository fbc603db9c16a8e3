/**
 * Settings, Devices, "Link a device" (doc/accounts.md, "Linking a device"): the password (and
 * a two-factor code while the checks are on) opens a one-time code, shown as a QR code and as
 * text for the new device; once a device proves it, both show the same digits and emoji, and
 * the person confirms here. The node's `device:link` events move the steps along.
 */
import { useState } from 'preact/hooks'
import type { DeviceLinkStatus } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { locale, t, tx } from '../i18n/i18n.ts'
import { useNodeEvent } from '../node-events.ts'
import { LinkSas } from './link-sas.tsx'
import { QrCode } from './qr-code.tsx'
import { SensitiveFields, useSensitiveInput } from './sensitive-fields.tsx'
import { useSectionActions } from './settings-section.tsx'

interface SettingsLinkDeviceProps {
  client: WebApiClient
  withCode: boolean
  /** Called once a device was linked: the list has a new version. */
  onLinked: () => void
}

export function SettingsLinkDevice({ client, withCode, onLinked }: SettingsLinkDeviceProps) {
  const section = useSectionActions()
  const input = useSensitiveInput(withCode)
  const [status, setStatus] = useState<DeviceLinkStatus | null>(null)

  useNodeEvent('device:link', (update) => {
    if (status == null) return
    setStatus(update)
    if (update.state === 'linked') onLinked()
  })

  const open = (event: Event) => {
    event.preventDefault()
    void section.run(async () => {
      try {
        setStatus(await client.startDeviceLink(input.credentials()))
      } finally {
        input.clear()
      }
      return undefined
    })
  }
  const answer = (accept: boolean) =>
    section.run(async () => {
      setStatus(await client.confirmDeviceLink(accept))
      return accept ? t('link.confirmed') : t('link.refused')
    })

  return (
    <section aria-label={t('link.title')} class="link-device">
      <h3>{t('link.title')}</h3>
      {section.error != null && (
        <p class="error" role="alert">
          {section.error}
        </p>
      )}
      {section.notice != null && <p role="status">{section.notice}</p>}
      {(status == null || status.state === 'linked' || status.state === 'failed') && (
        <form onSubmit={open} aria-label={t('link.show')} noValidate>
          <p>{t('link.intro')}</p>
          <SensitiveFields idPrefix="link-device" input={input} disabled={section.busy} />
          <button type="submit" class="button-primary" disabled={section.busy || !input.ready}>
            {t('link.show')}
          </button>
        </form>
      )}
      {status?.state === 'waiting' && status.code != null && (
        <section aria-label={t('link.code')}>
          <QrCode text={status.code} label={t('link.qr')} />
          <p>
            {tx('link.howTo', {
              command: <code>tokenim init --link CODE</code>,
              until: new Intl.DateTimeFormat(locale(), { timeStyle: 'medium' }).format(
                status.expiresAt ?? 0,
              ),
            })}
          </p>
          <textarea readOnly rows={4} aria-label={t('link.codeText')} data-testid="link-code">
            {status.code}
          </textarea>
          {status.error != null && <p class="error">{status.error.message}</p>}
        </section>
      )}
      {status?.state === 'confirm' && status.sas != null && (
        <section aria-label={t('link.compare')}>
          <p>{t('link.wantsToJoin', { name: status.deviceName ?? '' })}</p>
          <LinkSas sas={status.sas} />
          {status.confirmed ? (
            <p role="status">{t('link.confirmedHere')}</p>
          ) : (
            <div class="actions">
              <button type="button" class="button-primary" onClick={() => void answer(true)}>
                {t('link.match')}
              </button>
              <button type="button" onClick={() => void answer(false)}>
                {t('link.differ')}
              </button>
            </div>
          )}
        </section>
      )}
      {status?.state === 'linking' && <p role="status">{t('link.handing')}</p>}
      {status?.state === 'linked' && (
        <p role="status">{t('link.linked', { name: status.deviceName ?? '' })}</p>
      )}
      {status?.state === 'failed' && (
        <p class="error" role="alert">
          {t('link.failed', { reason: status.error?.message ?? '' })}
        </p>
      )}
    </section>
  )
}
