/**
 * A person's profile as friends and rooms see it (doc/friends.md, "Profiles"): this account's
 * display name and avatar, signed by the account key, kept sealed in LevelDB, sent to every
 * friend as a `profile` friend message and to the account's other devices; friends' newest
 * profiles are kept and shown in friend views.
 *
 * @example
 * ```ts
 * import { ProfileService } from './node/profiles/index.ts'
 *
 * const profiles = new ProfileService({ identity, store: storage.sublevel('profiles'), friends, messaging: () => messages, log })
 * await profiles.start()
 * await profiles.set({ displayName: 'Bob Wang 王', avatar: pngBytes }) // sent to every friend
 * profiles.friendProfile(aliceKey)?.displayName
 * ```
 */
export { friendProfileView, profileRoutes, profileView } from './api-routes.ts'
export * from './errors.ts'
export {
  type ProfileChange,
  type ProfileFriends,
  ProfileService,
  type ProfileServiceComponents,
  type ProfileServiceEvents,
} from './profile-service.ts'
export { linkRoomProfiles } from './room-profiles-link.ts'
