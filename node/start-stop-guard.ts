/**
 * start() and stop() of a whole made of parts (a node, a relay), safe in any order.
 *
 * - start() runs once; its steps call `checkpoint()` between parts, which throws the
 *   "stopped" error once stop() was called. A failed or stopped start releases what it
 *   started before it rejects.
 * - stop() runs once; it marks the stop, waits for start to reach its next checkpoint (or
 *   its end), then releases everything started. A stop during start therefore never runs
 *   beside the start, and leaves no part running nor half-started.
 * - Releasing happens once, whoever asks first, and stops every part even when one fails:
 *   that part's failure is logged.
 */

export interface StartStopGuardInit {
  /** Stops the parts started so far, in reverse order (see `stopEach`). */
  release(): Promise<void>
  /** The error start() rejects with when stop() came first. */
  stoppedError(): Error
}

export class StartStopGuard {
  readonly #init: StartStopGuardInit
  #starting?: Promise<void>
  #stopRequested = false
  #stopping?: Promise<void>
  #released?: Promise<void>

  constructor(init: StartStopGuardInit) {
    this.#init = init
  }

  /** Runs `steps` once (later calls share the first run). */
  start(steps: () => Promise<void>): Promise<void> {
    this.#starting ??= (async () => {
      try {
        this.checkpoint()
        await steps()
        this.checkpoint()
      } catch (err) {
        await this.#release()
        throw err
      }
    })()
    return this.#starting
  }

  /** Between two steps of start: throws once stop() was called. */
  checkpoint(): void {
    if (this.#stopRequested) throw this.#init.stoppedError()
  }

  /** Runs once; `announce` runs at once, before waiting for a start under way. */
  stop(announce: () => void = () => undefined): Promise<void> {
    this.#stopping ??= (async () => {
      this.#stopRequested = true
      announce()
      await this.#starting?.catch(() => undefined)
      await this.#release()
    })()
    return this.#stopping
  }

  #release(): Promise<void> {
    this.#released ??= this.#init.release()
    return this.#released
  }
}

/** A part to stop: its name for the log, and how, or undefined when it was never started. */
export type StoppablePart = [name: string, stop: (() => unknown) | undefined]

/** Stops each part in turn; one that fails is reported to `onFailure` and the rest still stop. */
export async function stopEach(
  parts: StoppablePart[],
  onFailure: (name: string, err: unknown) => void,
): Promise<void> {
  for (const [name, stop] of parts) {
    try {
      await stop?.()
    } catch (err) {
      onFailure(name, err)
    }
  }
}
