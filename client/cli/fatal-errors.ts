/**
 * The last line of defence of a long-running command (the node, the relay). An error that
 * escaped every handler (an unhandled rejection, an uncaught exception) leaves state that no
 * code expected, so the process must not carry on as if nothing happened, nor die mid-write:
 * the error is logged as one JSON line on stderr (its name, message and stack, nothing else
 * of it, so no request data or secret rides along), the daemon is stopped as on Ctrl+C, and
 * the process exits with FATAL_EXIT_CODE once it has, or after FATAL_STOP_DEADLINE_MS if the
 * stop hangs. Errors after the first are logged too, and change nothing.
 */
import { EXIT_CODES } from './exit-codes.ts'

/** An internal error; a service manager restarts on it. */
export const FATAL_EXIT_CODE = EXIT_CODES.internal
export const FATAL_STOP_DEADLINE_MS = 10_000

export type FatalKind = 'unhandledRejection' | 'uncaughtException'

/** Installs the process-wide handlers; `stop` shuts the daemon down with a reason. */
export function stopOnFatalError(
  stop: (reason: string) => Promise<void>,
  write: (line: string) => void = (line) => process.stderr.write(line),
): void {
  let stopping = false
  const onFatal = (kind: FatalKind, error: unknown) => {
    write(`${fatalLine(kind, error)}\n`)
    if (stopping) return
    stopping = true
    setTimeout(() => process.exit(FATAL_EXIT_CODE), FATAL_STOP_DEADLINE_MS).unref()
    stop(`${kind}: ${errorName(error)}`)
      .catch((err: unknown) => write(`${fatalLine('uncaughtException', err)}\n`))
      .finally(() => process.exit(FATAL_EXIT_CODE))
  }
  process.on('unhandledRejection', (reason) => onFatal('unhandledRejection', reason))
  process.on('uncaughtException', (err) => onFatal('uncaughtException', err))
}

/** The log line of one fatal error: JSON, with only the error's name, message and stack. */
export function fatalLine(kind: FatalKind, error: unknown): string {
  const { name, message, stack } =
    error instanceof Error
      ? error
      : { name: typeof error, message: String(error), stack: undefined }
  return JSON.stringify({
    level: 'fatal',
    time: new Date().toISOString(),
    pid: process.pid,
    msg: `${kind}: the process stops`,
    error: { name, message, stack },
  })
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error
}
