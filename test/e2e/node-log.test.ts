import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Keystore } from '../../node/identity/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { runCli } from '../helpers/cli.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const PASSWORD = 'correct horse battery staple 42'

describe('the log of a detached node', () => {
  const dirs: Array<{ remove(): Promise<void> }> = []
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await dir.remove()
  })

  it('is JSON lines in node.log, with no password, API token, recovery phrase or key in it', async () => {
    const dir = await makeTempDir()
    dirs.push(dir)
    const env = { TOKENIM_PASSWORD: PASSWORD }
    const init = await runCli(['init', '--json', '--data-dir', dir.path], env)
    expect(init.code, init.stderr).toBe(0)
    const { backupPhrase } = JSON.parse(init.stdout) as { backupPhrase: string }
    const started = await runCli(
      ['start', '--detach', '--log-level', 'debug', '--data-dir', dir.path],
      env,
    )
    expect(started.code, started.stderr).toBe(0)
    expect((await runCli(['status', '--data-dir', dir.path])).code).toBe(0)
    expect((await runCli(['stop', '--data-dir', dir.path])).code).toBe(0)

    const names = (await readdir(dir.path)).filter((name) => name.startsWith('node.log'))
    const log = (
      await Promise.all(names.map((name) => readFile(join(dir.path, name), 'utf8')))
    ).join('')
    const entries = log
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { level: number; msg: string; component?: string })
    expect(entries).toContainEqual(expect.objectContaining({ level: 30, msg: 'node started' }))
    // The scan reads a verbose run: libp2p's and the node's own debug lines are in it.
    expect(
      entries.some((entry) => entry.level === 20 && entry.component?.startsWith('libp2p')),
    ).toBe(true)

    const { token } = JSON.parse(await readFile(join(dir.path, 'api-access.json'), 'utf8'))
    const identity = await new Keystore(dir.path).unlock(PASSWORD)
    const secrets = {
      password: PASSWORD,
      token,
      backupPhrase,
      // Four words of it in a row, as a line that cut it would hold.
      phraseStart: backupPhrase.split(' ').slice(0, 4).join(' '),
      privateKeyHex: toHex(identity.privateKey),
      privateKeyBase64: Buffer.from(identity.privateKey).toString('base64'),
    }
    for (const [what, secret] of Object.entries(secrets)) {
      expect(secret.length, what).toBeGreaterThan(8)
      expect(log.includes(secret), `${what} in node.log`).toBe(false)
    }
  })
})
