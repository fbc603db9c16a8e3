/**
 * Settings' Devices section in the browser, against a node in this process: this account's
 * device list with this device marked, and a rename that becomes the list's next version.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LocalApiClient } from '../../client/api-client.ts'
import type { Browser } from './chromium.ts'
import { openSettings } from './settings-page.ts'

const PASSWORD = 'correct horse battery staple 42'

describe('web client: devices in settings', () => {
  const cleanups: Array<() => Promise<void>> = []
  let browser: Browser
  let page: Page
  let api: LocalApiClient

  beforeAll(async () => {
    ;({ browser, page, api } = await openSettings(cleanups, PASSWORD))
  })
  afterAll(async () => {
    await browser?.close()
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  it('lists this device, marked, and renames it', async () => {
    const settings = page.getByRole('region', { name: 'Settings' })
    const list = settings.getByRole('list', { name: 'Your devices' })
    await list.getByText('this device').waitFor()
    expect(await list.getByRole('listitem').count()).toBe(1)

    const rename = settings.getByRole('form', { name: 'Rename this device' })
    await rename.getByLabel("This device's name").fill('kitchen laptop')
    await rename.getByRole('button', { name: 'Rename' }).click()
    await settings
      .getByTestId('devices-status')
      .filter({ hasText: 'Renamed' })
      .waitFor({ timeout: 15_000 })
    await list.getByText('kitchen laptop').waitFor()
    const devices = await api.devices()
    expect(devices.version).toBe(2)
    expect(devices.devices[0]).toMatchObject({ name: 'kitchen laptop', thisDevice: true })
  })
})
