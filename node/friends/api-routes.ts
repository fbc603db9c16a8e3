/** The local API routes of friends (paths in protocol/local-api.ts). */
import {
  type AddFriendRequest,
  type AddFriendResponse,
  type BlockedListResponse,
  type BlockedView,
  FRIENDS_API_PATHS,
  type FriendListResponse,
  type FriendPeerRequest,
  type FriendRequestsResponse,
  type FriendView,
  type PeerRef,
} from '../../protocol/local-api.ts'
import { ApiError, type Routes } from '../api/local-api-server.ts'
import { requireNonBlankString } from '../api/request-fields.ts'
import type { Friends } from './friends.ts'

/** What the friend list shows of each friend's presence (node/presence). */
export interface PresenceLookup {
  of(peer: Uint8Array): Pick<FriendView, 'online' | 'lastSeen' | 'reach'>
}

/** What the friend list shows of each friend's devices (node/devices), when it knows them. */
export type DevicesLookup = (peer: Uint8Array) => FriendView['devices']

/** Every friend with its presence and reach: online friends first, then by name or peer id. */
export function friendList(
  friends: Friends,
  presence: PresenceLookup,
  devices?: DevicesLookup,
): FriendView[] {
  const list: FriendView[] = friends.list().map((friend) => {
    const key = new Uint8Array(Buffer.from(friend.publicKey, 'hex'))
    return withDevices({ ...friend, ...presence.of(key) }, key, devices)
  })
  return list.sort(
    (a, b) =>
      Number(b.online) - Number(a.online) || (a.name ?? a.peerId).localeCompare(b.name ?? b.peerId),
  )
}

export function friendsRoutes(
  friends: () => Friends,
  presence: () => PresenceLookup,
  devices?: DevicesLookup,
): Routes {
  return {
    [`GET ${FRIENDS_API_PATHS.list}`]: async (): Promise<FriendListResponse> => ({
      friends: friendList(friends(), presence(), devices),
    }),
    [`GET ${FRIENDS_API_PATHS.requests}`]: async (): Promise<FriendRequestsResponse> =>
      friends().requests(),
    [`POST ${FRIENDS_API_PATHS.add}`]: async ({ body }): Promise<AddFriendResponse> => {
      const request = body as Partial<AddFriendRequest> | undefined
      const note = request?.note ?? ''
      if (typeof note !== 'string') {
        throw new ApiError(400, 'InvalidRequest', '"note" must be a string')
      }
      return friends().add(requireNonBlankString(request?.to, 'to'), note)
    },
    [`POST ${FRIENDS_API_PATHS.accept}`]: async ({ body }): Promise<FriendView> => {
      const friend = await friends().accept(peerOf(body))
      const key = new Uint8Array(Buffer.from(friend.publicKey, 'hex'))
      return withDevices({ ...friend, ...presence().of(key) }, key, devices)
    },
    [`POST ${FRIENDS_API_PATHS.reject}`]: async ({ body }): Promise<PeerRef> =>
      friends().reject(peerOf(body)),
    [`POST ${FRIENDS_API_PATHS.remove}`]: async ({ body }): Promise<PeerRef> =>
      friends().remove(peerOf(body)),
    [`POST ${FRIENDS_API_PATHS.block}`]: async ({ body }): Promise<BlockedView> =>
      friends().block(peerOf(body)),
    [`POST ${FRIENDS_API_PATHS.unblock}`]: async ({ body }): Promise<PeerRef> =>
      friends().unblock(peerOf(body)),
    [`GET ${FRIENDS_API_PATHS.blocked}`]: async (): Promise<BlockedListResponse> => ({
      blocked: friends().blocked(),
    }),
  }
}

function withDevices(friend: FriendView, key: Uint8Array, devices?: DevicesLookup): FriendView {
  const known = devices?.(key)
  return known == null ? friend : { ...friend, devices: known }
}

function peerOf(body: unknown): string {
  return requireNonBlankString((body as Partial<FriendPeerRequest> | undefined)?.peer, 'peer')
}
