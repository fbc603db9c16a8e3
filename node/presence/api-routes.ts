/** The local API routes of presence settings (declared in protocol/local-api/friends.ts). */
import { FRIENDS_ROUTES } from '../../protocol/local-api/friends.ts'
import { serve } from '../api/declared-route.ts'
import type { Routes } from '../api/local-api-server.ts'
import type { Presence } from './presence-service.ts'

export function presenceRoutes(presence: () => Presence): Routes {
  return {
    ...serve(FRIENDS_ROUTES.presence, async () => presence().settings()),
    ...serve(FRIENDS_ROUTES.setPresence, async ({ body }) =>
      presence().update({ appearOffline: body.appearOffline }),
    ),
  }
}
