/**
 * libp2p's ComponentLogger written into a daemon's structured log (pino), so that the
 * libp2p stack and TokenIM's library code (which log through the injected libp2p logger)
 * land in the same JSON lines as the daemon's own, each with its `component`.
 *
 * libp2p's Logger has three calls; their levels here:
 * - `log(...)`: debug (what a developer follows);
 * - `log.error(...)`: warn for TokenIM's own components (`tokenim:*`: something an operator
 *   may act on), debug for libp2p's (failed dials and resets are routine on a network);
 * - `log.trace(...)`: trace.
 * Warn lines are what a stranger can make us write (a bad frame, a refused record), so each
 * component writes at most WARN_LINES_PER_MINUTE of them a minute; the rest are counted
 * and the count written with the component's next line after the minute, so a flood cannot
 * rotate the operator's log away. `enabled` is true only when the logger writes debug
 * lines, so callers skip costly formatting otherwise. The format string takes libp2p's directives (%p, %a, %e, …).
 * `DEBUG=tokenim:*` (the debug module's patterns, as libp2p reads them) still opens the
 * components it names down to debug, whatever the daemon's level.
 */
import type { ComponentLogger, Logger } from '@libp2p/interface'
import type { Logger as PinoLogger } from 'pino'
import { toString as bytesToString } from 'uint8arrays/to-string'
import { WARN_LINES_PER_MINUTE } from '../protocol/limits.ts'

type Level = 'trace' | 'debug' | 'warn'

/** `now`: the clock of the warn budget (tests pass their own). */
export function hostLogger(pino: PinoLogger, now: () => number = Date.now): ComponentLogger {
  const budgets = new Map<string, WarnBudget>()
  const budgetOf = (component: string) => {
    let budget = budgets.get(component)
    if (budget == null) {
      budget = { windowStart: now(), written: 0, left: 0 }
      budgets.set(component, budget)
    }
    return budget
  }
  const warn = (pino: PinoLogger, component: string, line: string) => {
    const budget = budgetOf(component)
    if (now() - budget.windowStart >= 60_000) {
      if (budget.left > 0) {
        pino.warn({ component }, `${budget.left} more lines like these left out in a minute`)
      }
      Object.assign(budget, { windowStart: now(), written: 0, left: 0 })
    }
    if (budget.written >= WARN_LINES_PER_MINUTE) {
      budget.left++
      return
    }
    budget.written++
    pino.warn({ component }, line)
  }
  return { forComponent: (name) => componentLogger(pino, name, warn) }
}

interface WarnBudget {
  windowStart: number
  written: number
  left: number
}

type WarnWriter = (pino: PinoLogger, component: string, line: string) => void

function componentLogger(parent: PinoLogger, component: string, warn: WarnWriter): Logger {
  const ours = component.startsWith('tokenim:')
  const pino =
    debugNamed(component) && !parent.isLevelEnabled('debug')
      ? parent.child({}, { level: 'debug' })
      : parent
  const at =
    (level: Level) =>
    (formatter: unknown, ...args: unknown[]): void => {
      if (!pino.isLevelEnabled(level)) return
      const line = formatLine(formatter, args)
      if (level === 'warn') warn(pino, component, line)
      else pino[level]({ component }, line)
    }
  return Object.assign(at('debug'), {
    error: at(ours ? 'warn' : 'debug'),
    trace: at('trace'),
    enabled: pino.isLevelEnabled('debug'),
    newScope: (name: string) => componentLogger(parent, `${component}:${name}`, warn),
  })
}

/** Whether the DEBUG variable names `component` (`a:*,b`, `-a:c` leaves one out). */
export function debugNamed(component: string, patterns = process.env.DEBUG ?? ''): boolean {
  let named = false
  for (const pattern of patterns.split(/[\s,]+/).filter((p) => p !== '')) {
    const skip = pattern.startsWith('-')
    const glob = (skip ? pattern.slice(1) : pattern).replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    if (!new RegExp(`^${glob.replaceAll('*', '.*')}$`).test(component)) continue
    if (skip) return false
    named = true
  }
  return named
}

/** A debug-style format string and its arguments, as one line. */
export function formatLine(formatter: unknown, args: unknown[]): string {
  if (typeof formatter !== 'string') return [formatter, ...args].map(show).join(' ')
  let next = 0
  const line = formatter.replace(/%([a-zA-Z%])/g, (directive, letter: string) => {
    if (letter === '%') return '%'
    if (next >= args.length) return directive
    const arg = args[next++]
    switch (letter) {
      case 'd':
      case 'i':
        return String(Number(arg))
      case 'e':
        return errorText(arg)
      case 'b':
        return arg instanceof Uint8Array ? bytesToString(arg, 'base58btc') : show(arg)
      case 't':
        return arg instanceof Uint8Array ? bytesToString(arg, 'base32') : show(arg)
      default:
        return show(arg)
    }
  })
  const rest = args.slice(next)
  return rest.length === 0 ? line : [line, ...rest.map(show)].join(' ')
}

function show(value: unknown): string {
  if (typeof value === 'string') return value
  if (value instanceof Error) return errorText(value)
  if (value instanceof Uint8Array) return bytesToString(value, 'base16')
  if (value != null && typeof value === 'object') {
    // PeerId, Multiaddr, CID, datastore Key: their own text form.
    if (value.toString !== Object.prototype.toString) return String(value)
    try {
      return JSON.stringify(value)
    } catch {
      return String(value)
    }
  }
  return String(value)
}

/** An error's name and message; the stack stays out of the line (debug runs print it). */
function errorText(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`
  return String(value)
}
