/** `tokenim devices list | link | rename`: this account's devices through the running node's local API. */
import { type Command, InvalidArgumentError } from 'commander'
import { MAX_DEVICE_NAME_SIZE } from '../../../protocol/limits.ts'
import type { DeviceListResponse } from '../../../protocol/local-api.ts'
import { LocalApiClient } from '../../api-client.ts'
import { type CommonOptions, withCommonOptions, withPasswordFile } from '../options.ts'
import { minuteStamp, printResult } from '../output.ts'
import { CODE_OPTION_HELP } from '../second-factor.ts'
import { type LinkOptions, linkFromExistingDevice } from './device-link.ts'

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

  withCommonOptions(devices.command('rename'))
    .description('rename this device; friends get the new list')
    .argument('<name>', `the new name (at most ${MAX_DEVICE_NAME_SIZE} bytes)`, parseName)
    .action(async (name: string, options: CommonOptions) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const result = await client.renameDevice(name)
      printResult(options, result, [`this device is "${name}" now`, ...deviceLines(result)])
    })
}

function deviceLines(list: DeviceListResponse): string[] {
  const linked =
    list.linkedFriends == null
      ? []
      : [
          `this device is linked to the account (it knows its ${list.linkedFriends} friends): messages do not reach it yet, chat from the first device (doc/accounts.md)`,
        ]
  return [
    ...list.devices.map(
      (device) =>
        `${device.thisDevice ? '*' : ' '} ${device.name}  ${device.peerId}  since ${minuteStamp(device.createdAt)}${device.peerId === list.account ? '' : '  (linked: 1:1 texts only)'}`,
    ),
    `device list version ${list.version}`,
    ...linked,
  ]
}

function parseName(value: string): string {
  const size = Buffer.byteLength(value.trim())
  if (size === 0 || size > MAX_DEVICE_NAME_SIZE) {
    throw new InvalidArgumentError(`1..${MAX_DEVICE_NAME_SIZE} bytes`)
  }
  return value.trim()
}
