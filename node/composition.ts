/**
 * The composition root of a whole made of parts (a node, a relay, the node's daemon): its
 * start() builds and starts every part once, in dependency order; its stop() stops them in
 * exactly the reverse order. Safe in any order of calls:
 *
 * - status goes `new` -> `starting` -> `started` -> `stopping` -> `stopped`, once. A whole
 *   runs once: start() after stop() rejects with the "stopped" error (build a new whole to
 *   run again); start() while starting or started shares the first run.
 * - Each part is registered by `add`/`step` as it is built, so what stop() undoes is exactly
 *   what was built, in reverse; no hand-kept list can drift from the start order.
 * - stop() during start marks the stop at once; the part being built finishes, the next
 *   `add`/`step` throws the "stopped" error instead of building, start() rejects with it,
 *   and stop() resolves once every part built is stopped. It never runs beside the start.
 * - A failed start stops what it built before it rejects. stop() never rejects: a part that
 *   fails to stop is reported to `onStopFailure` and the parts before it still stop.
 */

export type CompositionStatus = 'new' | 'starting' | 'started' | 'stopping' | 'stopped'

/** A part that starts and stops itself (libp2p's `Startable` shape). */
export interface Startable {
  start(): unknown
  stop(): unknown
}

/** How to start a built part and how to stop it; both optional (a plain value has neither). */
export interface PartLifecycle<P> {
  start?(part: P): unknown
  stop?(part: P): unknown
}

export interface CompositionInit {
  /** The error start() rejects with when stop() came first. */
  stoppedError(): Error
  /** The error `get` throws for a part not built yet. */
  notStartedError(part: string): Error
  /** A part failed to stop; the others still stop. */
  onStopFailure(part: string, err: unknown): void
}

type StartableName<P> = {
  [K in keyof P & string]: P[K] extends Startable ? K : never
}[keyof P & string]

/** What start()'s build function is given to register parts, in the order it builds them. */
export interface PartBuilder<P> {
  /** Builds a `Startable` part, registers its stop(), then starts it. */
  add<K extends StartableName<P>>(name: K, build: () => P[K] | Promise<P[K]>): Promise<P[K]>
  /** Builds a part, registers `lifecycle.stop`, then runs `lifecycle.start`. */
  add<K extends keyof P & string>(
    name: K,
    build: () => P[K] | Promise<P[K]>,
    lifecycle: PartLifecycle<P[K]>,
  ): Promise<P[K]>
  /** A step that is no part to read back (a file written, a listener added) and its undoing. */
  step(name: string, run: () => unknown, undo?: () => unknown): Promise<void>
}

/** `P` names the parts that can be read back (`get`) and their types. */
export class Composition<P extends object> {
  readonly #init: CompositionInit
  readonly #parts: Partial<P> = {}
  /** Stops of the parts built so far, in start order. */
  readonly #stops: Array<[name: string, stop: () => unknown]> = []
  #status: CompositionStatus = 'new'
  #stopRequested = false
  #starting?: Promise<void>
  #stopping?: Promise<void>
  #released?: Promise<void>

  constructor(init: CompositionInit) {
    this.#init = init
  }

  get status(): CompositionStatus {
    return this.#status
  }

  /** Names of the parts and steps built so far, in start order. */
  get built(): string[] {
    return this.#stops.map(([name]) => name)
  }

  /** The part named `name`; throws the "not started" error until it is built. */
  get<K extends keyof P & string>(name: K): P[K] {
    if (!(name in this.#parts)) throw this.#init.notStartedError(name)
    return this.#parts[name] as P[K]
  }

  /** The part named `name`, or undefined until it is built. */
  find<K extends keyof P & string>(name: K): P[K] | undefined {
    return this.#parts[name]
  }

  /** Runs `build` once (later calls share the first run); rejects once stop() was called. */
  start(build: (parts: PartBuilder<P>) => Promise<void>): Promise<void> {
    if (this.#stopRequested) return Promise.reject(this.#init.stoppedError())
    this.#starting ??= this.#run(build)
    return this.#starting
  }

  /** Runs once; `announce` runs at once, before waiting for a start under way. */
  stop(announce: () => void = () => undefined): Promise<void> {
    this.#stopping ??= (async () => {
      this.#stopRequested = true
      if (this.#status !== 'stopped') this.#status = 'stopping'
      announce()
      await this.#starting?.catch(() => undefined)
      await this.#release()
    })()
    return this.#stopping
  }

  async #run(build: (parts: PartBuilder<P>) => Promise<void>): Promise<void> {
    try {
      this.#checkpoint()
      this.#status = 'starting'
      await build(this.#builder())
      this.#checkpoint()
      this.#status = 'started'
    } catch (err) {
      await this.#release()
      throw err
    }
  }

  #builder(): PartBuilder<P> {
    const add = async <K extends keyof P & string>(
      name: K,
      build: () => P[K] | Promise<P[K]>,
      lifecycle: PartLifecycle<P[K]> = startable as PartLifecycle<P[K]>,
    ): Promise<P[K]> => {
      this.#checkpoint()
      const part = await build()
      this.#parts[name] = part
      this.#stops.push([name, () => lifecycle.stop?.(part)])
      this.#checkpoint()
      await lifecycle.start?.(part)
      return part
    }
    const step = async (name: string, run: () => unknown, undo?: () => unknown) => {
      this.#checkpoint()
      this.#stops.push([name, () => undo?.()])
      await run()
    }
    return { add, step } as PartBuilder<P>
  }

  #checkpoint(): void {
    if (this.#stopRequested) throw this.#init.stoppedError()
  }

  #release(): Promise<void> {
    this.#released ??= (async () => {
      this.#status = 'stopping'
      for (const [name, stop] of [...this.#stops].reverse()) {
        try {
          await stop()
        } catch (err) {
          this.#init.onStopFailure(name, err)
        }
      }
      this.#status = 'stopped'
    })()
    return this.#released
  }
}

const startable: PartLifecycle<Startable> = {
  start: (part) => part.start(),
  stop: (part) => part.stop(),
}
