/**
 * Linking a device in the browser, two daemons in this process: Settings, Devices, "Link a
 * device" on the existing one shows the one-time code as a QR code and text; the new one's
 * first-run screen takes the code ("Link to an existing account"); both pages show the same
 * digits and emoji, the person confirms on both, the new device runs, and the account lists
 * two devices; the new one gets the existing one's history (all, as the first-run screen
 * chose) and its Settings show it done. Then Settings revokes it (password): the list loses it, and the new device's
 * page says it was revoked.
 */
import { randomBytes } from 'node:crypto'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LocalApiClient } from '../../client/api-client.ts'
import { generateIdentity } from '../../node/identity/index.ts'
import { startApiDaemon } from '../helpers/api-daemon.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import type { Browser } from './chromium.ts'
import { openSettings, type SettingsPage } from './settings-page.ts'

const PASSWORD = 'correct horse battery staple 42'
const NEW_PASSWORD = 'violet lantern under rain 7'
const HISTORY = 30

describe('web client: linking a device', () => {
  const cleanups: Array<() => Promise<void>> = []
  let browser: Browser
  let existing: Page
  let api: LocalApiClient
  let fresh: Page
  let existingDaemon: SettingsPage['daemon']
  let freshDaemon: SettingsPage['daemon']

  beforeAll(async () => {
    ;({
      browser,
      page: existing,
      api,
      daemon: existingDaemon,
    } = await openSettings(cleanups, PASSWORD))
  })
  afterAll(async () => {
    await browser?.close()
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  it('shows a QR code, takes the code on a first run, and links after both confirm the same SAS', async () => {
    const link = existing.getByRole('region', { name: 'Link a device' })
    await link.getByLabel('Password').fill(PASSWORD)
    await link.getByRole('button', { name: 'Show a link code' }).click()
    await link.getByTestId('qr-code').waitFor({ timeout: 15_000 })
    const code = await link.getByTestId('link-code').inputValue()
    expect(code).toMatch(/^tokenim-link:/)

    // History to hand over: 30 texts with someone, stored on the existing device.
    await existingDaemon.node!.messages.pipeline.importHistory(
      generateIdentity().publicKey,
      Array.from({ length: HISTORY }, (_, i) => ({
        record: {
          id: randomBytes(16).toString('hex'),
          direction: i % 2 === 0 ? ('in' as const) : ('out' as const),
          ...(i % 2 === 0
            ? {}
            : { sentFrom: Buffer.from(existingDaemon.node!.devices.thisDevice).toString('hex') }),
          seq: i + 1,
          text: `earlier ${HISTORY - i}`,
          sentAt: Date.now() - i * 1000,
          storedAt: Date.now() - i * 1000,
        },
        unread: false,
      })),
    )

    const dir = await makeTempDir('tokenim-browser-new-device-')
    cleanups.push(() => dir.remove())
    const { daemon } = await startApiDaemon(dir.path, cleanups, { web: true })
    freshDaemon = daemon
    fresh = await browser.context.newPage()
    await fresh.goto(daemon.api.webUrl)
    await fresh.getByRole('button', { name: 'Link to an existing account' }).click()
    await fresh.getByLabel('Link code').fill(code)
    await fresh.getByLabel("This device's name").fill('phone')
    // How much history to get: all of it unless the person chooses less.
    expect(
      await fresh.getByLabel('Messages from before (from the other device)').inputValue(),
    ).toBe('all')
    await fresh.getByLabel('Password for this device').fill(NEW_PASSWORD)
    await fresh.getByLabel('Repeat the password').fill(NEW_PASSWORD)
    await fresh.getByRole('button', { name: 'Link this device' }).click()

    const newSas = fresh.getByTestId('link-sas')
    await newSas.waitFor({ timeout: 20_000 })
    const oldSas = link.getByTestId('link-sas')
    await oldSas.waitFor({ timeout: 20_000 })
    expect(await oldSas.innerText()).toBe(await newSas.innerText())
    expect(await oldSas.innerText()).toMatch(/\d{6}/)

    await link.getByRole('button', { name: 'They match' }).click()
    await fresh.getByRole('button', { name: 'They match' }).click()
    await link.getByText('Linked "phone"').waitFor({ timeout: 20_000 })
    await fresh.getByRole('navigation', { name: 'Sections' }).waitFor({ timeout: 20_000 })

    const devices = await api.devices()
    expect(devices.version).toBe(2)
    expect(devices.devices.map((device) => device.name)).toContain('phone')
    expect(daemon.node?.devices.linked).toBe(true)
  })

  it('the new device gets the history chosen on its first run, and Settings shows how far it got', async () => {
    await fresh
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: 'Settings' })
      .click()
    const history = fresh.getByRole('region', { name: 'History from your other devices' })
    await history
      .getByRole('status')
      .filter({ hasText: `${HISTORY} messages.` })
      .waitFor({ timeout: 30_000 })
    expect(await history.getByRole('status').getAttribute('data-history-state')).toBe('done')
    const inbox = await freshDaemon.node!.messages.inbox()
    expect(inbox).toHaveLength(1)
    const page = await freshDaemon.node!.messages.history(inbox[0]!.peerId, { limit: 100 })
    expect(page.messages.map((message) => message.text)).toEqual(
      Array.from({ length: HISTORY }, (_, i) => `earlier ${i + 1}`),
    )
  })

  it('revokes the linked device from Settings with the password; the revoked page says so', async () => {
    const settings = existing.getByRole('region', { name: 'Settings' })
    const list = settings.getByRole('list', { name: 'Your devices' })
    await list.getByText('phone').waitFor({ timeout: 15_000 })
    // Neither this device nor the first one has a revoke button: here they are one device.
    expect(await list.getByRole('button', { name: /^Revoke / }).count()).toBe(1)
    await list.getByRole('button', { name: 'Revoke phone' }).click()
    const form = settings.getByRole('form', { name: 'Revoke phone' })
    await form.getByLabel('Password').fill('not the password')
    await form.getByRole('button', { name: 'Revoke' }).click()
    await settings.getByRole('alert').first().waitFor({ timeout: 15_000 })
    expect((await api.devices()).devices.map((device) => device.name)).toContain('phone')

    await form.getByLabel('Password').fill(PASSWORD)
    await form.getByRole('button', { name: 'Revoke' }).click()
    await settings
      .getByTestId('devices-status')
      .filter({ hasText: 'Revoked phone' })
      .waitFor({ timeout: 15_000 })
    expect(await list.getByRole('listitem').count()).toBe(1)
    const devices = await api.devices()
    expect(devices.version).toBe(3)
    expect(devices.devices.map((device) => device.name)).not.toContain('phone')
    // Here the two nodes share no relay, so the list cannot travel as the integration tests
    // show it does (devices-sync.test.ts): it is handed to the revoked node as it arrives.
    const existingNode = existingDaemon.node!
    await freshDaemon.node!.devices.receiveOwn(
      existingNode.devices.thisDevice,
      existingNode.devices.ownRecord(),
    )
    await fresh.getByText('This device was revoked.').waitFor({ timeout: 15_000 })
  })
})
