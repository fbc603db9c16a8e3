/**
 * Linking a device with the built `tokenim` CLI, as a script would: `tokenim devices link
 * --yes --json` on the existing device's running node prints the code, then the SAS, then the
 * outcome; `tokenim init --link CODE --yes --json` on the new device prints the SAS and the
 * account it joined; both print the same SAS, and `tokenim devices list` on the existing
 * device shows both devices; `tokenim devices revoke phone` then takes it out of the list.
 * Needs `npm run build` first.
 */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startApiDaemon } from '../helpers/api-daemon.ts'
import { runCli, spawnCli } from '../helpers/cli.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const PASSWORD = 'correct horse battery staple'

async function folder(prefix: string): Promise<string> {
  const dir = await makeTempDir(prefix)
  cleanups.push(() => dir.remove())
  return dir.path
}

function jsonLines(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

describe('tokenim devices link / init --link', () => {
  it('links a new device for scripts: the same SAS on both, two devices after', async () => {
    const existingDir = await folder('tokenim-cli-link-existing-')
    const { api } = await startApiDaemon(existingDir, cleanups)
    const created = await api.createIdentity({ password: PASSWORD })
    const env = { TOKENIM_PASSWORD: PASSWORD }

    const existing = await spawnCli(
      ['devices', 'link', '--yes', '--json', '--data-dir', existingDir],
      '"code"',
      env,
    )
    cleanups.push(async () => {
      existing.child.kill()
    })
    const code = jsonLines(existing.output())[0].code as string
    expect(code).toMatch(/^tokenim-link:/)

    const newDir = await folder('tokenim-cli-link-new-')
    const joined = await runCli(
      [
        'init',
        '--link',
        code,
        '--name',
        'phone',
        '--yes',
        '--json',
        '--allow-private-addresses',
        '--data-dir',
        join(newDir, 'data'),
      ],
      env,
    )
    expect(joined.stderr).toBe('')
    expect(joined.code).toBe(0)
    const [newSas, outcome] = jsonLines(joined.stdout)
    expect(outcome).toMatchObject({ linked: true, account: created.peerId })
    expect(outcome.peerId).not.toBe(created.peerId)

    expect(await existing.exited, existing.output()).toBe(0)
    const lines = jsonLines(existing.output())
    expect(lines[1]).toEqual(newSas)
    expect(lines[2]).toMatchObject({ linked: true, devices: { version: 2 } })

    const listed = await runCli(['devices', 'list', '--data-dir', existingDir])
    expect(listed.stdout).toMatch(/ phone .*\(linked: 1:1 texts and rooms\)\n/)
    expect(listed.stdout).toMatch(/device list version 2/)

    // The code worked once.
    const again = await runCli(
      [
        'init',
        '--link',
        code,
        '--yes',
        '--allow-private-addresses',
        '--data-dir',
        join(newDir, 'again'),
      ],
      env,
    )
    expect(again.code).not.toBe(0)
    expect(again.stderr).toMatch(/used already/)

    // Revoked by name: the list's next version names one device, and a second try is refused.
    const revoked = await runCli(['devices', 'revoke', 'phone', '--data-dir', existingDir], env)
    expect(revoked.stderr).toBe('')
    expect(revoked.stdout).toMatch(/"phone" is revoked/)
    expect(revoked.stdout).toMatch(/device list version 3/)
    expect(revoked.stdout).not.toMatch(/ phone /)
    const twice = await runCli(['devices', 'revoke', 'phone', '--data-dir', existingDir], env)
    expect(twice.code).not.toBe(0)
    expect(twice.stderr).toMatch(/no device named "phone"/)
  })
})
