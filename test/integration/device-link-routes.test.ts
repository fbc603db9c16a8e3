/**
 * The device-link routes of the daemon: a link code is a sensitive action (a wrong password
 * is refused, and while two-factor checks are on a code is asked first); a confirmation with
 * no device waiting is refused; the status says what was opened. A lost device is revoked
 * with the account's recovery phrase instead of the password.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { linkNewDevice } from '../../node/devices/index.ts'
import { newAccount } from '../../node/identity/keystore-recovery.ts'
import { TOTP_PERIOD_SECONDS, totpCode, totpSecretFromText } from '../../node/index.ts'
import { FAST_SCRYPT, startApiDaemon } from '../helpers/api-daemon.ts'
import { outcomeOf } from '../helpers/outcome.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { waitForEvent } from '../helpers/wait.ts'

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

  it('revoke a lost device with the recovery phrase instead of the password; another phrase is refused', async () => {
    const dir = await makeTempDir()
    cleanups.push(() => dir.remove())
    const { daemon, api } = await startApiDaemon(dir.path, cleanups)
    const { backupPhrase } = await api.createIdentity({ password: PASSWORD })
    const node = daemon.node!
    const phoneDir = await makeTempDir('tokenim-phone-')
    cleanups.push(() => phoneDir.remove())
    const opened = node.linkHost.open()
    const asked = waitForEvent(node.linkHost, 'devices:link', {
      timeoutMs: 20_000,
      filter: (status: { state: string }) => status.state === 'confirm',
    })
    const linking = linkNewDevice({
      dataDir: phoneDir.path,
      code: opened.code!,
      password: PASSWORD,
      deviceName: 'phone',
      allowPrivateAddresses: true,
      keystore: { scrypt: FAST_SCRYPT },
      confirm: async () => true,
    })
    await asked
    node.linkHost.confirm(true)
    await linking
    expect((await api.devices()).devices.map((device) => device.name)).toContain('phone')

    const other = newAccount().phrase
    expect(await outcomeOf(api.revokeDeviceWithPhrase({ device: 'phone', phrase: other }))).toBe(
      'WrongPhraseError',
    )
    expect((await api.devices()).devices.map((device) => device.name)).toContain('phone')
    const list = await api.revokeDeviceWithPhrase({ device: 'phone', phrase: backupPhrase })
    expect(list.devices.map((device) => device.name)).not.toContain('phone')
    expect(list.version).toBe(3)
  })
})
