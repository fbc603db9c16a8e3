/**
 * Where `tokenim start` logs. In the foreground: to stderr, readable lines (JSON lines with
 * --log-json). Detached: the background process is given --log-file node.log and writes
 * everything there, rotated by size (node/node-log.ts): its JSON log lines, and what it
 * prints as JSON lines too, so that no write goes around the rotation and every line parses.
 */
import { Option } from 'commander'
import {
  createNodeLogger,
  LOG_LEVELS,
  type LogLevel,
  type NodeLogger,
  RotatingLogFile,
} from '../../node/index.ts'

export interface DaemonLogOptions {
  logLevel: LogLevel
  logJson?: boolean
  /** Set by `start --detach` for the background process it starts. */
  logFile?: string
}

export const LOG_OPTIONS = [
  new Option('--log-level <level>', 'lowest level logged (debug and trace name peers)')
    .choices(LOG_LEVELS)
    .default('info'),
  new Option('--log-json', 'log JSON lines (always with --detach)'),
  new Option('--log-file <path>', 'log into this file, rotated by size').hideHelp(),
]

/** The logger of a node started with `options`. */
export function daemonLogger(options: DaemonLogOptions): NodeLogger {
  if (options.logFile == null) {
    return createNodeLogger({
      level: options.logLevel,
      format: options.logJson ? 'json' : 'text',
    })
  }
  const file = new RotatingLogFile(options.logFile)
  const logger = createNodeLogger({ level: options.logLevel, format: 'json', destination: file })
  // What the process prints (what a terminal would have shown) is kept whatever the level.
  const printed = logger.child({ printed: true }, { level: 'info' })
  process.stdout.write = linesInto((line) => printed.info(line)) as typeof process.stdout.write
  process.stderr.write = linesInto((line) =>
    // JSON lines (a fatal error's) are log lines already.
    line.startsWith('{') ? file.write(`${line}\n`) : printed.warn(line),
  ) as typeof process.stderr.write
  return logger
}

/** A stream's write() that hands on each non-empty line, so node.log holds JSON lines only. */
function linesInto(take: (line: string) => void) {
  return (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    for (const line of Buffer.from(chunk).toString('utf8').split('\n')) {
      if (line.trim() !== '') take(line)
    }
    const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined
    done?.()
    return true
  }
}
