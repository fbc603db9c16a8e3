/**
 * Settings, Devices: revoking one of the account's other devices (doc/accounts.md, "Revoking a
 * device"), a sensitive action: the password, and a two-factor code while the checks are on.
 * The revoked device is told and stops sending as the account; friends drop it.
 */
import { useState } from 'preact/hooks'
import type { DeviceListResponse, DeviceView } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { t } from '../i18n/i18n.ts'
import { SensitiveFields } from './sensitive-fields.tsx'
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
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')

  const submit = (event: Event) => {
    event.preventDefault()
    void section.run(async () => {
      try {
        const body = { device: device.peerId, password, code: withCode ? code : undefined }
        props.onRevoked(await client.revokeDevice(body))
      } finally {
        setPassword('')
        setCode('')
      }
      return t('devices.revoked', { name: device.name })
    })
  }

  return (
    <form onSubmit={submit} aria-label={t('devices.revokeForm', { name: device.name })} noValidate>
      <p>{t('devices.revokeIntro', { name: device.name })}</p>
      <SensitiveFields
        idPrefix="revoke-device"
        password={password}
        onPassword={setPassword}
        withCode={withCode}
        code={code}
        onCode={setCode}
        disabled={section.busy}
      />
      <button
        type="submit"
        class="button-danger"
        disabled={section.busy || password === '' || (withCode && code.trim() === '')}
      >
        {t('devices.revoke')}
      </button>
      <button type="button" onClick={props.onCancel} disabled={section.busy}>
        {t('common.cancel')}
      </button>
    </form>
  )
}
