/**
 * The web client's address survives a node restart: the node keeps its API port and token in
 * the data dir, an open tab waits through the stop and reconnects by itself (to the unlock
 * screen, as the restarted node waits to be unlocked), a bookmark of the bare address opens
 * the client, and `tokenim api token --rotate` makes the old token fail at once.
 */
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { type Browser, launchChromium } from './chromium.ts'
import { startWebNode, stopWebNode, type WebNode } from './node-process.ts'
import { createIdentity, LIVE_MS, PASSWORD, waitForShell } from './process-person.ts'
import { expectText } from './ui-expect.ts'

describe('web client: a stable address across node restarts', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>
  let browser: Browser
  let node: WebNode | undefined

  beforeAll(async () => {
    dir = await makeTempDir()
    browser = await launchChromium()
  })
  afterAll(async () => {
    node?.child.kill('SIGKILL')
    await browser?.close()
    await dir?.remove()
  })

  it('keeps port and token; the open tab reconnects without a reload; a bookmark works', async () => {
    const dataDir = dir.path
    node = await startWebNode(dataDir)
    const firstUrl = node.url
    const page = await browser.context.newPage()
    page.setDefaultTimeout(LIVE_MS)
    await page.goto(firstUrl)
    await createIdentity(page)
    // Survives only as long as the document does: a reload would lose it.
    await page.evaluate(() => {
      ;(window as unknown as { sameDocument: boolean }).sameDocument = true
    })
    expect((await stat(join(dataDir, 'api-access.json'))).mode & 0o777).toBe(0o600)

    await stopWebNode(dataDir, node)
    await expectText(page.locator('.banner'), /reconnects by itself/, LIVE_MS)

    node = await startWebNode(dataDir)
    expect(node.url).toBe(firstUrl)
    await page.getByRole('heading', { name: 'Unlock TokenIM' }).waitFor()
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await page.getByRole('button', { name: 'Unlock', exact: true }).click()
    await waitForShell(page)
    expect(
      await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
    ).toBe(true)

    // A bookmark of the bare address: the token comes from the browser's storage.
    const bookmark = await browser.context.newPage()
    await bookmark.goto(new URL(firstUrl).origin)
    await waitForShell(bookmark)
    await bookmark.close()
  })

  it('a rotated token is refused at once, and kept for the next start', async () => {
    const dataDir = dir.path
    const oldToken = node!.token
    const origin = new URL(node!.url).origin
    const stateWith = (token: string) =>
      fetch(`${origin}/v1/state`, { headers: { authorization: `Bearer ${token}` } })
    const rotate = await runCli(['api', 'token', '--rotate', '--json', '--data-dir', dataDir])
    expect(rotate.code, rotate.stderr).toBe(0)
    const rotated = JSON.parse(rotate.stdout) as { webUrl: string; running: boolean }
    expect(rotated.running).toBe(true)
    const newToken = new URL(rotated.webUrl).hash.replace('#token=', '')
    // The running node, without a restart.
    expect((await stateWith(oldToken)).status).toBe(401)
    expect((await stateWith(newToken)).status).toBe(200)

    // tokenim stop reads the new token from api.json; the next start keeps it.
    await stopWebNode(dataDir, node!)
    node = await startWebNode(dataDir)
    expect(node.url).toBe(rotated.webUrl)
    expect((await stateWith(oldToken)).status).toBe(401)
  })

  it('Settings replaces the token: this tab keeps working, the old token is refused', async () => {
    const oldToken = node!.token
    const page = await browser.context.newPage()
    page.setDefaultTimeout(LIVE_MS)
    await page.goto(node!.url)
    await page.getByRole('heading', { name: 'Unlock TokenIM' }).waitFor()
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await page.getByRole('button', { name: 'Unlock', exact: true }).click()
    await waitForShell(page)
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: 'Settings' })
      .click()
    const reloaded = page.waitForEvent('load')
    await page.getByRole('button', { name: 'Replace the access token' }).click()
    await reloaded
    await waitForShell(page)
    const kept = await page.evaluate(() => Object.values(localStorage))
    expect(kept).not.toContain(oldToken)
    const origin = new URL(node!.url).origin
    const refused = await fetch(`${origin}/v1/state`, {
      headers: { authorization: `Bearer ${oldToken}` },
    })
    expect(refused.status).toBe(401)
    await page.close()
  })
})
