/** `tokenim devices list | link | revoke | history | rename`: this account's devices through the running node's local API. */
import { type Command, InvalidArgumentError } from 'commander'
import { Keystore } from '../../../node/index.ts'
import { MAX_DEVICE_NAME_SIZE } from '../../../protocol/limits.ts'
import type { DeviceListResponse, HistoryChoice } from '../../../protocol/local-api.ts'
import { LocalApiClient } from '../../api-client.ts'
import { english, t } from '../i18n/i18n.ts'
import { type CommonOptions, withCommonOptions, withPasswordFile } from '../options.ts'
import { minuteStamp, printResult } from '../output.ts'
import { type PasswordSource, promptLine, readPassword } from '../password.ts'
import { CODE_OPTION_HELP, type CodeSource, readSecondFactor } from '../second-factor.ts'
import { type LinkOptions, linkFromExistingDevice } from './device-link.ts'
import { type HistoryOptions, historyCommand, parseHistoryChoice } from './history-transfer.ts'

export function registerDeviceCommands(program: Command): void {
  const devices = program.command('devices').description("this account's devices")

  withCommonOptions(devices.command('list'))
    .description("this account's devices (* marks this one) and the list's version")
    .action(async (options: CommonOptions) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const result = await client.devices()
      printResult(options, result, deviceLines(result))
    })

  withPasswordFile(withCommonOptions(devices.command('link')))
    .description(
      'show a one-time code to link a new device to this account, then compare the codes both devices show',
    )
    .option('--code <code>', CODE_OPTION_HELP)
    .option('--yes', 'confirm the codes without asking (scripts)')
    .action((options: LinkOptions) => linkFromExistingDevice(options))

  withPasswordFile(withCommonOptions(devices.command('revoke')))
    .description(
      'revoke another device of this account: friends drop it, and nothing new reaches it',
    )
    .argument('<device>', 'the name or peer id of the device (tokenim devices list)')
    .option('--code <code>', CODE_OPTION_HELP)
    .option(
      '--phrase',
      "authorise with the account's recovery phrase instead of the password (a lost device; from TOKENIM_RECOVERY_PHRASE, else asked)",
    )
    .action(
      async (
        device: string,
        options: CommonOptions & PasswordSource & CodeSource & { phrase?: boolean },
      ) => {
        const client = await LocalApiClient.forDataDir(options.dataDir)
        if (options.phrase) {
          const phrase =
            process.env.TOKENIM_RECOVERY_PHRASE ?? (await promptLine(t('prompt.recoveryPhrase')))
          const result = await client.revokeDeviceWithPhrase({ device, phrase })
          printResult(options, result, [`"${device}" is revoked`, ...deviceLines(result)])
          return
        }
        const password = await readPassword(options)
        const code = await readSecondFactor(new Keystore(options.dataDir), options)
        const result = await client.revokeDevice({ device, password, code })
        printResult(options, result, [`"${device}" is revoked`, ...deviceLines(result)])
      },
    )

  withCommonOptions(devices.command('history'))
    .description(
      'ask another device of this account for its 1:1 history (all, none, or the last DAYS days; the same choice again resumes), or show where the transfer stands',
    )
    .argument('[choice]', 'all, none, or a number of days', parseHistoryChoice)
    .option(
      '--from <device>',
      'the device to ask, by name or peer id (default: the one asked last, else any)',
    )
    .option('--follow', 'show the progress until the transfer ends')
    .action((choice: HistoryChoice | undefined, options: HistoryOptions) =>
      historyCommand(choice, options),
    )

  withCommonOptions(devices.command('rename'))
    .description('rename this device; friends get the new list')
    .argument('<name>', `the new name (at most ${MAX_DEVICE_NAME_SIZE} bytes)`, parseName)
    .action(async (name: string, options: CommonOptions) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const result = await client.renameDevice(name)
      printResult(options, result, [t('devices.renamed', { name }), ...deviceLines(result)])
    })
}

function deviceLines(list: DeviceListResponse): string[] {
  const linked =
    list.linkedFriends == null
      ? []
      : [t('devices.linkedHint', { count: list.linkedFriends, doc: 'doc/accounts.md' })]
  return [
    ...list.devices.map(
      (device) =>
        `${device.thisDevice ? '*' : ' '} ${t('devices.line', { name: device.name, peer: device.peerId, time: minuteStamp(device.createdAt) })}${device.peerId === list.account ? '' : `  (${t('devices.linked')})`}`,
    ),
    t('devices.version', { version: list.version }),
    ...linked,
  ]
}

function parseName(value: string): string {
  const size = Buffer.byteLength(value.trim())
  if (size === 0 || size > MAX_DEVICE_NAME_SIZE) {
    throw new InvalidArgumentError(english('invalid.deviceNameSize', { max: MAX_DEVICE_NAME_SIZE }))
  }
  return value.trim()
}
