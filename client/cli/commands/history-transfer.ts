/**
 * History on a new device from the command line (doc/accounts.md, "History on a new
 * device"): `tokenim init --link CODE --history all|none|DAYS` chooses at link time;
 * `tokenim devices history [all|none|DAYS] [--from DEVICE] [--follow]` asks later (the same
 * choice again resumes where a transfer stopped), or shows where the transfer stands.
 */
import { InvalidArgumentError } from 'commander'
import type { HistoryChoice, HistoryTransferStatus } from '../../../protocol/local-api.ts'
import { LocalApiClient } from '../../api-client.ts'
import type { CommonOptions } from '../options.ts'
import { printResult } from '../output.ts'
import { usageError } from '../worded-errors.ts'

export interface HistoryOptions extends CommonOptions {
  from?: string
  follow?: boolean
}

export const HISTORY_OPTION_HELP =
  'how much of the 1:1 history the existing device hands over: all, none, or a number of days (default: all)'

/** `all`, `none` or a number of days (1..36500). */
export function parseHistoryChoice(value: string): HistoryChoice {
  if (value === 'all' || value === 'none') return value
  const days = Number(value)
  if (!Number.isInteger(days) || days < 1 || days > 36_500) {
    throw new InvalidArgumentError('all, none, or a number of days (1..36500)')
  }
  return days
}

/** What `init --link` says about the history it chose. */
export function historyLine(choice: HistoryChoice | undefined): string {
  if (choice === 'none') {
    return 'Earlier history stays on the other devices ("tokenim devices history all" asks for it later).'
  }
  const what =
    choice === 'all' || choice == null
      ? 'the 1:1 history'
      : `the last ${choice} days of 1:1 history`
  return `It receives ${what} from the existing device once it starts ("tokenim devices history" shows how far it got).`
}

/** `tokenim devices history [CHOICE]`. */
export async function historyCommand(
  choice: HistoryChoice | undefined,
  options: HistoryOptions,
): Promise<void> {
  const client = await LocalApiClient.forDataDir(options.dataDir)
  if (choice == null && options.from != null) {
    throw usageError('usage.fromNeedsChoice', {
      flag: '--from',
      all: 'all',
      none: 'none',
      days: 'DAYS',
    })
  }
  if (!options.follow) {
    const status =
      choice == null
        ? await client.historyTransfer()
        : await client.requestHistory({ history: choice, from: options.from })
    printResult(options, status, [statusLine(status)])
    return
  }
  let wake = () => {}
  let latest: HistoryTransferStatus | undefined
  const subscription = await client.subscribe((event) => {
    if (event.type !== 'device:history') return
    latest = event.data
    wake()
  })
  try {
    let status =
      choice == null
        ? await client.historyTransfer()
        : await client.requestHistory({ history: choice, from: options.from })
    for (;;) {
      say(options, status)
      if (status.state !== 'running') break
      while (latest == null) await new Promise<void>((resolve) => (wake = resolve))
      status = latest
      latest = undefined
    }
    if (status.state === 'failed' || status.state === 'paused') {
      const reason = status.error?.message ?? ''
      throw status.state === 'failed'
        ? usageError('usage.historyTransferFailed', { reason })
        : usageError('usage.historyTransferPaused', { reason })
    }
  } finally {
    subscription.close()
  }
}

function say(options: CommonOptions, status: HistoryTransferStatus): void {
  if (options.json) process.stdout.write(`${JSON.stringify(status)}\n`)
  else process.stdout.write(`${statusLine(status)}\n`)
}

function statusLine(status: HistoryTransferStatus): string {
  const from = status.from == null ? '' : ` from ${status.from}`
  const range =
    status.since == null || status.since === 0
      ? 'all'
      : `since ${new Date(status.since).toISOString().slice(0, 10)}`
  const counts = `${status.taken} of ${status.total} messages`
  switch (status.state) {
    case 'none':
      return 'No history transfer: "tokenim devices history all" (or a number of days) asks another device for it.'
    case 'running':
      return `History${from} (${range}): ${counts}…`
    case 'done':
      return `History${from} (${range}): done, ${status.taken} messages.`
    default:
      return `History${from} (${range}): ${status.state} at ${counts}${status.error == null ? '' : ` (${status.error.name}: ${status.error.message})`}; the same command goes on from there.`
  }
}
