/**
 * `tokenim key export | import | restore`: moving an identity between machines, sealed;
 * `tokenim key password`: sealing it under another password; `tokenim key rotate`: a new
 * account key, through the running node; `tokenim key 2fa`: two-factor checks on the
 * sensitive actions (a code is asked for only while they are on).
 */
import type { Command } from 'commander'
import { Keystore, peerIdOf } from '../../../node/index.ts'
import type { RotateKeyResponse } from '../../../protocol/local-api.ts'
import { LocalApiClient } from '../../api-client.ts'
import { t } from '../i18n/i18n.ts'
import { type CommonOptions, withCommonOptions, withPasswordFile } from '../options.ts'
import { printResult } from '../output.ts'
import {
  NEW_PASSWORD_ENV,
  type NewPasswordSource,
  type PasswordSource,
  promptLine,
  readNewPassword,
  readPassword,
  readReplacementPassword,
} from '../password.ts'
import { CODE_OPTION_HELP, type CodeSource, readSecondFactor } from '../second-factor.ts'
import { registerRecoveryCommands } from './recovery.ts'
import { registerTwoFactorCommands } from './two-factor.ts'

interface ReplaceOptions extends CommonOptions, PasswordSource {
  replace?: boolean
}

/** What a rotation or a recovery tells the user: the new peer id, and which friends know. */
export function keyMovedLines(what: string, result: RotateKeyResponse): string[] {
  const waiting =
    result.waiting.length === 0 ? '' : t('key.notReached', { peers: result.waiting.join(', ') })
  return [
    t('key.youAre', { what, peer: result.peerId, previous: result.previousPeerId }),
    t('key.fingerprint', { value: result.fingerprint }),
    `${t('key.told', { count: result.reached })}${waiting}`,
  ]
}

export function registerKeyCommands(program: Command): void {
  const key = program
    .command('key')
    .description(
      'export, import or restore the identity key, change its password, two-factor checks',
    )

  withPasswordFile(withCommonOptions(key.command('export')))
    .description('write the identity, sealed with its password, to a file')
    .requiredOption('--out <file>', 'where to write the sealed key')
    .option('--code <code>', CODE_OPTION_HELP)
    .action(async (options: CommonOptions & PasswordSource & CodeSource & { out: string }) => {
      const keystore = new Keystore(options.dataDir)
      const password = await readPassword(options)
      const code = await readSecondFactor(keystore, options)
      await keystore.export(password, options.out, { code })
      printResult(options, { exported: options.out }, [t('key.exported', { file: options.out })])
    })

  withPasswordFile(withCommonOptions(key.command('import')))
    .description(
      'replace the identity with one from a sealed key file (checked before anything changes)',
    )
    .argument('<file>', 'a key file written by "tokenim key export"')
    .option('--replace', 'replace an existing identity in this data dir')
    .action(async (file: string, options: ReplaceOptions) => {
      const password = await readPassword(options, t('prompt.keyFile'))
      const identity = await new Keystore(options.dataDir).import(file, password, {
        replace: options.replace === true,
      })
      const peerId = peerIdOf(identity).toString()
      printResult(options, { peerId }, [t('key.imported', { peer: peerId })])
    })

  withPasswordFile(withCommonOptions(key.command('restore')))
    .description('restore the identity from its 24-word backup phrase')
    .option('--phrase <words>', 'the backup phrase (else read from TOKENIM_BACKUP_PHRASE or asked)')
    .option('--replace', 'replace an existing identity in this data dir')
    .action(async (options: ReplaceOptions & { phrase?: string }) => {
      const phrase =
        options.phrase ??
        process.env.TOKENIM_BACKUP_PHRASE ??
        (await promptLine(t('prompt.phrase')))
      const password = await readNewPassword(options)
      const identity = await new Keystore(options.dataDir).restore(phrase, password, {
        replace: options.replace === true,
      })
      const peerId = peerIdOf(identity).toString()
      printResult(options, { peerId }, [t('key.restored', { peer: peerId })])
    })

  withPasswordFile(withCommonOptions(key.command('password')))
    .description('seal the identity under a new password (the key itself stays the same)')
    .option(
      '--new-password-file <path>',
      `read the new password from this file (or set ${NEW_PASSWORD_ENV}; else asked twice)`,
    )
    .option('--code <code>', CODE_OPTION_HELP)
    .action(async (options: CommonOptions & PasswordSource & NewPasswordSource & CodeSource) => {
      const keystore = new Keystore(options.dataDir)
      // Before any prompt: a missing identity is said at once.
      await keystore.publicKey()
      const password = await readPassword(options, t('prompt.current'))
      const newPassword = await readReplacementPassword(options)
      const code = await readSecondFactor(keystore, options)
      await keystore.changePassword(password, newPassword, { code })
      printResult(options, { changed: true }, [t('key.passwordChanged')])
    })

  withPasswordFile(withCommonOptions(key.command('rotate')))
    .description(
      'move the account to a new key (a new peer id): the running node tells your friends, then starts again under it',
    )
    .option('--code <code>', CODE_OPTION_HELP)
    .action(async (options: CommonOptions & PasswordSource & CodeSource) => {
      const keystore = new Keystore(options.dataDir)
      await keystore.publicKey()
      // Friends hear of the new key from the running node: without one, stop before asking.
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const password = await readPassword(options)
      const code = await readSecondFactor(keystore, options)
      const result = await client.rotateKey({ password, code })
      printResult(options, result, [
        ...keyMovedLines(t('key.changed'), result),
        t('key.writeDown'),
        result.backupPhrase,
      ])
    })

  registerRecoveryCommands(key)
  registerTwoFactorCommands(key)
}
