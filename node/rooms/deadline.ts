/**
 * Runs `operation` with an abort signal that fires after `timeoutMs`, and never after the
 * operation settled. AbortSignal.timeout() would fire later regardless, and libp2p keeps the
 * signal of a dial on the connection it opened, so a late timeout closes a healthy connection.
 */
export async function withDeadline<T>(
  timeoutMs: number,
  operation: (signal: AbortSignal) => Promise<T>,
  outer?: AbortSignal,
): Promise<T> {
  const controller = new AbortController()
  const timer = setTimeout(
    () => controller.abort(new DOMException('the operation timed out', 'TimeoutError')),
    timeoutMs,
  )
  const forward = () => controller.abort(outer?.reason)
  outer?.addEventListener('abort', forward, { once: true })
  try {
    return await operation(controller.signal)
  } finally {
    clearTimeout(timer)
    outer?.removeEventListener('abort', forward)
  }
}
