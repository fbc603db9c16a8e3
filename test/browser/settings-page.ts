/**
 * A web client on its Settings screen, against a daemon in this process with a new identity:
 * the browser tests of Settings start here. The caller closes the browser and runs `cleanups`.
 */
import type { Page } from 'playwright-core'
import type { LocalApiClient } from '../../client/api-client.ts'
import { startApiDaemon } from '../helpers/api-daemon.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { type Browser, launchChromium } from './chromium.ts'

export interface SettingsPage {
  /** The daemon serving the page (its node once the identity is made). */
  daemon: Awaited<ReturnType<typeof startApiDaemon>>['daemon']
  browser: Browser
  page: Page
  api: LocalApiClient
  backupPhrase: string
}

export async function openSettings(
  cleanups: Array<() => Promise<void>>,
  password: string,
  /** A key's backup phrase to restore (an account from before recovery phrases). @default a new account */
  restorePhrase?: string,
): Promise<SettingsPage> {
  const dir = await makeTempDir()
  cleanups.push(() => dir.remove())
  const [{ daemon, api }, browser] = await Promise.all([
    startApiDaemon(dir.path, cleanups, { web: true }),
    launchChromium(),
  ])
  let backupPhrase = restorePhrase ?? ''
  if (restorePhrase == null) ({ backupPhrase } = await api.createIdentity({ password }))
  else await api.restoreIdentity({ phrase: restorePhrase, password })
  const page = await browser.context.newPage()
  await page.goto(daemon.api.webUrl)
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('button', { name: 'Settings' })
    .click()
  return { daemon, browser, page, api, backupPhrase }
}
