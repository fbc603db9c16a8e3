/** The local API routes of presence settings (declared in protocol/local-api/friends.ts). */
import { FRIENDS_ROUTES } from '../../protocol/local-api/friends.ts'
import { serve } from '../api/declared-route.ts'
import type { Routes } from '../api/local-api-server.ts'
import type { Presence } from './presence-service.ts'

/** `resolve`: the key of a peer named by peer id, hex key or a username we know. */
export function presenceRoutes(
  presence: () => Presence,
  resolve: (peer: string) => Promise<Uint8Array>,
): Routes {
  return {
    ...serve(FRIENDS_ROUTES.presence, async () => presence().settings()),
    ...serve(FRIENDS_ROUTES.setPresence, async ({ body }) => presence().update(body)),
    ...serve(FRIENDS_ROUTES.typing, async ({ body }) => {
      presence().typing(await resolve(body.peer), body.typing)
      return {}
    }),
  }
}
