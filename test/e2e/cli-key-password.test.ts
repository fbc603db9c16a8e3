/** `tokenim key password` as a person scripts it: the current and the new password, no key change. */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const PASSWORD = 'correct horse battery staple 42'
const NEW_PASSWORD = 'violet lantern under rain 7'
const THIRD_PASSWORD = 'copper kettle on the moor 3'

describe('tokenim key password', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>
  let publicKey: string
  /** Exports the key with `password`; the export names the key it holds. */
  let exports = 0
  async function exportKey(password: string) {
    const out = join(dir.path, `export-${++exports}.key`)
    const result = await runCli(['key', 'export', '--out', out, '--data-dir', dir.path], {
      TOKENIM_PASSWORD: password,
    })
    const publicKey =
      result.code === 0 ? (JSON.parse(await readFile(out, 'utf8')).publicKey as string) : ''
    return { ...result, publicKey }
  }

  beforeAll(async () => {
    dir = await makeTempDir()
    const init = await runCli(['init', '--json', '--data-dir', dir.path], {
      TOKENIM_PASSWORD: PASSWORD,
    })
    expect(init.code, init.stderr).toBe(0)
    const exported = await exportKey(PASSWORD)
    expect(exported.code, exported.stderr).toBe(0)
    publicKey = exported.publicKey
  })
  afterAll(() => dir.remove())

  it('refuses a wrong current password and a weak new one, changing nothing', async () => {
    const wrong = await runCli(['key', 'password', '--data-dir', dir.path], {
      TOKENIM_PASSWORD: 'not the password at all',
      TOKENIM_NEW_PASSWORD: NEW_PASSWORD,
    })
    expect(wrong.code).not.toBe(0)
    expect(wrong.stderr).toContain('WrongPasswordError')
    const weak = await runCli(['key', 'password', '--data-dir', dir.path], {
      TOKENIM_PASSWORD: PASSWORD,
      TOKENIM_NEW_PASSWORD: 'short',
    })
    expect(weak.stderr).toContain('WeakPasswordError')
    expect((await exportKey(PASSWORD)).code).toBe(0)
  })

  it('changes the password from the environment, then from files', async () => {
    const changed = await runCli(['key', 'password', '--json', '--data-dir', dir.path], {
      TOKENIM_PASSWORD: PASSWORD,
      TOKENIM_NEW_PASSWORD: NEW_PASSWORD,
    })
    expect(changed.code, changed.stderr).toBe(0)
    expect(JSON.parse(changed.stdout)).toEqual({ changed: true })
    expect((await exportKey(PASSWORD)).stderr).toContain('WrongPasswordError')
    expect((await exportKey(NEW_PASSWORD)).code).toBe(0)

    const current = join(dir.path, 'current.txt')
    const next = join(dir.path, 'next.txt')
    await writeFile(current, `${NEW_PASSWORD}\n`)
    await writeFile(next, `${THIRD_PASSWORD}\n`)
    const again = await runCli(
      ['key', 'password', '--password-file', current, '--new-password-file', next],
      { TOKENIM_DATA_DIR: dir.path },
    )
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain('password changed')
    // The same key throughout.
    expect((await exportKey(THIRD_PASSWORD)).publicKey).toBe(publicKey)
  })

  it('says how to give the new password when there is no terminal to ask', async () => {
    const result = await runCli(['key', 'password', '--data-dir', dir.path], {
      TOKENIM_PASSWORD: THIRD_PASSWORD,
    })
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('TOKENIM_NEW_PASSWORD')
  })
})
