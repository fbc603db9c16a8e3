/**
 * The web client's first run against a real node started with `tokenim start --web` and no
 * password: create the identity in the browser, see the backup phrase once and confirm it,
 * reach the main shell; then restart the node and unlock it, past a wrong password.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { type Browser, launchChromium } from './chromium.ts'
import {
  loggedUrls,
  peerIdOf,
  recordRequests,
  startWebNode,
  stopWebNode,
  type WebNode,
} from './node-process.ts'
import { typeBackWords, waitForShell } from './process-person.ts'
import { saveScreenshot } from './screenshots.ts'
import { expectText, UI_MS } from './ui-expect.ts'

const PASSWORD = 'correct horse battery staple 42'

describe('web client: first run, restart and unlock', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>
  let browser: Browser
  const nodes: WebNode[] = []
  const browserUrls: string[] = []

  beforeAll(async () => {
    dir = await makeTempDir()
    browser = await launchChromium()
  })
  afterAll(async () => {
    for (const node of nodes) node.child.kill('SIGKILL')
    await browser?.close()
    await dir?.remove()
  })

  async function open(node: WebNode): Promise<Page> {
    const page = await browser.context.newPage()
    recordRequests(page, browserUrls)
    await page.goto(node.url)
    return page
  }

  it('creates an identity, shows the phrase once, confirms it and opens the shell', async () => {
    const node = await startWebNode(dir.path)
    nodes.push(node)
    const page = await open(node)
    await page.getByRole('heading', { name: 'Welcome to TokenIM' }).waitFor()
    // The token left the address bar for localStorage, where a bookmark of the bare address finds it.
    expect(page.url()).not.toContain('token')
    expect(await page.evaluate(() => Object.values(localStorage))).toContain(node.token)
    await saveScreenshot(page, 'first-run')

    await page.getByRole('button', { name: 'Create a new identity' }).click()
    const password = page.getByLabel('Password', { exact: true })
    await password.fill('password123')
    await expectText(page.getByTestId('password-strength'), /Too weak/, UI_MS)
    await password.fill(PASSWORD)
    await expectText(page.getByTestId('password-strength'), 'Strong', UI_MS)
    await page.getByLabel('Repeat the password').fill(PASSWORD)
    await saveScreenshot(page, 'create-identity')
    await page.getByRole('button', { name: 'Create identity' }).click()

    await page.getByRole('heading', { name: 'Write down your backup phrase' }).waitFor()
    const words = await page.getByTestId('backup-phrase').locator('.phrase-word').allTextContents()
    expect(words).toHaveLength(24)
    await saveScreenshot(page, 'backup-phrase')
    await page.getByRole('button', { name: 'I have written them down' }).click()

    await page.getByRole('heading', { name: 'Check your copy' }).waitFor()
    const asked = await page.locator('form label').allTextContents()
    expect(asked).toHaveLength(3)
    const positions = asked.map((label) => Number(label.replace('Word ', '')) - 1)
    const firstField = page.getByLabel(asked[0], { exact: true })
    await firstField.fill('notaword')
    for (const [i, label] of asked.entries()) {
      if (i > 0) await page.getByLabel(label, { exact: true }).fill(words[positions[i]])
    }
    await page.getByRole('button', { name: 'Confirm' }).click()
    await expectText(page.getByRole('alert'), /does not match/, UI_MS)
    await firstField.fill(` ${words[positions[0]].toUpperCase()} `)
    await page.getByRole('button', { name: 'Confirm' }).click()

    const peerId = await peerIdOf(dir.path)
    await expectText(page.getByTestId('peer-id'), peerId, 15_000)
    expect(await page.getByTestId('fingerprint').textContent()).toMatch(/^[0-9 ]+$/)
    // The event stream is open: the status line says the node is reachable.
    await expectText(page.getByTestId('connection-status'), /Connected to your node|Online/, 10_000)
    expect(browserUrls.some((url) => url.endsWith('/v1/events'))).toBe(true)
    // A compact header: one line, the peer id and fingerprint folded under 'You'.
    const header = page.getByRole('banner')
    expect(await page.getByTestId('peer-id').isVisible()).toBe(false)
    await saveScreenshot(page, 'main-shell')
    await page.setViewportSize({ width: 390, height: 844 })
    // One row (the peer id and fingerprint took three more, 180 px, before).
    expect((await header.boundingBox())?.height).toBeLessThan(80)
    await saveScreenshot(page, 'main-shell-phone')
    await header.getByText('You', { exact: true }).click()
    await page.getByTestId('peer-id').waitFor()
    await page.close()
    await stopWebNode(dir.path, node)
  })

  it('cannot skip the phrase check: a tab closed on the words leaves no identity, and the same words come back', async () => {
    const other = await makeTempDir()
    let node: WebNode | undefined
    try {
      node = await startWebNode(other.path)
      const first = await browser.context.newPage()
      await first.goto(node.url)
      const words = await showNewPhrase(first)
      await first.close()
      // Nothing was created: the node still waits for an identity.
      const id = await runCli(['id', '--data-dir', other.path])
      expect(id.stderr).toContain('KeystoreMissingError')

      const again = await browser.context.newPage()
      await again.goto(node.url.split('#')[0])
      await expectText(again.getByTestId('phrase-pending'), /not created yet/, UI_MS)
      expect(await showNewPhrase(again)).toEqual(words)
      await typeBackWords(again, words)
      // The shell shows once the node runs on the identity it wrote; only then can `id` read it.
      await waitForShell(again, 15_000)
      await expectText(again.getByTestId('peer-id'), await peerIdOf(other.path), UI_MS)
      await again.close()
      await stopWebNode(other.path, node)
    } finally {
      // Stopped above; killed here when the test failed before that.
      node?.child.kill('SIGKILL')
      await other.remove()
    }
  })

  it('after a restart, shows a wrong password as an error and unlocks with the right one', async () => {
    const node = await startWebNode(dir.path)
    nodes.push(node)
    const page = await open(node)
    await page.getByRole('heading', { name: 'Unlock TokenIM' }).waitFor()
    await page.getByLabel('Password', { exact: true }).fill('not the right password')
    await page.getByRole('button', { name: 'Unlock', exact: true }).click()
    await expectText(page.getByRole('alert'), /Wrong password/, 10_000)
    await saveScreenshot(page, 'unlock-wrong-password')

    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await page.getByRole('button', { name: 'Unlock', exact: true }).click()
    const peerId = await peerIdOf(dir.path)
    await expectText(page.getByTestId('peer-id'), peerId, 15_000)
    await page.close()
    await stopWebNode(dir.path, node)
  })

  it('never put the token in a URL, as the node and the browser saw them', async () => {
    const logged = await loggedUrls(dir.path)
    expect(logged).toContain('/v1/unlock')
    expect(logged).toContain('/v1/events')
    expect(browserUrls.length).toBeGreaterThan(5)
    expect(nodes).toHaveLength(2)
    for (const { token } of nodes) {
      expect(logged.filter((url) => url.includes(token))).toEqual([])
      expect(browserUrls.filter((url) => url.includes(token))).toEqual([])
    }
  })
})

/** From the welcome screen to the new identity's words, which it returns. */
async function showNewPhrase(page: Page): Promise<string[]> {
  await page.getByRole('button', { name: 'Create a new identity' }).click()
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await page.getByLabel('Repeat the password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Create identity' }).click()
  await page.getByRole('heading', { name: 'Write down your backup phrase' }).waitFor()
  return page.getByTestId('backup-phrase').locator('.phrase-word').allTextContents()
}
