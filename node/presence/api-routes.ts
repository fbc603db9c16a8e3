/** The local API route of presence settings (path in protocol/local-api.ts). */
import { FRIENDS_API_PATHS, type PresenceSettings } from '../../protocol/local-api.ts'
import { ApiError, type Routes } from '../api/local-api-server.ts'
import type { Presence } from './presence-service.ts'

export function presenceRoutes(presence: () => Presence): Routes {
  return {
    [`GET ${FRIENDS_API_PATHS.presence}`]: async (): Promise<PresenceSettings> =>
      presence().settings(),
    [`PUT ${FRIENDS_API_PATHS.presence}`]: async ({ body }): Promise<PresenceSettings> => {
      const appearOffline = (body as Partial<PresenceSettings> | undefined)?.appearOffline
      if (typeof appearOffline !== 'boolean') {
        throw new ApiError(400, 'InvalidRequest', '"appearOffline" must be true or false')
      }
      return presence().update({ appearOffline })
    },
  }
}
