/**
 * The local API routes of the node's relays (declared in protocol/local-api/relays.ts): the relays it
 * keeps connected to, and the saved list in `<dataDir>/config.json` that the next start reads.
 * Adding or removing a relay takes effect at once and is saved.
 */

import { RELAY_ROUTES } from '../../protocol/local-api/relays.ts'
import type { RelayLinkStatus, RelayListResponse } from '../../protocol/local-api.ts'
import { serve } from '../api/declared-route.ts'
import { ApiError, type Routes } from '../api/local-api-server.ts'
import {
  parseRelayAddresses,
  type RelayBootstrap,
  relayPeerId,
  relaysFromNodeConfig,
  saveRelaysToNodeConfig,
} from '../bootstrap.ts'

export function relayRoutes(bootstrap: () => RelayBootstrap, dataDir: () => string): Routes {
  // Changes to the saved list run one at a time, so two quick edits cannot lose one.
  let changes: Promise<unknown> = Promise.resolve()
  const serially = <T>(change: () => Promise<T>): Promise<T> => {
    const result = changes.then(change)
    changes = result.catch(() => undefined)
    return result
  }

  const list = async (): Promise<RelayListResponse> => {
    const saved = new Set((await relaysFromNodeConfig(dataDir())).map(peerIdOfAddress))
    return {
      relays: bootstrap()
        .status()
        .map((link: RelayLinkStatus) => ({ ...link, saved: saved.has(link.peerId) })),
    }
  }

  return {
    ...serve(RELAY_ROUTES.list, list),
    ...serve(RELAY_ROUTES.add, async ({ body }) =>
      serially(async () => {
        const address = body.address
        const peerId = peerIdOfAddress(address)
        await bootstrap().add(address)
        const saved = await relaysFromNodeConfig(dataDir())
        if (!saved.some((entry) => peerIdOfAddress(entry) === peerId)) {
          await saveRelaysToNodeConfig(dataDir(), [...saved, address])
        }
        return list()
      }),
    ),
    ...serve(RELAY_ROUTES.remove, async ({ body }) =>
      serially(async () => {
        const given = body.address
        const peerId = given.startsWith('/') ? peerIdOfAddress(given) : given
        const saved = await relaysFromNodeConfig(dataDir())
        const kept = saved.filter((entry) => peerIdOfAddress(entry) !== peerId)
        const removed = await bootstrap().remove(peerId)
        if (!removed && kept.length === saved.length) {
          throw new ApiError(404, 'RelayNotFound', `${given} is not one of this node's relays`)
        }
        if (kept.length !== saved.length) await saveRelaysToNodeConfig(dataDir(), kept)
        return list()
      }),
    ),
  }
}

/** @throws InvalidConfigError (a 400) when `address` is no relay multiaddr with its peer id */
function peerIdOfAddress(address: string): string {
  return relayPeerId(parseRelayAddresses([address])[0]).toString()
}
