/**
 * Where browser tests put screenshots: doc/screenshots when TOKENIM_SCREENSHOTS=1 (to refresh
 * the committed ones), else a temp folder, so a plain `npm test` leaves the tree unchanged.
 */
import { mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'

const DOC_DIR = fileURLToPath(new URL('../../doc/screenshots/', import.meta.url))

export function screenshotDir(): string {
  return process.env.TOKENIM_SCREENSHOTS === '1' ? DOC_DIR : join(tmpdir(), 'tokenim-screenshots')
}

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const dir = screenshotDir()
  await mkdir(dir, { recursive: true })
  const path = join(dir, `${name}.png`)
  await page.screenshot({ path, fullPage: false })
  return path
}
