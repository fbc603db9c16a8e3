/** The local API routes of friends (declared in protocol/local-api/friends.ts). */

import { FRIENDS_ROUTES } from '../../protocol/local-api/friends.ts'
import type { FriendView } from '../../protocol/local-api.ts'
import { serve } from '../api/declared-route.ts'
import type { Routes } from '../api/local-api-server.ts'
import type { Friends } from './friends.ts'

/** What the friend list shows of each friend's presence (node/presence). */
export interface PresenceLookup {
  of(peer: Uint8Array): Pick<FriendView, 'online' | 'lastSeen' | 'reach'>
}

/**
 * What the friend list shows of each friend beyond friends' own records: its devices
 * (node/devices) and its profile (node/profiles), each when the node holds them.
 */
export type FriendExtrasLookup = (peer: Uint8Array) => Pick<FriendView, 'devices' | 'profile'>

/** Every friend with its presence and reach: online friends first, then by name or peer id. */
export function friendList(
  friends: Friends,
  presence: PresenceLookup,
  extras?: FriendExtrasLookup,
): FriendView[] {
  const list: FriendView[] = friends.list().map((friend) => {
    const key = new Uint8Array(Buffer.from(friend.publicKey, 'hex'))
    return withExtras({ ...friend, ...presence.of(key) }, key, extras)
  })
  return list.sort(
    (a, b) =>
      Number(b.online) - Number(a.online) || (a.name ?? a.peerId).localeCompare(b.name ?? b.peerId),
  )
}

export function friendsRoutes(
  friends: () => Friends,
  presence: () => PresenceLookup,
  extras?: FriendExtrasLookup,
): Routes {
  const routes = FRIENDS_ROUTES
  return {
    ...serve(routes.list, async () => ({ friends: friendList(friends(), presence(), extras) })),
    ...serve(routes.requests, async () => friends().requests()),
    ...serve(routes.add, async ({ body }) => friends().add(body.to, body.note ?? '')),
    ...serve(routes.accept, async ({ body }) => {
      const friend = await friends().accept(body.peer)
      const key = new Uint8Array(Buffer.from(friend.publicKey, 'hex'))
      return withExtras({ ...friend, ...presence().of(key) }, key, extras)
    }),
    ...serve(routes.reject, async ({ body }) => friends().reject(body.peer)),
    ...serve(routes.remove, async ({ body }) => friends().remove(body.peer)),
    ...serve(routes.block, async ({ body }) => friends().block(body.peer)),
    ...serve(routes.unblock, async ({ body }) => friends().unblock(body.peer)),
    ...serve(routes.blocked, async () => ({ blocked: friends().blocked() })),
  }
}

function withExtras(friend: FriendView, key: Uint8Array, extras?: FriendExtrasLookup): FriendView {
  const { devices, profile } = extras?.(key) ?? {}
  return { ...friend, ...(devices != null && { devices }), ...(profile != null && { profile }) }
}
