/**
 * Unlocking in the web client an identity made with `tokenim init`: wrong passwords up to the
 * node's lockout (the page counts down and holds the button), then the right one; and the
 * "forgot the password" path, which resets the password with the backup phrase.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { type Browser, launchChromium } from './chromium.ts'
import { interruptWebNode, startWebNode, type WebNode } from './node-process.ts'
import { saveScreenshot } from './screenshots.ts'
import { expectText, UI_MS } from './ui-expect.ts'

const PASSWORD = 'correct horse battery staple 42'
const NEW_PASSWORD = 'seven purple otters juggle quietly'

describe('web client: lockout and password reset', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>
  let browser: Browser
  let phrase: string
  let peerId: string
  const nodes: WebNode[] = []

  beforeAll(async () => {
    dir = await makeTempDir()
    const init = await runCli(['init', '--json', '--data-dir', dir.path], {
      TOKENIM_PASSWORD: PASSWORD,
    })
    expect(init.code, init.stderr).toBe(0)
    ;({ backupPhrase: phrase, peerId } = JSON.parse(init.stdout) as {
      backupPhrase: string
      peerId: string
    })
    browser = await launchChromium()
  })
  afterAll(async () => {
    for (const node of nodes) node.child.kill('SIGKILL')
    await browser?.close()
    await dir?.remove()
  })

  it('counts the lockout down, holds the button, then unlocks', async () => {
    const node = await startWebNode(dir.path)
    nodes.push(node)
    const page = await browser.context.newPage()
    await page.goto(node.url)
    await page.getByRole('heading', { name: 'Unlock TokenIM' }).waitFor()
    const password = page.getByLabel('Password', { exact: true })
    // The submit button; its label reads "Unlocking…" while a try is under way.
    const unlock = page.locator('form button[type=submit]')
    const unlockEnabled = page.locator('form button[type=submit]:enabled')
    const lockout = page.getByTestId('lockout')

    // Wrong passwords until the node answers 429 (after 5 in a row): the page counts down.
    for (let attempt = 0; attempt < 10 && !(await lockout.isVisible()); attempt++) {
      await password.fill(`wrong password number ${attempt}`)
      await unlock.click()
      // Either the answer came (the button is back) or the lockout began; `first()` as both may.
      await unlockEnabled.or(lockout).first().waitFor({ timeout: 10_000 })
      expect((await unlock.isEnabled()) || (await lockout.isVisible())).toBe(true)
    }
    await expectText(lockout, /try again in \d+:\d\d/, UI_MS)
    expect(await unlock.isDisabled()).toBe(true)
    await saveScreenshot(page, 'unlock-lockout')

    // The countdown ends, the button comes back, the right password opens the shell.
    await unlockEnabled.waitFor({ timeout: 30_000 })
    expect(await unlock.isEnabled()).toBe(true)
    await password.fill(PASSWORD)
    await unlock.click()
    await expectText(page.getByTestId('peer-id'), peerId, 15_000)
    await page.close()
    await interruptWebNode(node)
  })

  it('resets a forgotten password with the backup phrase', async () => {
    const node = await startWebNode(dir.path)
    nodes.push(node)
    const page = await browser.context.newPage()
    await page.goto(node.url)
    await page.getByRole('button', { name: 'Forgot the password?' }).click()
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor()
    await page.getByLabel('Backup phrase').fill(phrase.split(' ').slice(0, 23).join(' '))
    await page.getByLabel('New password').fill(NEW_PASSWORD)
    await page.getByLabel('Repeat the password').fill(NEW_PASSWORD)
    await page.getByRole('button', { name: 'Reset password' }).click()
    await expectText(page.getByRole('alert'), /has 23/, UI_MS)

    await page.getByLabel('Backup phrase').fill(`  ${phrase.toUpperCase()}\n`)
    await page.getByRole('button', { name: 'Reset password' }).click()
    await expectText(page.getByTestId('peer-id'), peerId, 15_000)
    await page.close()
    await interruptWebNode(node)

    // The new password is the one the keystore takes now.
    const old = await runCli(
      ['key', 'export', '--out', `${dir.path}/x.key`, '--data-dir', dir.path],
      {
        TOKENIM_PASSWORD: PASSWORD,
      },
    )
    expect(old.stderr).toContain('WrongPasswordError')
  })
})
