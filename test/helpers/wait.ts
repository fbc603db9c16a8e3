/** Waiting on events and conditions in tests, always with a deadline, never with sleeps. */
import { watch } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename, dirname } from 'node:path'

/** Resolves with the first event of `type` on `target` that passes `filter`. */
export function waitForEvent<T = unknown>(
  target: EventTarget,
  type: string,
  {
    timeoutMs = 10_000,
    filter = (_: T) => true,
  }: { timeoutMs?: number; filter?: (detail: T) => boolean } = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      target.removeEventListener(type, listener)
      reject(new Error(`no "${type}" event within ${timeoutMs} ms`))
    }, timeoutMs)
    const listener = (event: Event) => {
      const detail = (event as CustomEvent<T>).detail
      if (!filter(detail)) return
      clearTimeout(timer)
      target.removeEventListener(type, listener)
      resolve(detail)
    }
    target.addEventListener(type, listener)
  })
}

/** Fails with `what` in the message if `promise` does not settle within `timeoutMs`. */
export async function withTimeout<T>(
  promise: Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no result within ${timeoutMs} ms`)),
      timeoutMs,
    )
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Resolves with the text of `path` once it appears. Call it before whatever writes the file,
 * and have the writer move a finished file into place, so that no partial text is read.
 */
export function waitForFile(path: string, timeoutMs = 10_000): Promise<string> {
  const watcher = watch(dirname(path))
  const appeared = new Promise<void>((resolve, reject) => {
    watcher.on('change', (_type, name) => {
      if (name === basename(path)) resolve()
    })
    watcher.on('error', reject)
  })
  return withTimeout(appeared, timeoutMs, `file ${path}`)
    .then(() => readFile(path, 'utf8'))
    .finally(() => watcher.close())
}

/**
 * For stubs that have no event of their own: each tells of a change with `notify()`, and
 * `until` checks its condition now and at every change, never on a timer.
 */
export class ChangeSignal {
  readonly #target = new EventTarget()

  notify(): void {
    this.#target.dispatchEvent(new Event('change'))
  }

  async until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
    if (condition()) return
    let listener = () => {}
    const held = new Promise<void>((resolve) => {
      listener = () => {
        if (condition()) resolve()
      }
      this.#target.addEventListener('change', listener)
    })
    try {
      await withTimeout(held, timeoutMs, what)
    } finally {
      this.#target.removeEventListener('change', listener)
    }
  }
}

/** Resolves once `stream` is closed (at once if it already is), whoever closed it. */
export function streamClosed(
  stream: Pick<EventTarget, 'addEventListener'> & { status: string },
  timeoutMs = 10_000,
): Promise<void> {
  if (stream.status !== 'open') return Promise.resolve()
  return withTimeout(
    new Promise<void>((resolve) => stream.addEventListener('close', () => resolve())),
    timeoutMs,
    'stream closed',
  )
}
