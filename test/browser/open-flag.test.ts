/**
 * `tokenim start --web --open` hands the web client's address, token fragment included, to
 * the desktop's opener (xdg-open here), and the plain `tokenim start` without a password
 * still stops with an error that says what to do.
 */
import { chmod, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli, spawnCli } from '../helpers/cli.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { waitForFile, withTimeout } from '../helpers/wait.ts'

describe('tokenim start --web --open', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('opens the printed address, token fragment included, in the browser', async () => {
    const dir = await makeTempDir()
    cleanups.push(() => dir.remove())
    // A stand-in for xdg-open that records what it was asked to open.
    const opened = join(dir.path, 'opened.txt')
    await writeFile(
      join(dir.path, 'xdg-open'),
      `#!/bin/sh\nprintf '%s' "$1" > '${opened}.part' && mv '${opened}.part' '${opened}'\n`,
    )
    await chmod(join(dir.path, 'xdg-open'), 0o755)
    const openedUrl = waitForFile(opened)
    const node = await spawnCli(
      [
        'start',
        '--web',
        '--open',
        '--data-dir',
        join(dir.path, 'data'),
        '--listen',
        '/ip4/127.0.0.1/tcp/0',
      ],
      'Press Ctrl+C to stop.',
      { TOKENIM_PASSWORD: '', PATH: `${dir.path}:${process.env.PATH}` },
    )
    cleanups.push(async () => {
      node.child.kill('SIGKILL')
    })
    const printed = /web client\s+(\S+)/.exec(node.output())?.[1]
    expect(printed).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}$/)
    expect(node.output()).toContain('create or restore one in the web client')
    expect(await openedUrl).toBe(printed)
    node.child.kill('SIGTERM')
    expect(await withTimeout(node.exited, 15_000, 'node exit'), node.output()).toBe(0)
  })

  it('without --web and without a password, refuses with the options to use', async () => {
    const dir = await makeTempDir()
    cleanups.push(() => dir.remove())
    const result = await runCli(['start', '--data-dir', dir.path], { TOKENIM_PASSWORD: '' })
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('--web')
    expect(result.stderr).toContain('TOKENIM_PASSWORD')
  })
})
