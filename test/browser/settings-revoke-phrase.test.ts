/**
 * Revoking a lost device with the recovery phrase in the browser (Settings, Devices): the
 * account (a daemon in this process) has linked a tablet; its Revoke form switches to the
 * recovery phrase, refuses another account's phrase (the tablet stays), and revokes it with
 * the account's own, without the password.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LocalApiClient } from '../../client/api-client.ts'
import { newAccount } from '../../node/identity/keystore-recovery.ts'
import { linkDeviceFolder } from '../integration/linked-account.ts'
import type { Browser } from './chromium.ts'
import { openSettings } from './settings-page.ts'

const PASSWORD = 'correct horse battery staple 42'

describe('web client: revoking a device with the recovery phrase', () => {
  const cleanups: Array<() => Promise<void>> = []
  let browser: Browser
  let page: Page
  let api: LocalApiClient
  let phrase: string

  beforeAll(async () => {
    const opened = await openSettings(cleanups, PASSWORD)
    ;({ browser, page, api } = opened)
    phrase = opened.backupPhrase
    const { dir } = await linkDeviceFolder(opened.daemon.node!, 'tablet')
    cleanups.push(() => dir.remove())
    // The page loaded its list before the tablet was linked.
    await page.reload()
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: 'Settings' })
      .click()
  })
  afterAll(async () => {
    await browser?.close()
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  it('refuses another phrase and revokes with the account’s, without the password', async () => {
    const settings = page.getByRole('region', { name: 'Settings' })
    const list = settings.getByRole('list', { name: 'Your devices' })
    await list.getByText('tablet').waitFor({ timeout: 15_000 })
    await list.getByRole('button', { name: 'Revoke tablet' }).click()
    const form = settings.getByRole('form', { name: 'Revoke tablet' })
    await form.getByRole('button', { name: /Use the recovery phrase/ }).click()
    expect(await form.getByLabel('Password').count()).toBe(0)

    // A phrase of another account: refused, the tablet stays.
    await form.getByLabel('Recovery phrase').fill(newAccount().phrase)
    await form.getByRole('button', { name: 'Revoke', exact: true }).click()
    await settings.getByRole('alert').first().waitFor({ timeout: 15_000 })
    expect((await api.devices()).devices.map((device) => device.name)).toContain('tablet')

    await form.getByLabel('Recovery phrase').fill(phrase)
    await form.getByRole('button', { name: 'Revoke', exact: true }).click()
    await settings
      .getByTestId('devices-status')
      .filter({ hasText: 'Revoked tablet' })
      .waitFor({ timeout: 15_000 })
    expect(await list.getByRole('listitem').count()).toBe(1)
    const devices = await api.devices()
    expect(devices.version).toBe(3)
    expect(devices.devices.map((device) => device.name)).not.toContain('tablet')
  })
})
