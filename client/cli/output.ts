/** How CLI commands print: JSON for scripts, short lines for people, errors as one line. */

export interface OutputOptions {
  json?: boolean
}

/** Prints `value` as JSON with --json, otherwise the human-readable lines. */
export function printResult(options: OutputOptions, value: unknown, lines: string[]): void {
  if (options.json === true) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
  else process.stdout.write(`${lines.join('\n')}\n`)
}

/** A time to the minute, `YYYY-MM-DD HH:MM` (UTC), as message and friend lines show it. */
export function minuteStamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ')
}

/** One line on stderr, `tokenim: <ErrorName>: <message>`, and a non-zero exit code. */
export function exitWithError(err: unknown): never {
  const error = err instanceof Error ? err : new Error(String(err))
  const prefix = error.name !== 'Error' ? `${error.name}: ` : ''
  process.stderr.write(`tokenim: ${prefix}${error.message.split('\n')[0]}\n`)
  process.exit(1)
}
