/**
 * Recovery through friends from the terminal (doc/accounts.md, "Recovery on the node"):
 * `tokenim key recovery-friends set --threshold 2 alice bob carol` splits the recovery
 * phrase's secret among friends; `kept` lists the shares this node keeps for others;
 * `requests` shows who asks for one, with the code to compare out of band, and releases or
 * declines each only on an explicit yes; `tokenim key recover --friends --account ID
 * bob carol dave` (on a new machine) asks them, shows each friend's code, waits for enough
 * releases and takes the account.
 */
import type { Command } from 'commander'
import { Keystore } from '../../../node/index.ts'
import {
  type AskedFriendView,
  type KeptShareView,
  RECOVERY_API_PATHS,
  type RecoveryRequestView,
  type RotateKeyResponse,
  type SetRecoveryFriendsResponse,
} from '../../../protocol/local-api.ts'
import { LocalApiClient } from '../../api-client.ts'
import { t } from '../i18n/i18n.ts'
import { type CommonOptions, withCommonOptions, withPasswordFile } from '../options.ts'
import { printResult } from '../output.ts'
import { type PasswordSource, promptLine, readPassword } from '../password.ts'
import { CODE_OPTION_HELP, type CodeSource, readSecondFactor } from '../second-factor.ts'

const PHRASE_ENV = 'TOKENIM_RECOVERY_PHRASE'
/** How often `recover --friends` looks at the answers, and for how long. */
const ANSWER_POLL_MS = 1_000
const ANSWER_WAIT_MS = 30 * 60_000

export function registerRecoveryFriendsCommands(key: Command): void {
  const friends = key
    .command('recovery-friends')
    .description('split your recovery phrase among friends, and keep shares for them')

  withPasswordFile(withCommonOptions(friends.command('set')))
    .description('give each friend named one share; any THRESHOLD of them can give it back')
    .requiredOption('--threshold <n>', 'shares needed to recover (2..the friends named)', Number)
    .argument('<friends...>', 'usernames or peer ids of friends')
    .option('--code <code>', CODE_OPTION_HELP)
    .action(
      async (
        names: string[],
        options: CommonOptions & PasswordSource & CodeSource & { threshold: number },
      ) => {
        const client = await LocalApiClient.forDataDir(options.dataDir)
        const phrase = process.env[PHRASE_ENV] ?? (await promptLine(t('prompt.recoveryPhrase')))
        const password = await readPassword(options)
        const code = await readSecondFactor(new Keystore(options.dataDir), options)
        const result = await client.request<SetRecoveryFriendsResponse>(
          'POST',
          RECOVERY_API_PATHS.friends,
          { password, code, phrase, threshold: options.threshold, friends: names },
        )
        printResult(options, result, [
          t('shares.set', { count: result.friends.length, threshold: result.threshold }),
        ])
      },
    )

  withCommonOptions(friends.command('kept'))
    .description('the shares this node keeps for friends')
    .action(async (options: CommonOptions) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const { kept } = await client.request<{ kept: KeptShareView[] }>(
        'GET',
        RECOVERY_API_PATHS.kept,
      )
      printResult(options, { kept }, [
        kept.length === 0 ? t('shares.noneKept') : t('shares.kept'),
        ...kept.map((share) =>
          t('shares.keptLine', { friend: share.friend, threshold: share.threshold }),
        ),
      ])
    })

  withCommonOptions(friends.command('requests'))
    .description('requests for a share you keep: compare the code with your friend, then answer')
    .option('--release <id>', 'release the share of this request (no question asked)')
    .option('--decline <id>', 'decline this request')
    .action(async (options: CommonOptions & { release?: string; decline?: string }) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const answer = (requestId: string, release: boolean) =>
        client.request('POST', RECOVERY_API_PATHS.answer, { requestId, release })
      if (options.release != null || options.decline != null) {
        await answer(options.release ?? options.decline ?? '', options.release != null)
        printResult(options, { answered: true }, [t('shares.answered')])
        return
      }
      const { requests } = await client.request<{ requests: RecoveryRequestView[] }>(
        'GET',
        RECOVERY_API_PATHS.requests,
      )
      if (options.json === true || !process.stdin.isTTY) {
        printResult(options, { requests }, requests.map(describeRequest))
        return
      }
      if (requests.length === 0) process.stdout.write(`${t('shares.noRequests')}\n`)
      for (const request of requests) {
        process.stdout.write(`${describeRequest(request)}\n`)
        process.stdout.write(`${t('shares.callFriend')}\n`)
        const typed = await promptLine(t('shares.releasePrompt', { word: 'release' }))
        await answer(request.requestId, typed.trim() === 'release')
        process.stdout.write(
          `${typed.trim() === 'release' ? t('shares.released') : t('shares.declined')}\n`,
        )
      }
    })
}

/** `tokenim key recover --friends`: ask, show the codes, wait for enough releases, take the account. */
export async function recoverThroughFriends(
  options: CommonOptions & PasswordSource & CodeSource & { account: string },
  names: string[],
): Promise<void> {
  const client = await LocalApiClient.forDataDir(options.dataDir)
  const { asked } = await client.request<{ asked: AskedFriendView[] }>(
    'POST',
    RECOVERY_API_PATHS.ask,
    {
      account: options.account,
      friends: names,
    },
  )
  process.stderr.write(`${t('shares.tellCodes')}\n`)
  for (const entry of asked) process.stderr.write(`  ${entry.peer}: ${entry.code}\n`)
  const password = await readPassword(options)
  const code = await readSecondFactor(new Keystore(options.dataDir), options)
  const deadline = Date.now() + ANSWER_WAIT_MS
  for (;;) {
    try {
      const result = await client.request<RotateKeyResponse>('POST', RECOVERY_API_PATHS.complete, {
        password,
        code,
      })
      printResult(options, result, [
        t('shares.back', { previous: result.previousPeerId, peer: result.peerId }),
        t('key.told', { count: result.reached }),
      ])
      return
    } catch (err) {
      if ((err as Error).name !== 'NotEnoughSharesError' || Date.now() > deadline) throw err
    }
    const { asked: now } = await client.request<{ asked: AskedFriendView[] }>(
      'GET',
      RECOVERY_API_PATHS.asked,
    )
    const released = now.filter((a) => a.state === 'released').length
    const declined = now.filter((a) => a.state === 'declined').length
    process.stderr.write(`${t('shares.waiting', { released, declined })}\n`)
    await new Promise((resolve) => setTimeout(resolve, ANSWER_POLL_MS))
  }
}

function describeRequest(request: RecoveryRequestView): string {
  const { requester, account, code, requestId: id } = request
  return t('shares.request', { requester, account, code, id })
}
