/**
 * `tokenim key recovery-phrase`: an account from before the recovery commitment gets a
 * recovery phrase, shown once and typed back before the node commits to it;
 * `tokenim key recover`: the phrase takes the account back (after a theft, or a lost key),
 * through the running node, which starts again under a new key and tells every friend.
 * Both are sensitive actions: the password, and a code while two-factor checks are on.
 */
import type { Command } from 'commander'
import { Keystore } from '../../../node/index.ts'
import { LocalApiClient } from '../../api-client.ts'
import { t } from '../i18n/i18n.ts'
import { type CommonOptions, withCommonOptions, withPasswordFile } from '../options.ts'
import { printResult } from '../output.ts'
import { hasTerminal, type PasswordSource, promptLine, readPassword } from '../password.ts'
import { CODE_OPTION_HELP, type CodeSource, readSecondFactor } from '../second-factor.ts'
import { usageError } from '../worded-errors.ts'
import { keyMovedLines } from './key.ts'
import { recoverThroughFriends, registerRecoveryFriendsCommands } from './recovery-friends.ts'

const PHRASE_ENV = 'TOKENIM_RECOVERY_PHRASE'

interface RecoverOptions extends CommonOptions, PasswordSource, CodeSource {
  friends?: boolean
  account?: string
}

export function registerRecoveryCommands(key: Command): void {
  registerRecoveryFriendsCommands(key)
  withPasswordFile(withCommonOptions(key.command('recovery-phrase')))
    .description(
      'give an account from before recovery phrases one: shown once, typed back, then committed',
    )
    .option('--code <code>', CODE_OPTION_HELP)
    .action(async (options: CommonOptions & PasswordSource & CodeSource) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      if ((await client.recoveryStatus()).committed) {
        printResult(options, { committed: true }, [t('recovery.already')])
        return
      }
      await setUpRecoveryPhrase(options)
    })

  withPasswordFile(withCommonOptions(key.command('recover')))
    .description(
      'take the account back with its recovery phrase: a new key that wins over any rotation a thief made',
    )
    .option('--code <code>', CODE_OPTION_HELP)
    .option('--friends', 'on a new machine: ask the friends named for their shares instead')
    .option('--account <id>', 'with --friends: the peer id your friends know the account by')
    .argument('[friends...]', 'with --friends: usernames or peer ids of the friends to ask')
    .action(async (names: string[], options: RecoverOptions) => {
      if (options.friends === true) {
        if (options.account == null)
          throw usageError('usage.nameTheAccount', { flag: '--account ID' })
        await recoverThroughFriends({ ...options, account: options.account }, names)
        return
      }
      const keystore = new Keystore(options.dataDir)
      await keystore.publicKey()
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const phrase = process.env[PHRASE_ENV] ?? (await promptLine(t('prompt.recoveryPhrase')))
      const password = await readPassword(options)
      const code = await readSecondFactor(keystore, options)
      const result = await client.recoverKey({ password, phrase, code })
      printResult(options, { ...result, backupPhrase: undefined }, [
        ...keyMovedLines(t('recovery.back'), result),
        t('recovery.same'),
      ])
    })
}

/**
 * At start, for an account without a recovery commitment (made before recovery phrases): says
 * so, and in a terminal offers to set the phrase up at once.
 */
export async function offerRecoveryPhrase(
  options: CommonOptions & PasswordSource & CodeSource,
): Promise<void> {
  if ((await new Keystore(options.dataDir).recoveryStatus()).committed) return
  process.stderr.write(`${t('recovery.none')}\n`)
  if (!hasTerminal() || options.json === true) {
    process.stderr.write(
      `${t('recovery.runToSetUp', { command: '"tokenim key recovery-phrase"' })}\n`,
    )
    return
  }
  const answer = await promptLine(t('prompt.setUpNow'))
  if (answer.trim().toLowerCase() === 'y') await setUpRecoveryPhrase(options)
}

/** Shows a new recovery phrase once, asks it back, then commits (through the running node). */
async function setUpRecoveryPhrase(options: CommonOptions & PasswordSource & CodeSource) {
  const keystore = new Keystore(options.dataDir)
  const client = await LocalApiClient.forDataDir(options.dataDir)
  const password = await readPassword(options)
  const code = await readSecondFactor(keystore, options)
  const { recoveryPhrase } = await client.recoveryPhraseSetup({ password, code })
  process.stderr.write(`\n${t('recovery.shown')}\n\n  ${recoveryPhrase}\n\n`)
  const typed = await promptLine(t('prompt.typeBack'))
  // Two-factor codes are used once: the commit asks for a fresh one.
  const commitCode = await readSecondFactor(keystore, {})
  const status = await client.commitRecoveryPhrase({ password, phrase: typed, code: commitCode })
  printResult(options, status, [t('recovery.committed')])
}
