import type { TokenimNode } from '../node/index.ts'

/**
 * Resolves once the node holds a connection to one of its relays: registering a username
 * needs one. The prekey bundle needs no help: the node publishes it as soon as it
 * identifies a DHT server (`prekeys:published`), and a first message to a peer whose bundle
 * is not out yet looks again shortly.
 */
export function whenRelayConnected(node: TokenimNode, signal: AbortSignal): Promise<void> {
  const bootstrap = node.host.services.relayBootstrap
  if (bootstrap.connectedRelays().length > 0) return Promise.resolve()
  return new Promise<void>((resolve, reject) => {
    const connected = () => {
      signal.removeEventListener('abort', aborted)
      resolve()
    }
    const aborted = () => {
      bootstrap.removeEventListener('relay:connected', connected)
      reject(signal.reason)
    }
    bootstrap.addEventListener('relay:connected', connected, { once: true })
    signal.addEventListener('abort', aborted, { once: true })
  })
}
