/**
 * Linking a device from the command line (doc/accounts.md, "Linking a device"):
 * `tokenim devices link` on the existing device (its running node shows a one-time code and
 * asks the person to compare the SAS) and `tokenim init --link CODE` on the new one. Scripts
 * pass `--yes` (confirm without asking) and `--json` (one JSON line per step: the code, the
 * SAS, the outcome).
 */
import {
  fingerprint,
  Keystore,
  type LinkedDevice,
  linkNewDevice,
  peerIdOf,
} from '../../../node/index.ts'
import { formatLinkSas, type LinkSas } from '../../../protocol/accounts/index.ts'
import type { DeviceLinkStatus, HistoryChoice } from '../../../protocol/local-api.ts'
import { LocalApiClient } from '../../api-client.ts'
import { t } from '../i18n/i18n.ts'
import type { CommonOptions } from '../options.ts'
import { localStamp } from '../output.ts'
import {
  hasTerminal,
  type PasswordSource,
  promptLine,
  readNewPassword,
  readPassword,
} from '../password.ts'
import { type CodeSource, readSecondFactor } from '../second-factor.ts'
import { usageError } from '../worded-errors.ts'
import { historyLine } from './history-transfer.ts'

export interface LinkOptions extends CommonOptions, PasswordSource, CodeSource {
  /** Confirm the SAS without asking. */
  yes?: boolean
}

export interface NewDeviceOptions extends LinkOptions {
  link: string
  name?: string
  /** How much history the existing device hands over. @default 'all' */
  history?: HistoryChoice
  allowPrivateAddresses?: boolean
}

/** `tokenim devices link`: a code on the running node, then the SAS, then the outcome. */
export async function linkFromExistingDevice(options: LinkOptions): Promise<void> {
  requireAnswerer(options)
  const keystore = new Keystore(options.dataDir)
  const client = await LocalApiClient.forDataDir(options.dataDir)
  const password = await readPassword(options)
  const code = await readSecondFactor(keystore, options)
  const updates: DeviceLinkStatus[] = []
  let wake = () => {}
  const subscription = await client.subscribe((event) => {
    if (event.type !== 'device:link') return
    updates.push(event.data)
    wake()
  })
  try {
    const opened = await client.startDeviceLink({ password, code })
    say(options, { code: opened.code, expiresAt: opened.expiresAt }, [
      t('link.run'),
      '',
      `  tokenim init --link ${opened.code}`,
      '',
      t('link.orPaste', { until: localStamp(opened.expiresAt!).slice(11) }),
    ])
    const next = async (): Promise<DeviceLinkStatus> => {
      while (updates.length === 0) await new Promise<void>((resolve) => (wake = resolve))
      return updates.shift()!
    }
    for (;;) {
      const status = await next()
      if (status.state === 'confirm' && !status.confirmed && status.sas != null) {
        const accept = await askSas(
          options,
          status.sas,
          t('link.newDevice', { name: status.deviceName ?? '' }),
        )
        await client.confirmDeviceLink(accept)
      } else if (status.state === 'linked') {
        const list = await client.devices()
        say(options, { linked: true, devices: list }, [
          t('link.linked', {
            name: status.deviceName ?? '',
            peer: status.devicePeerId ?? '',
            count: list.devices.length,
            version: list.version,
          }),
        ])
        return
      } else if (status.state === 'failed') {
        throw usageError('usage.linkFailed', {
          message: String(status.error?.message),
          name: String(status.error?.name),
        })
      }
    }
  } finally {
    subscription.close()
  }
}

/** `tokenim init --link CODE`: a new device key, linked to the account the code shows. */
export async function linkAsNewDevice(options: NewDeviceOptions): Promise<LinkedDevice> {
  requireAnswerer(options)
  await new Keystore(options.dataDir).assertAbsent()
  const password = await readNewPassword(options)
  const linked = await linkNewDevice({
    dataDir: options.dataDir,
    code: options.link,
    password,
    deviceName: options.name,
    history: options.history ?? 'all',
    allowPrivateAddresses: options.allowPrivateAddresses,
    confirm: (sas) => askSas(options, sas, t('link.existingDevice')),
  })
  const account = peerIdOf({ publicKey: linked.account.publicKey }).toString()
  const device = peerIdOf(linked.identity).toString()
  say(
    options,
    { linked: true, account, fingerprint: fingerprint(linked.account.publicKey), peerId: device },
    [
      t('link.thisDevice', { device, account }),
      t('link.fingerprint', { value: fingerprint(linked.account.publicKey) }),
      t('link.knows', {
        friends: linked.state.friends.length,
        devices: linked.list.devices.length,
        command: '"tokenim start"',
      }),
      t('link.reach', { doc: 'doc/accounts.md' }),
      historyLine(options.history),
    ],
  )
  return linked
}

/** Shows the SAS and takes the person's answer (`--yes` answers yes). */
async function askSas(options: LinkOptions, sas: LinkSas, other: string): Promise<boolean> {
  say(options, { sas }, ['', t('link.compare', { other, sas: formatLinkSas(sas) })])
  if (options.yes) return true
  const answer = await promptLine(t('prompt.sameDigits'))
  return /^y(es)?$/i.test(answer.trim())
}

function requireAnswerer(options: LinkOptions): void {
  if (!options.yes && !hasTerminal()) {
    throw usageError('usage.noTerminalConfirm', { flag: '--yes', json: '--json' })
  }
}

/** A step's output: JSON lines for scripts, text for people. */
function say(options: CommonOptions, value: unknown, lines: string[]): void {
  if (options.json) process.stdout.write(`${JSON.stringify(value)}\n`)
  else process.stdout.write(`${lines.join('\n')}\n`)
}
