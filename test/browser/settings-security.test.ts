/**
 * Settings' password change and two-factor checks in the browser, against a node in this
 * process: a wrong current password refused, the new one taking over; enrolment with the QR
 * code and a first code, the recovery codes shown once; the backup phrase then asking for a
 * code, refusing a wrong one and taking a recovery code.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { identityFromBackupPhrase, totpCode, totpSecretFromText } from '../../node/index.ts'
import type { Browser } from './chromium.ts'
import { saveScreenshot } from './screenshots.ts'
import { openSettings } from './settings-page.ts'

const PASSWORD = 'correct horse battery staple 42'
const NEW_PASSWORD = 'seven purple otters juggle quietly'
const SLOW_MS = 15_000

describe('web client: password and two-factor settings', () => {
  const cleanups: Array<() => Promise<void>> = []
  let browser: Browser
  let page: Page
  let backupPhrase: string

  beforeAll(async () => {
    ;({ browser, page, backupPhrase } = await openSettings(cleanups, PASSWORD))
  })
  afterAll(async () => {
    await browser?.close()
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  it('changes the password, then enrols an authenticator and asks it for codes', async () => {
    const settings = page.getByRole('region', { name: 'Settings' })
    const change = settings.getByRole('form', { name: 'Change your password' })
    await change.getByLabel('Current password').fill('not the password')
    await change.getByLabel('New password').fill(NEW_PASSWORD)
    await change.getByLabel('Repeat the password').fill(NEW_PASSWORD)
    await change.getByRole('button', { name: 'Change password' }).click()
    await settings.getByRole('alert').filter({ hasText: 'Wrong password' }).waitFor()
    await change.getByLabel('Current password').fill(PASSWORD)
    await change.getByLabel('New password').fill(NEW_PASSWORD)
    await change.getByLabel('Repeat the password').fill(NEW_PASSWORD)
    await change.getByRole('button', { name: 'Change password' }).click()
    await settings
      .getByTestId('password-change-status')
      .filter({ hasText: 'Password changed' })
      .waitFor({ timeout: SLOW_MS })

    await settings.getByRole('button', { name: 'Set up two-factor checks' }).click()
    const enrol = settings.getByRole('form', { name: 'Turn two-factor checks on' })
    await enrol.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor()
    const secret = totpSecretFromText(await enrol.getByTestId('two-factor-secret').innerText())
    await enrol.getByLabel('Password').fill(NEW_PASSWORD)
    await enrol.getByLabel('Two-factor code').fill(totpCode(secret, Date.now()))
    await enrol.getByRole('button', { name: 'Turn on' }).scrollIntoViewIfNeeded()
    await saveScreenshot(page, 'settings-two-factor')
    await enrol.getByRole('button', { name: 'Turn on' }).click()
    const codes = settings.getByTestId('recovery-codes').getByRole('listitem')
    await codes.nth(9).waitFor({ timeout: SLOW_MS })
    const recoveryCodes = await codes.allTextContents()
    expect(recoveryCodes).toHaveLength(10)
    await settings.getByRole('button', { name: 'I have kept them' }).click()
    await settings
      .getByTestId('two-factor-state')
      .filter({ hasText: '10 recovery codes left' })
      .waitFor()

    // The key phrase (this account's backup phrase is its recovery phrase, never kept) now
    // asks for a code as well.
    const phrase = settings.getByRole('form', { name: 'Show the key phrase' })
    await phrase.getByLabel('Password').fill(NEW_PASSWORD)
    await phrase.getByLabel('Two-factor code').fill('000000')
    await phrase.getByRole('button', { name: 'Show key phrase' }).click()
    await settings.getByRole('alert').filter({ hasText: 'not valid' }).waitFor({ timeout: SLOW_MS })
    await phrase.getByLabel('Password').fill(NEW_PASSWORD)
    await phrase.getByLabel('Two-factor code').fill(recoveryCodes[0])
    await phrase.getByRole('button', { name: 'Show key phrase' }).click()
    const words = settings.getByTestId('settings-key-phrase').getByRole('listitem')
    await words.nth(23).waitFor({ timeout: SLOW_MS })
    // The key's own phrase (the node never keeps init's recovery phrase): it restores the same key.
    expect(identityFromBackupPhrase((await words.allTextContents()).join(' ')).publicKey).toEqual(
      identityFromBackupPhrase(backupPhrase).publicKey,
    )
  })
})
