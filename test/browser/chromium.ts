/**
 * Debian's Chromium driven by playwright-core (no browser can be downloaded here), with the
 * flags that keep it from reaching for the network, in a fresh profile each time.
 */
import { type BrowserContext, chromium } from 'playwright-core'
import { makeTempDir } from '../helpers/temp-dir.ts'

export const CHROMIUM_PATH = process.env.TOKENIM_CHROMIUM ?? '/usr/bin/chromium'

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface Browser {
  context: BrowserContext
  close(): Promise<void>
}

/**
 * A browser with a fresh --user-data-dir (Playwright passes the folder as that flag);
 * `locale` sets the browser's language (navigator.languages), English by default; `args` are
 * more flags (a fake microphone, say); `executablePath` another way to start Chromium (a
 * script that runs it inside a network namespace, say).
 */
export async function launchChromium(
  options: { locale?: string; args?: string[]; executablePath?: string } = {},
): Promise<Browser> {
  const profile = await makeTempDir('tokenim-chromium-')
  const context = await chromium.launchPersistentContext(profile.path, {
    executablePath: options.executablePath ?? CHROMIUM_PATH,
    headless: true,
    args: [...FLAGS, ...(options.args ?? [])],
    viewport: { width: 1280, height: 800 },
    locale: options.locale,
  })
  return {
    context,
    close: async () => {
      await context.close()
      await profile.remove()
    },
  }
}
