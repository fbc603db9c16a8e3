/**
 * This account's devices (doc/accounts.md): the list friends get, this device marked, its
 * name, and linking another device.
 */
import { useEffect, useState } from 'preact/hooks'
import { MAX_DEVICE_NAME_SIZE } from '../../../../protocol/limits.ts'
import type { DeviceListResponse } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { SettingsLinkDevice } from './settings-link-device.tsx'
import { SettingsSection, useSectionActions } from './settings-section.tsx'

export function SettingsDevices({ client, withCode }: { client: WebApiClient; withCode: boolean }) {
  const [list, setList] = useState<DeviceListResponse | null>(null)
  const [name, setName] = useState('')
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
      return 'Renamed: your friends get the new list.'
    })
  }

  return (
    <SettingsSection id="devices" title="Devices" notice={section.notice} error={section.error}>
      {list != null && (
        <>
          <ul class="device-list" aria-label="Your devices">
            {list.devices.map((device) => (
              <li key={device.publicKey} title={device.peerId}>
                {device.name}
                {device.thisDevice && <em> · this device</em>}
                {device.peerId !== list.account && <em> · linked: 1:1 texts only</em>}
              </li>
            ))}
          </ul>
          <form onSubmit={submit} aria-label="Rename this device">
            <div class="field">
              <label for="device-name">This device's name</label>
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
              Rename
            </button>
          </form>
          {list.linkedFriends != null && (
            <p class="hint">
              This device is linked to your account and knows your {list.linkedFriends} friends: 1:1
              messages reach it; rooms and files stay on your first device for now.
            </p>
          )}
        </>
      )}
      <SettingsLinkDevice client={client} withCode={withCode} onLinked={() => void load()} />
    </SettingsSection>
  )
}
