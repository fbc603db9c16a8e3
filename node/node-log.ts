/**
 * The node daemon's log: pino, as the relay's, at a chosen level; JSON lines, or one
 * readable line per entry for a terminal. libp2p and the node's library code log into it
 * through network/host-logger.ts. A detached node writes into node.log, rotated by size:
 * past NODE_LOG_MAX_BYTES the file becomes node.log.1 (node.log.1 becomes .2, and so on),
 * and only NODE_LOG_FILES files are kept, so the folder holds at most their sum.
 *
 * Secrets never reach it: the API token, passwords, keys and the recovery phrase are not
 * logged by any code (checked on a whole run by test/e2e/node-log.test.ts). At debug and
 * trace the lines name peers (friends' peer ids): those levels are for troubleshooting.
 */
import { closeSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { type DestinationStream, type Logger, pino } from 'pino'
import { NODE_LOG_FILES, NODE_LOG_MAX_BYTES } from '../protocol/limits.ts'

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]
export type NodeLogger = Logger

export interface NodeLoggerInit {
  /** @default 'info' */
  level?: LogLevel
  /** `json`: one JSON object per line; `text`: time, level, component and message. @default 'json' */
  format?: 'json' | 'text'
  /** @default process.stderr */
  destination?: DestinationStream
}

export function createNodeLogger(init: NodeLoggerInit = {}): NodeLogger {
  const destination = init.destination ?? process.stderr
  return pino(
    {
      level: init.level ?? 'info',
      base: { service: 'tokenim-node', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    init.format === 'text' ? textLines(destination) : destination,
  )
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
}
/** Fields every line has; the rest are shown as key=value after the message. */
const SHOWN_APART = new Set(['level', 'time', 'msg', 'component', 'service', 'pid'])

/** Re-writes each JSON line as `time LEVEL [component] message key=value…`. */
function textLines(destination: DestinationStream): DestinationStream {
  return {
    write(line: string) {
      const entry = JSON.parse(line) as Record<string, unknown>
      const fields = Object.entries(entry)
        .filter(([key]) => !SHOWN_APART.has(key))
        .map(
          ([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
        )
      const parts = [
        String(entry.time),
        LEVEL_NAMES[entry.level as number] ?? String(entry.level),
        entry.component == null ? undefined : `[${entry.component}]`,
        String(entry.msg ?? ''),
        ...fields,
      ]
      destination.write(`${parts.filter((part) => part != null).join(' ')}\n`)
    },
  }
}

export interface RotatingLogInit {
  /** @default NODE_LOG_MAX_BYTES */
  maxBytes?: number
  /** @default NODE_LOG_FILES */
  files?: number
}

/**
 * A log file rotated by size (see above). Writes are synchronous, so the lines of a process
 * that dies are on disk; a line is never split across two files.
 */
export class RotatingLogFile implements DestinationStream {
  readonly #path: string
  readonly #maxBytes: number
  readonly #files: number
  #fd: number
  #size: number

  constructor(path: string, init: RotatingLogInit = {}) {
    this.#path = path
    this.#maxBytes = init.maxBytes ?? NODE_LOG_MAX_BYTES
    // node.log and node.log.1 at least: rotating is renaming into .1.
    this.#files = Math.max(2, init.files ?? NODE_LOG_FILES)
    this.#fd = openSync(path, 'a', 0o600)
    this.#size = fstatSync(this.#fd).size
  }

  write(text: string | Uint8Array): void {
    const bytes = typeof text === 'string' ? Buffer.from(text) : text
    if (this.#size > 0 && this.#size + bytes.length > this.#maxBytes) this.#rotate()
    writeSync(this.#fd, bytes)
    this.#size += bytes.length
  }

  close(): void {
    closeSync(this.#fd)
  }

  #rotate(): void {
    closeSync(this.#fd)
    rmSync(`${this.#path}.${this.#files - 1}`, { force: true })
    for (let n = this.#files - 2; n >= 1; n--) {
      try {
        renameSync(`${this.#path}.${n}`, `${this.#path}.${n + 1}`)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      }
    }
    renameSync(this.#path, `${this.#path}.1`)
    this.#fd = openSync(this.#path, 'a', 0o600)
    this.#size = 0
  }
}
