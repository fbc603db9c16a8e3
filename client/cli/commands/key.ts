/**
 * `tokenim key export | import | restore`: moving an identity between machines, sealed;
 * `tokenim key password`: sealing it under another password.
 */
import type { Command } from 'commander'
import { Keystore, peerIdOf } from '../../../node/index.ts'
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

interface ReplaceOptions extends CommonOptions, PasswordSource {
  replace?: boolean
}

export function registerKeyCommands(program: Command): void {
  const key = program
    .command('key')
    .description('export, import or restore the identity key, or change its password')

  withPasswordFile(withCommonOptions(key.command('export')))
    .description('write the identity, sealed with its password, to a file')
    .requiredOption('--out <file>', 'where to write the sealed key')
    .action(async (options: CommonOptions & PasswordSource & { out: string }) => {
      const password = await readPassword(options)
      await new Keystore(options.dataDir).export(password, options.out)
      printResult(options, { exported: options.out }, [
        `identity exported to ${options.out} (sealed with your password)`,
      ])
    })

  withPasswordFile(withCommonOptions(key.command('import')))
    .description(
      'replace the identity with one from a sealed key file (checked before anything changes)',
    )
    .argument('<file>', 'a key file written by "tokenim key export"')
    .option('--replace', 'replace an existing identity in this data dir')
    .action(async (file: string, options: ReplaceOptions) => {
      const password = await readPassword(options, 'Password of the key file: ')
      const identity = await new Keystore(options.dataDir).import(file, password, {
        replace: options.replace === true,
      })
      const peerId = peerIdOf(identity).toString()
      printResult(options, { peerId }, [`imported identity ${peerId}`])
    })

  withPasswordFile(withCommonOptions(key.command('restore')))
    .description('restore the identity from its 24-word backup phrase')
    .option('--phrase <words>', 'the backup phrase (else read from TOKENIM_BACKUP_PHRASE or asked)')
    .option('--replace', 'replace an existing identity in this data dir')
    .action(async (options: ReplaceOptions & { phrase?: string }) => {
      const phrase =
        options.phrase ?? process.env.TOKENIM_BACKUP_PHRASE ?? (await promptLine('Backup phrase: '))
      const password = await readNewPassword(options)
      const identity = await new Keystore(options.dataDir).restore(phrase, password, {
        replace: options.replace === true,
      })
      const peerId = peerIdOf(identity).toString()
      printResult(options, { peerId }, [`restored identity ${peerId}`])
    })

  withPasswordFile(withCommonOptions(key.command('password')))
    .description('seal the identity under a new password (the key itself stays the same)')
    .option(
      '--new-password-file <path>',
      `read the new password from this file (or set ${NEW_PASSWORD_ENV}; else asked twice)`,
    )
    .action(async (options: CommonOptions & PasswordSource & NewPasswordSource) => {
      const keystore = new Keystore(options.dataDir)
      // Before any prompt: a missing identity is said at once.
      await keystore.publicKey()
      const password = await readPassword(options, 'Current password: ')
      const newPassword = await readReplacementPassword(options)
      await keystore.changePassword(password, newPassword)
      printResult(options, { changed: true }, [
        'password changed: use the new one from now on (the backup phrase stays the same)',
      ])
    })
}
