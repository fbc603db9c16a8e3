/** Waiting on state that an event announces, with a deadline: never on sleeps. */

/**
 * Resolves once `condition()` holds: checked now, then after each `event` on `target`.
 * Rejects with `what` in the message after `timeoutMs`, or with what `condition()` throws.
 */
export function waitFor(
  target: EventTarget | { addEventListener: unknown; removeEventListener: unknown },
  event: string,
  condition: () => boolean,
  what: string,
  timeoutMs: number,
): Promise<void> {
  if (condition()) return Promise.resolve()
  const eventTarget = target as EventTarget
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      eventTarget.removeEventListener(event, listener)
      reject(new Error(`${what}: not within ${timeoutMs} ms`))
    }, timeoutMs)
    const listener = () => {
      let met: boolean
      try {
        met = condition()
      } catch (err) {
        clearTimeout(timer)
        eventTarget.removeEventListener(event, listener)
        reject(err)
        return
      }
      if (!met) return
      clearTimeout(timer)
      eventTarget.removeEventListener(event, listener)
      resolve()
    }
    eventTarget.addEventListener(event, listener)
  })
}
