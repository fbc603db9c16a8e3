import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT_CODES } from '../../client/cli/exit-codes.ts'
import { runCli, spawnCli } from '../helpers/cli.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { withTimeout } from '../helpers/wait.ts'

const PASSWORD = { TOKENIM_PASSWORD: 'correct horse battery staple 42' }

describe('tokenim CLI: init, start, status, id, stop', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>
  beforeAll(async () => {
    dir = await makeTempDir()
  })
  afterAll(() => dir.remove())

  it('says clearly when no node runs on the data dir', async () => {
    const result = await runCli(['status', '--data-dir', dir.path])
    expect(result.code).not.toBe(0)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toContain('NodeNotRunningError')
  })

  it('gives scripts an exit code per kind of failure, and JSON errors with --json', async () => {
    const notRunning = await runCli(['status', '--json', '--data-dir', dir.path])
    expect(notRunning.code).toBe(EXIT_CODES.notRunning)
    expect(JSON.parse(notRunning.stderr)).toMatchObject({
      error: { name: 'NodeNotRunningError', exitCode: EXIT_CODES.notRunning },
    })

    const unknownOption = await runCli(['status', '--no-such-option'])
    expect(unknownOption.code).toBe(EXIT_CODES.usage)
    expect(unknownOption.stderr).toContain("unknown option '--no-such-option'")
    const missingArgument = await runCli(['send'])
    expect(missingArgument.code).toBe(EXIT_CODES.usage)

    const help = await runCli(['status', '--help'])
    expect(help.code, help.stderr).toBe(EXIT_CODES.ok)
    expect(help.stdout).toContain('Usage: tokenim status')
  })

  it('runs a node whose status reports the peer id that id prints', async () => {
    const init = await runCli(['init', '--json', '--data-dir', dir.path], PASSWORD)
    expect(init.code, init.stderr).toBe(0)
    const created = JSON.parse(init.stdout) as { peerId: string; backupPhrase: string }
    expect(created.backupPhrase.split(' ')).toHaveLength(24)
    expect((await stat(join(dir.path, 'identity.key'))).mode & 0o777).toBe(0o600)

    const again = await runCli(['init', '--data-dir', dir.path], PASSWORD)
    expect(again.code).not.toBe(0)

    const node = await spawnCli(
      ['start', '--data-dir', dir.path, '--listen', '/ip4/127.0.0.1/tcp/0'],
      'is running',
      PASSWORD,
    )
    try {
      const status = await runCli(['status', '--json', '--data-dir', dir.path])
      expect(status.code, status.stderr).toBe(0)
      const id = await runCli(['id', '--json', '--data-dir', dir.path])
      expect(id.code, id.stderr).toBe(0)
      const statusJson = JSON.parse(status.stdout) as { peerId: string; listenAddresses: string[] }
      expect(statusJson.peerId).toBe(created.peerId)
      expect(JSON.parse(id.stdout).peerId).toBe(created.peerId)
      expect(statusJson.listenAddresses.some((a) => a.startsWith('/ip4/127.0.0.1/tcp/'))).toBe(true)
      // LANG (or LC_ALL, LC_MESSAGES) starting with zh: the lines in Chinese, the values as they are.
      const chinese = await runCli(['status', '--data-dir', dir.path], {
        LANG: 'zh_CN.UTF-8',
        LC_ALL: '',
        LC_MESSAGES: '',
      })
      expect(chinese.code, chinese.stderr).toBe(0)
      expect(chinese.stdout).toContain(`节点 ID      ${created.peerId}`)
      expect(chinese.stdout).toContain('监听地址')
      expect(chinese.stdout).not.toContain('peer id')

      const second = await runCli(['start', '--data-dir', dir.path], PASSWORD)
      expect(second.code).not.toBe(0)
      expect(second.stderr).toContain('DataDirLockedError')
      // Named before any password is needed: no password at hand, still the busy data dir.
      const noPassword = await runCli(['start', '--data-dir', dir.path], { TOKENIM_PASSWORD: '' })
      expect(noPassword.code).not.toBe(0)
      expect(noPassword.stderr).toContain('is already running on')

      const stop = await runCli(['stop', '--data-dir', dir.path])
      expect(stop.code, stop.stderr).toBe(0)
      expect(await withTimeout(node.exited, 15_000, 'node exit')).toBe(0)
    } finally {
      node.child.kill('SIGKILL')
    }
    const after = await runCli(['status', '--data-dir', dir.path])
    expect(after.stderr).toContain('NodeNotRunningError')
  })

  it('refuses a wrong password with a clear error', async () => {
    const result = await runCli(['start', '--data-dir', dir.path], {
      TOKENIM_PASSWORD: 'not the password at all',
    })
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('WrongPasswordError')
  })
})
