/** Password or code attempts in processes of their own (lockout-attempt-child.ts), for lockout tests. */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { withTimeout } from './wait.ts'

const CHILD = join(import.meta.dirname, 'lockout-attempt-child.ts')

/**
 * A process that, once it printed "ready" and is sent a line, tries `password` (and `code`, as
 * for a sensitive action) on the keystore in `dir`, with its clock fixed at `nowMs`.
 */
export function startAttempt(
  dir: string,
  password: string,
  nowMs: number,
  code?: string,
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [
    '--experimental-transform-types',
    '--disable-warning=ExperimentalWarning',
    CHILD,
    dir,
    password,
    String(nowMs),
    ...(code == null ? [] : [code]),
  ])
}

const lineReaders = new WeakMap<ChildProcessWithoutNullStreams, AsyncIterator<string>>()

/** The child's next line of output. */
export async function nextLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  let lines = lineReaders.get(child)
  if (lines == null) {
    lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
    lineReaders.set(child, lines)
  }
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the attempt process exited (${code}) before answering`)
  })
  const next = await withTimeout(Promise.race([lines.next(), exited]), 30_000, 'attempt process')
  return next.value
}

/** Starts every attempt at the same moment; their outcomes, in order. */
export async function attemptTogether(
  children: ChildProcessWithoutNullStreams[],
): Promise<string[]> {
  await Promise.all(children.map((child) => nextLine(child)))
  for (const child of children) child.stdin.write('go\n')
  return Promise.all(children.map((child) => nextLine(child)))
}
