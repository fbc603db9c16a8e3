/**
 * Two-factor checks through the local API, as the web client uses them: setup, enable with a
 * first code, export and the backup phrase refused without a code, and wrong codes answered
 * 429 once locked out.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { ApiRequestError } from '../../client/errors.ts'
import {
  LOCKOUT_FREE_FAILURES,
  TOTP_PERIOD_SECONDS,
  totpCode,
  totpSecretFromText,
} from '../../node/index.ts'
import { startApiDaemon } from '../helpers/api-daemon.ts'
import { outcomeOf } from '../helpers/outcome.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const PASSWORD = 'correct horse battery staple 42'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('two-factor routes', () => {
  it('enrol, require codes, lock out wrong ones', async () => {
    const dir = await makeTempDir()
    cleanups.push(() => dir.remove())
    const { api } = await startApiDaemon(dir.path, cleanups)
    await api.createIdentity({ password: PASSWORD })
    expect(await api.twoFactorStatus()).toEqual({ enabled: false })

    const setup = await api.twoFactorSetup()
    const secret = totpSecretFromText(setup.secret)
    const { recoveryCodes } = await api.enableTwoFactor({
      password: PASSWORD,
      secret: setup.secret,
      code: totpCode(secret, Date.now()),
    })
    expect(recoveryCodes).toHaveLength(10)
    expect(await outcomeOf(api.twoFactorSetup())).toBe('TwoFactorAlreadyEnabledError')

    expect(await outcomeOf(api.exportKey({ password: PASSWORD }))).toBe('TwoFactorRequiredError')
    expect(await outcomeOf(api.backupPhrase(PASSWORD))).toBe('TwoFactorRequiredError')
    const next = totpCode(secret, Date.now() + TOTP_PERIOD_SECONDS * 1000)
    expect((await api.backupPhrase(PASSWORD, next)).backupPhrase.split(' ')).toHaveLength(24)

    for (let i = 0; i < LOCKOUT_FREE_FAILURES; i++) {
      expect(await outcomeOf(api.exportKey({ password: PASSWORD, code: '000000' }))).toBe(
        'TwoFactorCodeWrongError',
      )
    }
    const locked = (await api
      .exportKey({ password: PASSWORD, code: recoveryCodes[0] })
      .catch((err) => err)) as ApiRequestError
    expect(locked.name).toBe('TwoFactorLockedError')
    expect(locked.status).toBe(429)
    expect(await api.twoFactorStatus()).toMatchObject({
      enabled: true,
      failures: LOCKOUT_FREE_FAILURES,
      recoveryCodesLeft: 10,
    })
  })
})
