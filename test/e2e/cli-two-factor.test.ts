/**
 * `tokenim key 2fa` as a script drives it (no terminal): enrol with the printed secret and a
 * first code, then export and password changes ask for a code, a wrong one is counted, a
 * recovery code works once, and the checks turn off with a code.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TOTP_PERIOD_SECONDS, totpCode, totpSecretFromText } from '../../node/index.ts'
import { runCli } from '../helpers/cli.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const PASSWORD = 'correct horse battery staple 42'
const NEW_PASSWORD = 'violet lantern under rain 7'

describe('tokenim key 2fa', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>
  let env: Record<string, string>
  beforeAll(async () => {
    dir = await makeTempDir()
    env = { TOKENIM_DATA_DIR: dir.path, TOKENIM_PASSWORD: PASSWORD }
    const init = await runCli(['init'], env)
    expect(init.code, init.stderr).toBe(0)
  })
  afterAll(() => dir.remove())

  const json = async (args: string[], extraEnv: Record<string, string> = {}) => {
    const result = await runCli([...args, '--json'], { ...env, ...extraEnv })
    expect(result.code, result.stderr).toBe(0)
    return JSON.parse(result.stdout)
  }
  let exports = 0
  const exportKey = (extra: string[]) =>
    runCli(['key', 'export', '--out', join(dir.path, `out-${++exports}.key`), ...extra], env)

  it('enrols, asks for codes, takes a recovery code once, and turns off', async () => {
    expect(await json(['key', '2fa', 'status'])).toEqual({ enabled: false })
    const setup = await json(['key', '2fa', 'enable'])
    expect(setup.enabled).toBe(false)
    expect(setup.uri).toMatch(/^otpauth:\/\/totp\//)
    const secret = totpSecretFromText(setup.secret)

    const wrongFirst = await runCli(
      ['key', '2fa', 'enable', '--secret', setup.secret, '--code', '000000'],
      env,
    )
    expect(wrongFirst.stderr).toContain('TwoFactorCodeWrongError')
    const enabled = await json([
      'key',
      '2fa',
      'enable',
      '--secret',
      setup.secret,
      '--code',
      totpCode(secret, Date.now()),
    ])
    expect(enabled.enabled).toBe(true)
    expect(enabled.recoveryCodes).toHaveLength(10)
    const [firstRecovery, secondRecovery] = enabled.recoveryCodes as string[]

    const noCode = await exportKey([])
    expect(noCode.code).not.toBe(0)
    expect(noCode.stderr).toContain('TOKENIM_2FA_CODE')
    const wrong = await exportKey(['--code', '123456'])
    expect(wrong.stderr).toContain('TwoFactorCodeWrongError')
    expect(await json(['key', '2fa', 'status'])).toMatchObject({ enabled: true, failures: 1 })

    expect((await exportKey(['--code', firstRecovery])).code).toBe(0)
    expect((await exportKey(['--code', firstRecovery])).stderr).toContain('TwoFactorCodeWrongError')
    expect(await json(['key', '2fa', 'status'])).toMatchObject({
      recoveryCodesLeft: 9,
      failures: 1,
    })

    // The next time step's code: the enrolment's own step is used.
    const nextCode = totpCode(secret, Date.now() + TOTP_PERIOD_SECONDS * 1000)
    const changed = await runCli(['key', 'password'], {
      ...env,
      TOKENIM_NEW_PASSWORD: NEW_PASSWORD,
      TOKENIM_2FA_CODE: nextCode,
    })
    expect(changed.code, changed.stderr).toBe(0)
    const reused = await runCli(['key', 'export', '--out', join(dir.path, 'again.key')], {
      ...env,
      TOKENIM_PASSWORD: NEW_PASSWORD,
      TOKENIM_2FA_CODE: nextCode,
    })
    expect(reused.stderr).toContain('TwoFactorCodeReusedError')

    expect(
      await json(['key', '2fa', 'disable', '--code', secondRecovery], {
        TOKENIM_PASSWORD: NEW_PASSWORD,
      }),
    ).toEqual({ enabled: false })
    const plain = await runCli(['key', 'export', '--out', join(dir.path, 'plain.key')], {
      ...env,
      TOKENIM_PASSWORD: NEW_PASSWORD,
    })
    expect(plain.code, plain.stderr).toBe(0)
  }, 240_000)
})
