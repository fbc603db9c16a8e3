/**
 * The web client against a real node process started with `tokenim start --web` and no
 * password: first run in the browser (create, backup phrase, confirmation), the main shell,
 * then a restart, wrong passwords up to the lockout, and the unlock.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, spawnCli } from '../helpers/cli.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { withTimeout } from '../helpers/wait.ts'
import { type Browser, launchChromium } from './chromium.ts'
import { saveScreenshot } from './screenshots.ts'

const PASSWORD = 'correct horse battery staple 42'
const NO_PASSWORD = { TOKENIM_PASSWORD: '' }

type RunningNode = Awaited<ReturnType<typeof startLocked>>

async function startLocked(dataDir: string) {
  const node = await spawnCli(
    [
      'start',
      '--web',
      '--data-dir',
      dataDir,
      '--listen',
      '/ip4/127.0.0.1/tcp/0',
      '--access-log',
      join(dataDir, 'access.log'),
    ],
    'Press Ctrl+C to stop.',
    NO_PASSWORD,
  )
  const url = /web client\s+(http:\/\/127\.0\.0\.1:\d+\/#token=([0-9a-f]+))/.exec(node.output())
  if (url == null) throw new Error(`no web client address printed:\n${node.output()}`)
  return { ...node, url: url[1], token: url[2] }
}

async function stopNode(dataDir: string, node: RunningNode): Promise<void> {
  const stop = await runCli(['stop', '--data-dir', dataDir])
  expect(stop.code, stop.stderr).toBe(0)
  expect(await withTimeout(node.exited, 15_000, 'node exit')).toBe(0)
}

/** Adds every URL the page asks for, WebSockets included, to `urls`. */
function recordRequests(page: Page, urls: string[]): void {
  page.on('request', (request) => urls.push(request.url()))
  page.on('websocket', (socket) => urls.push(socket.url()))
}

describe('web client', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>
  let browser: Browser
  const children: RunningNode[] = []
  const tokens: string[] = []
  const browserUrls: string[] = []

  beforeAll(async () => {
    dir = await makeTempDir()
    browser = await launchChromium()
  })
  afterAll(async () => {
    for (const child of children) child.child.kill('SIGKILL')
    await browser?.close()
    await dir?.remove()
  })

  it('creates an identity on first run and shows it in the main shell', async () => {
    const node = await startLocked(dir.path)
    children.push(node)
    tokens.push(node.token)
    const page = await browser.context.newPage()
    recordRequests(page, browserUrls)

    await page.goto(node.url)
    await page.getByRole('heading', { name: 'Welcome to TokenIM' }).waitFor()
    // The token left the address bar for sessionStorage.
    expect(page.url()).not.toContain('token')
    expect(await page.evaluate(() => Object.values(sessionStorage))).toContain(node.token)
    await saveScreenshot(page, 'first-run')

    await page.getByRole('button', { name: 'Create a new identity' }).click()
    const password = page.getByLabel('Password', { exact: true })
    await password.fill('password123')
    await expect
      .poll(() => page.getByTestId('password-strength').textContent())
      .toContain('Too weak')
    await password.fill(PASSWORD)
    await expect.poll(() => page.getByTestId('password-strength').textContent()).toBe('Strong')
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
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('does not match')
    await firstField.fill(` ${words[positions[0]].toUpperCase()} `)
    await page.getByRole('button', { name: 'Confirm' }).click()

    const id = await runCli(['id', '--json', '--data-dir', dir.path])
    expect(id.code, id.stderr).toBe(0)
    const { peerId, fingerprint } = JSON.parse(id.stdout) as { peerId: string; fingerprint: string }
    await expect
      .poll(() => page.getByTestId('peer-id').textContent(), { timeout: 15_000 })
      .toBe(peerId)
    expect(await page.getByTestId('fingerprint').textContent()).toBe(fingerprint)
    // The event stream is open: the status line says the node is reachable.
    await expect
      .poll(() => page.getByTestId('connection-status').textContent(), { timeout: 10_000 })
      .toMatch(/Connected to your node|Online/)
    await saveScreenshot(page, 'main-shell')
    await page.setViewportSize({ width: 390, height: 844 })
    await saveScreenshot(page, 'main-shell-phone')

    expect(browserUrls.some((url) => url.endsWith('/v1/events'))).toBe(true)
    await page.close()
    await stopNode(dir.path, node)
  })

  it('after a restart, refuses a wrong password, locks out, then unlocks', async () => {
    const node = await startLocked(dir.path)
    children.push(node)
    tokens.push(node.token)
    const page = await browser.context.newPage()
    recordRequests(page, browserUrls)
    await page.goto(node.url)
    await page.getByRole('heading', { name: 'Unlock TokenIM' }).waitFor()

    const password = page.getByLabel('Password', { exact: true })
    // The submit button; its label reads "Unlocking…" while a try is under way.
    const unlock = page.locator('form button[type=submit]')
    await password.fill('not the right password')
    await unlock.click()
    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: 10_000 })
      .toContain('Wrong password')
    await saveScreenshot(page, 'unlock-wrong-password')

    // Wrong passwords until the node's lockout answers 429: the page counts down.
    for (let attempt = 0; attempt < 10; attempt++) {
      if (await page.getByTestId('lockout').isVisible()) break
      await password.fill(`wrong password number ${attempt}`)
      await unlock.click()
      await expect
        .poll(
          async () => (await unlock.isEnabled()) || (await page.getByTestId('lockout').isVisible()),
          { timeout: 10_000 },
        )
        .toBe(true)
    }
    await expect
      .poll(() => page.getByTestId('lockout').textContent())
      .toMatch(/try again in \d+:\d\d/)
    expect(await unlock.isDisabled()).toBe(true)
    await saveScreenshot(page, 'unlock-lockout')

    // The countdown ends, the button comes back, the right password opens the shell.
    await expect.poll(() => unlock.isEnabled(), { timeout: 30_000 }).toBe(true)
    await password.fill(PASSWORD)
    await unlock.click()
    const { peerId } = JSON.parse(
      (await runCli(['id', '--json', '--data-dir', dir.path])).stdout,
    ) as { peerId: string }
    await expect
      .poll(() => page.getByTestId('peer-id').textContent(), { timeout: 15_000 })
      .toBe(peerId)
    await page.close()
    await stopNode(dir.path, node)
  })

  it('never sent the token in a URL, as the node and the browser saw them', async () => {
    const log = (await readFile(join(dir.path, 'access.log'), 'utf8')).trim().split('\n')
    const entries = log.map((line) => JSON.parse(line) as { method: string; url: string })
    expect(entries.some((entry) => entry.url === '/v1/unlock')).toBe(true)
    expect(entries.some((entry) => entry.url === '/v1/events')).toBe(true)
    expect(tokens).toHaveLength(2)
    expect(browserUrls.length).toBeGreaterThan(5)
    for (const token of tokens) {
      expect(entries.filter((entry) => entry.url.includes(token))).toEqual([])
      expect(browserUrls.filter((url) => url.includes(token))).toEqual([])
    }
  })
})
