/**
 * The device-link routes of the daemon: a link code is a sensitive action (a wrong password
 * is refused, and while two-factor checks are on a code is asked first); a confirmation with
 * no device waiting is refused; the status says what was opened.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { TOTP_PERIOD_SECONDS, totpCode, totpSecretFromText } from '../../node/index.ts'
import { startApiDaemon } from '../helpers/api-daemon.ts'
import { outcomeOf } from '../helpers/outcome.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const PASSWORD = 'correct horse battery staple 42'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('device-link routes', () => {
  it('need the password, and a two-factor code while the checks are on', async () => {
    const dir = await makeTempDir()
    cleanups.push(() => dir.remove())
    const { api } = await startApiDaemon(dir.path, cleanups)
    await api.createIdentity({ password: PASSWORD })
    expect(await api.deviceLinkStatus()).toEqual({ state: 'none' })

    expect(await outcomeOf(api.startDeviceLink({ password: 'not the password at all' }))).toBe(
      'WrongPasswordError',
    )
    expect(await outcomeOf(api.confirmDeviceLink(true))).toBe('LinkRefusedError')
    const opened = await api.startDeviceLink({ password: PASSWORD })
    expect(opened).toMatchObject({
      state: 'waiting',
      code: expect.stringMatching(/^tokenim-link:/),
    })
    expect(await api.deviceLinkStatus()).toMatchObject({ state: 'waiting', code: opened.code })

    const setup = await api.twoFactorSetup()
    const secret = totpSecretFromText(setup.secret)
    await api.enableTwoFactor({
      password: PASSWORD,
      secret: setup.secret,
      code: totpCode(secret, Date.now()),
    })
    expect(await outcomeOf(api.startDeviceLink({ password: PASSWORD }))).toBe(
      'TwoFactorRequiredError',
    )
    const next = totpCode(secret, Date.now() + TOTP_PERIOD_SECONDS * 1000)
    const again = await api.startDeviceLink({ password: PASSWORD, code: next })
    // A new code replaces the last.
    expect(again.code).not.toBe(opened.code)
  })
})
