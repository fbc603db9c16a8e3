/**
 * Settings, Devices: revoking one of the account's other devices (doc/accounts.md, "Revoking a
 * device"), a sensitive action: the password, and a two-factor code while the checks are on;
 * or, for a lost device or a forgotten password, the account's recovery phrase instead
 * (`POST /v1/devices/revoke-with-phrase`). The revoked device is told and stops sending as the
 * account; friends drop it.
 */
import { useState } from 'preact/hooks'
import type { DeviceListResponse, DeviceView } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { t } from '../i18n/i18n.ts'
import { PhraseField, SensitiveFields, useSensitiveInput } from './sensitive-fields.tsx'
import type { SectionActions } from './settings-section.tsx'

interface SettingsRevokeDeviceProps {
  client: WebApiClient
  device: DeviceView
  withCode: boolean
  section: SectionActions
  /** The list without the device, once revoked. */
  onRevoked: (list: DeviceListResponse) => void
  onCancel: () => void
}

export function SettingsRevokeDevice(props: SettingsRevokeDeviceProps) {
  const { client, device, withCode, section } = props
  const input = useSensitiveInput(withCode)
  const [withPhrase, setWithPhrase] = useState(false)
  const [phrase, setPhrase] = useState('')

  const submit = (event: Event) => {
    event.preventDefault()
    void section.run(async () => {
      try {
        props.onRevoked(
          withPhrase
            ? await client.revokeDeviceWithPhrase({ device: device.peerId, phrase })
            : await client.revokeDevice({ device: device.peerId, ...input.credentials() }),
        )
      } finally {
        input.clear()
        setPhrase('')
      }
      return t('devices.revoked', { name: device.name })
    })
  }

  return (
    <form onSubmit={submit} aria-label={t('devices.revokeForm', { name: device.name })} noValidate>
      <p>{t('devices.revokeIntro', { name: device.name })}</p>
      {withPhrase ? (
        <>
          <p>{t('devices.revokePhraseIntro')}</p>
          <PhraseField
            id="revoke-device-phrase"
            label={t('recovery.title')}
            value={phrase}
            onInput={setPhrase}
            disabled={section.busy}
          />
        </>
      ) : (
        <SensitiveFields idPrefix="revoke-device" input={input} disabled={section.busy} />
      )}
      <button
        type="button"
        aria-pressed={withPhrase}
        disabled={section.busy}
        onClick={() => setWithPhrase(!withPhrase)}
      >
        {withPhrase ? t('devices.usePassword') : t('devices.usePhrase')}
      </button>
      <button
        type="submit"
        class="button-danger"
        disabled={section.busy || (withPhrase ? phrase.trim() === '' : !input.ready)}
      >
        {t('devices.revoke')}
      </button>
      <button type="button" onClick={props.onCancel} disabled={section.busy}>
        {t('common.cancel')}
      </button>
    </form>
  )
}
