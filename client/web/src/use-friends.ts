/**
 * Friends, pending requests, presence and reach, kept current by the node's events: a friend
 * request, an acceptance, a removal, a presence change, a change in how a friend is reached
 * a friend's new device list and a friend's new profile each update what is shown at once.
 */

import { useCallback, useMemo, useRef, useState } from 'preact/hooks'
import type {
  FriendRequestsResponse,
  FriendView,
  PeerRef,
  PresenceView,
} from '../../../protocol/local-api.ts'
import type { WebApiClient } from './api-client.ts'
import { describeError } from './errors.ts'
import { useNodeEvent, useStreamOpen } from './node-events.ts'
import type { Person } from './people.ts'

export interface Friends {
  friends: FriendView[]
  requests: FriendRequestsResponse
  /** Everyone the node knows a name for (friends and requests), by peer id. */
  people: ReadonlyMap<string, Person>
  error: string | null
  reload: () => Promise<void>
}

const NO_REQUESTS: FriendRequestsResponse = { incoming: [], outgoing: [] }

export function useFriends(client: WebApiClient): Friends {
  const [friends, setFriends] = useState<FriendView[]>([])
  const [requests, setRequests] = useState<FriendRequestsResponse>(NO_REQUESTS)
  const [error, setError] = useState<string | null>(null)
  // Presence heard while a list was on its way is newer than that list: it wins.
  const heard = useRef(new Map<string, PresenceView & { heardAt: number }>())

  const reload = useCallback(async () => {
    const startedAt = performance.now()
    try {
      const [list, pending] = await Promise.all([client.friends(), client.friendRequests()])
      setFriends(
        list.friends.map((friend) => {
          const presence = heard.current.get(friend.peerId)
          return presence != null && presence.heardAt >= startedAt
            ? {
                ...friend,
                online: presence.online,
                lastSeen: presence.lastSeen,
                devicePresence: presence.devicePresence ?? friend.devicePresence,
              }
            : friend
        }),
      )
      setRequests(pending)
      setError(null)
    } catch (err) {
      setError(describeError(err))
    }
  }, [client])

  useStreamOpen(() => void reload())
  useNodeEvent('friend:request', () => void reload())
  useNodeEvent('friend:accepted', () => void reload())
  useNodeEvent('friend:rejected', () => void reload())
  useNodeEvent('friend:removed', () => void reload())
  // A connection to a friend opened or closed: the list shows the path its messages take now.
  useNodeEvent('friend:reach', ({ peerId, reach }) => {
    setFriends((current) =>
      current.map((friend) => (friend.peerId === peerId ? { ...friend, reach } : friend)),
    )
  })
  // A friend's newer profile: their name and picture everywhere at once.
  useNodeEvent('profile:changed', ({ peerId, own, profile }) => {
    if (own) return
    setFriends((current) =>
      current.map((friend) => (friend.peerId === peerId ? { ...friend, profile } : friend)),
    )
  })
  // A friend's device list changed: "alice · 2 devices".
  useNodeEvent('friend:devices', ({ peerId, devices }) => {
    setFriends((current) =>
      current.map((friend) => (friend.peerId === peerId ? { ...friend, devices } : friend)),
    )
  })
  useNodeEvent('presence:changed', (presence) => {
    heard.current.set(presence.peerId, { ...presence, heardAt: performance.now() })
    setFriends((current) =>
      current.map((friend) =>
        friend.peerId === presence.peerId
          ? { ...friend, online: presence.online, lastSeen: presence.lastSeen }
          : friend,
      ),
    )
  })

  const people = useMemo(() => {
    const byId = new Map<string, PeerRef>()
    for (const peer of [...requests.incoming, ...requests.outgoing, ...friends]) {
      byId.set(peer.peerId, peer)
    }
    return byId
  }, [friends, requests])

  return { friends, requests, people, error, reload }
}
