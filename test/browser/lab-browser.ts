/**
 * Chromium inside a NAT lab host's network namespace (sim/lab/nat-lab.ts): Playwright starts a
 * small script that runs Debian's Chromium under `ip netns exec`, and drives it over the pipe
 * it was started with, so the browser's every packet leaves from that host (its pages reach the
 * host's own 127.0.0.1, and the rest of the lab only through the host's router).
 */
import { chmod, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { LabHost } from '../../sim/lab/nat-lab.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { type Browser, CHROMIUM_PATH, launchChromium } from './chromium.ts'

/** A Chromium at `host` with more flags `args` (a fake microphone, say). */
export async function launchChromiumAt(host: LabHost, args: string[] = []): Promise<Browser> {
  const dir = await makeTempDir('tokenim-lab-chromium-')
  const script = join(dir.path, 'chromium')
  // exec keeps the pid and the pipe's descriptors Playwright handed to the script.
  await writeFile(script, `#!/bin/sh\nexec ip netns exec ${host.namespace} ${CHROMIUM_PATH} "$@"\n`)
  await chmod(script, 0o755)
  try {
    const browser = await launchChromium({ args, executablePath: script })
    return {
      context: browser.context,
      close: async () => {
        await browser.close()
        await dir.remove()
      },
    }
  } catch (err) {
    await dir.remove()
    throw err
  }
}
