/**
 * Presence between friends: signed heartbeats every 1.5 s on direct streams of
 * PRESENCE_PROTOCOL, offline after three missed ones or a goodbye, and "appear offline".
 * See doc/friends.md.
 *
 * @example
 * ```ts
 * import { Presence } from './node/presence/index.ts'
 *
 * const presence = new Presence({ host, identity, db: storage.sublevel('presence'), friends, emit })
 * await presence.start()
 * presence.of(bobKey) // { online: true, lastSeen: 1700000000000 }
 * await presence.update({ appearOffline: true }) // friends see us offline
 * ```
 */
export { presenceRoutes } from './api-routes.ts'
export {
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  Presence,
  type PresenceComponents,
  type PresenceFriends,
  type PresenceInit,
} from './presence-service.ts'
