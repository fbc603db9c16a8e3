/**
 * This account's devices (doc/accounts.md): the list friends get, this device marked, its
 * name, history from another device, linking another device and revoking one (not this one, nor the first device, which
 * runs on the account key).
 */
import { useEffect, useState } from 'preact/hooks'
import { MAX_DEVICE_NAME_SIZE } from '../../../../protocol/limits.ts'
import type { DeviceListResponse, DeviceView } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { t } from '../i18n/i18n.ts'
import { SettingsHistory } from './settings-history.tsx'
import { SettingsLinkDevice } from './settings-link-device.tsx'
import { SettingsRevokeDevice } from './settings-revoke-device.tsx'
import { SettingsSection, useSectionActions } from './settings-section.tsx'

export function SettingsDevices({ client, withCode }: { client: WebApiClient; withCode: boolean }) {
  const [list, setList] = useState<DeviceListResponse | null>(null)
  const [name, setName] = useState('')
  const [revoking, setRevoking] = useState<DeviceView | null>(null)
  const section = useSectionActions()

  const load = () =>
    section.run(async () => {
      const devices = await client.devices()
      setList(devices)
      setName(devices.devices.find((device) => device.thisDevice)?.name ?? '')
      return undefined
    })
  useEffect(() => {
    void load()
  }, [client])

  const submit = (event: Event) => {
    event.preventDefault()
    void section.run(async () => {
      setList(await client.renameDevice(name.trim()))
      return t('devices.renamed')
    })
  }

  return (
    <SettingsSection
      id="devices"
      title={t('devices.title')}
      notice={section.notice}
      error={section.error}
    >
      {list != null && (
        <>
          <ul class="device-list" aria-label={t('devices.yours')}>
            {list.devices.map((device) => (
              <li key={device.publicKey}>
                {/* A name the machine or the person gave, not words: page translation leaves it. */}
                <span translate={false} title={device.peerId}>
                  {device.name}
                </span>
                {device.thisDevice && <em> · {t('devices.this')}</em>}
                {device.peerId !== list.account && <em> · {t('devices.linked')}</em>}
                {!device.thisDevice && device.peerId !== list.account && (
                  <button
                    type="button"
                    aria-label={t('devices.revokeOne', { name: device.name })}
                    disabled={section.busy}
                    onClick={() => setRevoking(device)}
                  >
                    {t('devices.revoke')}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {revoking != null && (
            <SettingsRevokeDevice
              client={client}
              device={revoking}
              withCode={withCode}
              section={section}
              onRevoked={(next) => {
                setList(next)
                setRevoking(null)
              }}
              onCancel={() => setRevoking(null)}
            />
          )}
          <form onSubmit={submit} aria-label={t('devices.renameForm')}>
            <div class="field">
              <label for="device-name">{t('devices.name')}</label>
              <input
                id="device-name"
                value={name}
                maxLength={MAX_DEVICE_NAME_SIZE}
                onInput={(event) => setName(event.currentTarget.value)}
              />
            </div>
            <button
              type="submit"
              class="button-primary"
              disabled={section.busy || name.trim() === ''}
            >
              {t('devices.rename')}
            </button>
          </form>
          {list.linkedFriends != null && (
            <p class="hint">{t('devices.linkedHint', { count: list.linkedFriends })}</p>
          )}
        </>
      )}
      <SettingsHistory client={client} />
      <SettingsLinkDevice client={client} withCode={withCode} onLinked={() => void load()} />
    </SettingsSection>
  )
}
