/**
 * The start/stop bookkeeping of a background service (each part a composition root builds):
 * a signal that aborts when the service stops, work tracked so that stop() waits for it, and
 * sections that run one at a time. stop() returns once the work tracked and the exclusive
 * sections queued are done, so a service's store is quiet when the database closes after it.
 */
import type { AbortOptions } from '@libp2p/interface'

export class ServiceLifecycle {
  readonly #notRunning: () => Error
  #controller?: AbortController
  #stopping?: Promise<void>
  #serial: Promise<unknown> = Promise.resolve()
  readonly #inFlight = new Set<Promise<unknown>>()

  /** `notRunning` makes the error for calls made while the service is stopped. */
  constructor(notRunning: () => Error) {
    this.#notRunning = notRunning
  }

  get running(): boolean {
    return this.#controller != null && !this.#controller.signal.aborted
  }

  /** Returns false when already running. */
  start(): boolean {
    if (this.running) return false
    this.#controller = new AbortController()
    this.#stopping = undefined
    return true
  }

  /**
   * Aborts work under way; `beforeWait` runs once the signal fired (clear timers, end what
   * the service opened), and is awaited. Then waits for tracked work and exclusive sections.
   * A second call shares the first.
   */
  stop(beforeWait?: () => void | Promise<void>): Promise<void> {
    const controller = this.#controller
    if (controller == null) return Promise.resolve()
    this.#stopping ??= (async () => {
      controller.abort(this.#notRunning())
      await beforeWait?.()
      await Promise.allSettled([...this.#inFlight, this.#serial])
      if (this.#controller === controller) this.#controller = undefined
    })()
    return this.#stopping
  }

  /** A signal that aborts on stop() or on the caller's own signal. */
  signal(options: AbortOptions = {}): AbortSignal {
    if (this.#controller == null || this.#controller.signal.aborted) throw this.#notRunning()
    const stopped = this.#controller.signal
    return options.signal == null ? stopped : AbortSignal.any([stopped, options.signal])
  }

  /** Runs `operation` after every earlier one: keeps read-modify-write sequences whole. */
  exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#serial.then(operation)
    this.#serial = result.catch(() => undefined)
    return result
  }

  /** Refuses work while stopped, and lets stop() wait for work under way. */
  track<T>(operation: () => Promise<T>): Promise<T> {
    if (!this.running) return Promise.reject(this.#notRunning())
    const promise = operation()
    this.#inFlight.add(promise)
    const forget = () => this.#inFlight.delete(promise)
    void promise.then(forget, forget)
    return promise
  }
}
