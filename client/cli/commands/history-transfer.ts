/**
 * History on a new device from the command line (doc/accounts.md, "History on a new
 * device"): `tokenim init --link CODE --history all|none|DAYS` chooses at link time;
 * `tokenim devices history [all|none|DAYS] [--from DEVICE] [--follow]` asks later (the same
 * choice again resumes where a transfer stopped), or shows where the transfer stands.
 */
import { InvalidArgumentError } from 'commander'
import type { HistoryChoice, HistoryTransferStatus } from '../../../protocol/local-api.ts'
import { LocalApiClient } from '../../api-client.ts'
import { english, t } from '../i18n/i18n.ts'
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
    throw new InvalidArgumentError(english('invalid.historyChoice', { all: 'all', none: 'none' }))
  }
  return days
}

/** The command that asks another device for the whole history. */
const ASK_COMMAND = '"tokenim devices history all"'

/** What `init --link` says about the history it chose. */
export function historyLine(choice: HistoryChoice | undefined): string {
  if (choice === 'none') return t('historyTransfer.staysThere', { command: ASK_COMMAND })
  const command = '"tokenim devices history"'
  if (choice === 'all' || choice == null) return t('historyTransfer.receivesAll', { command })
  return t('historyTransfer.receivesDays', { count: choice, command })
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
  const from = status.from == null ? '' : t('historyTransfer.from', { device: status.from })
  const range =
    status.since == null || status.since === 0
      ? t('historyTransfer.all')
      : t('historyTransfer.since', { date: new Date(status.since).toISOString().slice(0, 10) })
  const { taken, total, state } = status
  const counts = t('historyTransfer.counts', { taken, total })
  switch (state) {
    case 'none':
      return t('historyTransfer.none', { command: ASK_COMMAND })
    case 'running':
      return t('historyTransfer.running', { from, range, counts })
    case 'done':
      return t('historyTransfer.done', { from, range, taken })
    default: {
      const error = status.error == null ? '' : ` (${status.error.name}: ${status.error.message})`
      return t('historyTransfer.stopped', {
        from,
        range,
        state: t(state === 'failed' ? 'historyTransfer.failed' : 'historyTransfer.paused'),
        counts,
        error,
      })
    }
  }
}
