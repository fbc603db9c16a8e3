import type { TokenimNode } from '../node/index.ts'

const PUBLISH_RETRY_MS = 500

/**
 * Waits until the node is connected to a relay, then puts its prekey bundle in the DHT until
 * a DHT server confirms it. A node publishes its bundle as it starts, before any relay is
 * connected, so without this nobody could open a session with a fresh demo node for an hour.
 */
export async function whenRelayed(node: TokenimNode, signal: AbortSignal): Promise<void> {
  const bootstrap = node.host.services.relayBootstrap
  if (bootstrap.connectedRelays().length === 0) {
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        signal.removeEventListener('abort', aborted)
        resolve()
      }
      const aborted = () => {
        bootstrap.removeEventListener('relay:connected', done)
        reject(signal.reason)
      }
      bootstrap.addEventListener('relay:connected', done, { once: true })
      signal.addEventListener('abort', aborted, { once: true })
    })
  }
  while (true) {
    signal.throwIfAborted()
    const { confirmed } = await node.prekeyService.publish({ signal }).catch(() => ({
      confirmed: 0,
    }))
    if (confirmed > 0) return
    // The relay is connected but its DHT has not taken us in yet: ask again shortly.
    await new Promise((resolve) => setTimeout(resolve, PUBLISH_RETRY_MS))
  }
}
