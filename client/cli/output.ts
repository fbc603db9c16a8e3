/** How CLI commands print: JSON for scripts, short lines for people, errors as one line. */
import { CommanderError } from 'commander'
import type { DeliveryState } from '../../protocol/local-api.ts'
import { exitCodeOf } from './exit-codes.ts'
import { t } from './i18n/i18n.ts'
import { errorSentence } from './node-errors.ts'

export interface OutputOptions {
  json?: boolean
}

/** Prints `value` as JSON with --json, otherwise the human-readable lines. */
export function printResult(options: OutputOptions, value: unknown, lines: string[]): void {
  if (options.json === true) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
  else process.stdout.write(`${lines.join('\n')}\n`)
}

/** A time to the minute in the local time zone (TZ), `YYYY-MM-DD HH:MM`, as message and friend lines show it. */
export function minuteStamp(ms: number): string {
  return localStamp(ms).slice(0, 16)
}

/** A local time to the second, `YYYY-MM-DD HH:MM:SS`. */
export function localStamp(ms: number): string {
  const date = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
}

/** A message's delivery state as a word of the user's language (`delivered`, 已送达…). */
export function stateWord(state: DeliveryState): string {
  return t(`state.${state}`)
}

/**
 * Ends the command on an error: one line on stderr, `tokenim: <ErrorName>: <message>`, or
 * with --json one JSON object `{ "error": { "name", "message", "exitCode" } }`; then the exit
 * code of its kind (exit-codes.ts). Commander has printed its own usage errors already.
 */
export function exitWithError(err: unknown, argv = process.argv): never {
  const error = err instanceof Error ? err : new Error(String(err))
  const exitCode = exitCodeOf(err)
  const message = error.message.split('\n')[0]
  if (argv.includes('--json')) {
    process.stderr.write(`${JSON.stringify({ error: { name: error.name, message, exitCode } })}\n`)
  } else if (!(err instanceof CommanderError)) {
    const prefix = error.name !== 'Error' ? `${error.name}: ` : ''
    process.stderr.write(`tokenim: ${prefix}${errorSentence(error)}\n`)
  }
  process.exit(exitCode)
}
