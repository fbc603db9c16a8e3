/**
 * The web client's recovery phrase section, against a daemon and node in this process: an
 * account from before recovery phrases says it has none, shows a new phrase once, takes it
 * typed back and then says it has one; recovering with the phrase moves the account to a
 * new key. Needs `npm run build` first.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backupPhraseOf, generateIdentity, peerIdOf } from '../../node/index.ts'
import type { Browser } from './chromium.ts'
import { openSettings } from './settings-page.ts'

const PASSWORD = 'correct horse battery staple 42'
const SLOW_MS = 15_000

describe('web client: recovery phrase settings', () => {
  const cleanups: Array<() => Promise<void>> = []
  let browser: Browser
  let page: Page
  let api: Awaited<ReturnType<typeof openSettings>>['api']
  const older = generateIdentity()

  beforeAll(async () => {
    ;({ browser, page, api } = await openSettings(cleanups, PASSWORD, backupPhraseOf(older)))
  })
  afterAll(async () => {
    await browser?.close()
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  it('sets up a recovery phrase typed back, then recovers the account with it', async () => {
    const settings = page.getByRole('region', { name: 'Settings' })
    await settings
      .getByText('Your account has no recovery phrase yet')
      .waitFor({ timeout: SLOW_MS })
    const setUp = settings.getByRole('form', { name: 'Set up a recovery phrase' })
    await setUp.getByLabel('Password').fill(PASSWORD)
    await setUp.getByRole('button', { name: 'Show a recovery phrase' }).click()
    const shown = settings.getByTestId('settings-recovery-phrase')
    await shown.waitFor({ timeout: SLOW_MS })
    const phrase = (await shown.textContent())?.trim() ?? ''
    expect(phrase.split(' ')).toHaveLength(24)
    const confirm = settings.getByRole('form', { name: 'Confirm the recovery phrase' })
    await confirm.getByLabel('Type the recovery phrase back').fill(phrase)
    await confirm.getByRole('button', { name: 'Confirm' }).click()
    await settings
      .getByText('Your account has a recovery phrase')
      .first()
      .waitFor({ timeout: SLOW_MS })
    expect(await api.recoveryStatus()).toEqual({ committed: true, recoveries: 0 })

    const recover = settings.getByRole('form', { name: 'Recover your account' })
    await recover.getByLabel('Recovery phrase').fill(phrase)
    await recover.getByLabel('Password').fill(PASSWORD)
    await recover.getByRole('button', { name: 'Recover' }).click()
    await settings.getByText('Your account is back under a new key').waitFor({ timeout: SLOW_MS })
    expect(await api.recoveryStatus()).toEqual({ committed: true, recoveries: 1 })
    const { peerId } = await api.request<{ peerId: string }>('GET', '/v1/id')
    expect(peerId).not.toBe(peerIdOf(older).toString())
  }, 90_000)
})
