/**
 * Friends: requests with a short note, answers (accept, reject, or none), the friend list and
 * the block list, kept in LevelDB. Friend messages are end-to-end encrypted 1:1 messages of
 * kind SOCIAL through messaging, so they reach a recipient who is offline through the
 * mailbox. Messaging asks `isBlocked` before it decrypts anything. See doc/friends.md.
 *
 * @example
 * ```ts
 * import { Friends } from './node/friends/index.ts'
 *
 * const friends = new Friends({
 *   db: storage.sublevel('friends'),
 *   identity,
 *   messaging: () => messages, // DirectMessages, built with `social: friends`
 *   directory: { lookup: (name) => directory.lookup(name), ownName: async () => undefined },
 *   log,
 *   emit,
 * })
 * await friends.start()
 * await friends.add('bob', 'hi, it is alice') // { status: 'requested', request }
 * // on bob's node: 'friend:request', then friends.accept('alice') -> 'friend:accepted' on both
 * ```
 */

export type { FriendDevices } from './account-reach.ts'
export {
  type FriendExtrasLookup,
  friendList,
  friendsRoutes,
  type PresenceLookup,
} from './api-routes.ts'
export * from './errors.ts'
export { DEFAULT_FRIENDS_RETRY_INTERVAL_MS, Friends } from './friends.ts'
export type {
  DeviceListInbox,
  FriendDirectory,
  FriendEventType,
  FriendsComponents,
  FriendsEvents,
  FriendsInit,
  SocialSender,
} from './friends-contract.ts'
export type { RecoveryEpoch } from './key-rotation.ts'
