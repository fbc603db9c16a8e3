import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { inTerminal, runCli } from '../helpers/cli.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { withTimeout } from '../helpers/wait.ts'

const PASSWORD = { TOKENIM_PASSWORD: 'correct horse battery staple 42' }

describe('tokenim start on a fresh data dir, and --detach', () => {
  const dirs: Array<{ remove(): Promise<void> }> = []
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await dir.remove()
  })

  it('without a terminal or password, names the variable to set and creates nothing', async () => {
    const dir = await makeTempDir()
    dirs.push(dir)
    const result = await runCli(['start', '--data-dir', dir.path], { TOKENIM_PASSWORD: '' })
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('TOKENIM_PASSWORD')
    expect(result.stderr).toContain('tokenim init')
    const id = await runCli(['id', '--data-dir', dir.path])
    expect(id.stderr).toContain('KeystoreMissingError')
  })

  it('--web in a terminal (npm start) asks no password: it prints the web address and waits', async () => {
    const dir = await makeTempDir()
    dirs.push(dir)
    const node = inTerminal(['start', '--web', '--data-dir', dir.path, '--api-port', '0'])
    try {
      await node.waitFor('Press Ctrl+C to stop.')
      expect(node.output()).toContain('create or restore one in the web client')
      expect(node.output()).toMatch(/web client {2}http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}/)
      expect(node.output()).not.toMatch(/password:/i)
      // The waiting node holds the data dir: a second start names it, without asking anything.
      const address = /web client {2}(http:\/\/127\.0\.0\.1:\d+\/)/.exec(node.output())![1]
      const second = await runCli(['start', '--web', '--data-dir', dir.path], {
        TOKENIM_PASSWORD: '',
      })
      expect(second.code).not.toBe(0)
      expect(second.stderr).toContain('DataDirLockedError')
      expect(second.stderr).toContain(`waiting for the web client at ${address}`)
      // tokenim stop reaches it where it waits (it has no api.json before an identity runs).
      const stop = await runCli(['stop', '--data-dir', dir.path])
      expect(stop.code, stop.stderr).toBe(0)
      expect(await withTimeout(node.exited, 15_000, 'node exit')).toBe(0)
    } finally {
      node.kill()
    }
  })

  it('refuses a weak password at creation with the reason', async () => {
    const dir = await makeTempDir()
    dirs.push(dir)
    const result = await runCli(['init', '--data-dir', dir.path], { TOKENIM_PASSWORD: 'password' })
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('WeakPasswordError')
  })

  it('--detach returns once the node answers, keeps the API token out of node.log, and stop ends it', async () => {
    const dir = await makeTempDir()
    dirs.push(dir)
    expect((await runCli(['init', '--data-dir', dir.path], PASSWORD)).code).toBe(0)
    const started = await runCli(
      ['start', '--detach', '--json', '--data-dir', dir.path, '--listen', '/ip4/127.0.0.1/tcp/0'],
      PASSWORD,
    )
    expect(started.code, started.stderr).toBe(0)
    const status = JSON.parse(started.stdout) as { peerId: string }
    const id = JSON.parse((await runCli(['id', '--json', '--data-dir', dir.path])).stdout)
    expect(status.peerId).toBe(id.peerId)
    const { token } = JSON.parse(await readFile(join(dir.path, 'api.json'), 'utf8'))
    expect((await runCli(['stop', '--data-dir', dir.path])).code).toBe(0)
    const log = await readFile(join(dir.path, 'node.log'), 'utf8')
    expect(log).toContain(`TokenIM node ${status.peerId} is running`)
    expect(token).toMatch(/^[0-9a-f]{64}$/)
    expect(log).not.toContain(token)
  })

  it('--detach shows why the node could not start, not only where its log is', async () => {
    const dir = await makeTempDir()
    dirs.push(dir)
    expect((await runCli(['init', '--data-dir', dir.path], PASSWORD)).code).toBe(0)
    const started = await runCli(['start', '--detach', '--data-dir', dir.path], {
      TOKENIM_PASSWORD: 'not the password of this identity',
    })
    expect(started.code).not.toBe(0)
    expect(started.stderr).toContain('the node exited at start-up')
    expect(started.stderr).toMatch(/WrongPassword|wrong password/i)
  })

  it('refuses a data dir in a newer format with its own exit code, foreground and --detach', async () => {
    const dir = await makeTempDir()
    dirs.push(dir)
    expect((await runCli(['init', '--data-dir', dir.path], PASSWORD)).code).toBe(0)
    await writeFile(join(dir.path, 'format.json'), '{"format":99,"writtenBy":"9.1.0"}\n')

    const foreground = await runCli(['start', '--json', '--data-dir', dir.path], PASSWORD)
    expect(foreground.code, foreground.stderr).toBe(65)
    const { error } = JSON.parse(foreground.stderr.trim().split('\n').at(-1)!)
    expect(error.name).toBe('DataFormatTooNewError')
    expect(error.message).toContain('format 99, written by tokenim 9.1.0')
    const detached = await runCli(['start', '--detach', '--data-dir', dir.path], PASSWORD)
    expect(detached.code, detached.stderr).toBe(65)
    expect(detached.stderr).toContain('DataFormatTooNewError')
  })
})
