/**
 * `tokenim key 2fa enable | disable | status`: two-factor checks (TOTP) on the identity's
 * sensitive actions. Enrolment shows the secret and an `otpauth://` URI (a QR code on a
 * terminal) and is confirmed by a first code; scripts pass `--secret` and `--code`.
 */
import type { Command } from 'commander'
import QRCode from 'qrcode'
import { Keystore, RECOVERY_CODE_COUNT } from '../../../node/index.ts'
import { t } from '../i18n/i18n.ts'
import { type CommonOptions, withCommonOptions, withPasswordFile } from '../options.ts'
import { printResult } from '../output.ts'
import { hasTerminal, type PasswordSource, readPassword } from '../password.ts'
import { CODE_OPTION_HELP, type CodeSource, readCode } from '../second-factor.ts'

type TwoFactorOptions = CommonOptions & PasswordSource & CodeSource

export function registerTwoFactorCommands(key: Command): void {
  const twoFactor = key
    .command('2fa')
    .description(
      'two-factor checks (an authenticator app) on export, the backup phrase and password changes',
    )

  withCommonOptions(twoFactor.command('status'))
    .description('whether two-factor checks are on, and how many recovery codes are left')
    .action(async (options: CommonOptions) => {
      const status = await new Keystore(options.dataDir).twoFactorStatus()
      const lines = status.enabled
        ? [
            t('twoFactor.onShort'),
            t('twoFactor.codesLeft', {
              left: status.recoveryCodesLeft,
              total: RECOVERY_CODE_COUNT,
            }),
            ...(status.retryAfterMs > 0
              ? [
                  t('twoFactor.retryIn', {
                    failures: status.failures,
                    seconds: Math.ceil(status.retryAfterMs / 1000),
                  }),
                ]
              : []),
          ]
        : [t('twoFactor.offHint', { command: '"tokenim key 2fa enable"' })]
      printResult(options, status, lines)
    })

  withPasswordFile(withCommonOptions(twoFactor.command('enable')))
    .description('enrol an authenticator app; a first code from it turns the checks on')
    .option('--secret <base32>', 'the secret shown by an earlier "enable" (for scripts)')
    .option('--code <code>', 'a code the app made from that secret (or set TOKENIM_2FA_CODE)')
    .action(async (options: TwoFactorOptions & { secret?: string }) => {
      const keystore = new Keystore(options.dataDir)
      let secret = options.secret
      if (secret == null) {
        const setup = await keystore.twoFactorSetup()
        secret = setup.secret
        if (!hasTerminal()) {
          // Nothing to confirm with: show the secret, to be given back with a code.
          printResult(options, { enabled: false, ...setup }, [
            t('twoFactor.secret', { value: setup.secret }),
            t('twoFactor.uri', { value: setup.uri }),
            t('twoFactor.addThenRun'),
            t('twoFactor.codeItShows', {
              command: `tokenim key 2fa enable --secret ${setup.secret} --code`,
            }),
          ])
          return
        }
        process.stderr.write(
          `${t('twoFactor.scan', { secret: setup.secret })}\n${await QRCode.toString(setup.uri, { type: 'terminal', small: true })}\n${setup.uri}\n`,
        )
      }
      const password = await readPassword(options)
      const code = await readCode(options, t('twoFactor.appCode'))
      const { recoveryCodes } = await keystore.enableTwoFactor(password, secret, code)
      printResult(options, { enabled: true, recoveryCodes }, [
        t('twoFactor.on'),
        '',
        t('twoFactor.recoveryCodes'),
        '',
        ...recoveryCodes.map((c) => `  ${c}`),
        '',
      ])
    })

  withPasswordFile(withCommonOptions(twoFactor.command('disable')))
    .description('turn two-factor checks off (needs a code)')
    .option('--code <code>', CODE_OPTION_HELP)
    .action(async (options: TwoFactorOptions) => {
      const password = await readPassword(options)
      const code = await readCode(options)
      await new Keystore(options.dataDir).disableTwoFactor(password, { code })
      printResult(options, { enabled: false }, [t('twoFactor.off')])
    })
}
