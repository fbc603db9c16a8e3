/** `tokenim start --open`: hands the web client's address to the desktop's browser, best effort. */
import { spawn } from 'node:child_process'
import { t } from './i18n/i18n.ts'

export function openInBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : 'xdg-open'
  const child = spawn(command, [url], { detached: true, stdio: 'ignore' })
  child.once('error', () => {
    process.stderr.write(`${t('start.noBrowser', { command })}\n`)
  })
  child.unref()
}
