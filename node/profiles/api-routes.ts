/** The local API routes of profiles (declared in protocol/local-api/profiles.ts). */
import { avatarDataUrl, avatarFromDataUrl } from '../../protocol/avatar-image.ts'
import type { OpenedFriendProfile } from '../../protocol/friend-profile.ts'
import { PROFILE_ROUTES } from '../../protocol/local-api/profiles.ts'
import type { PersonProfile } from '../../protocol/local-api.ts'
import { serve } from '../api/declared-route.ts'
import type { Routes } from '../api/local-api-server.ts'
import type { ProfileService } from './profile-service.ts'

/** A profile as clients show it: the avatar as a data URL, fields only when set. */
export function profileView(profile: OpenedFriendProfile): PersonProfile {
  return {
    version: profile.version,
    ...(profile.displayName !== '' && { displayName: profile.displayName }),
    ...(profile.avatar != null && { avatar: avatarDataUrl(profile.avatar) }),
  }
}

/** What a friend view shows of the friend's profile, or undefined while none is held. */
export function friendProfileView(
  profiles: Pick<ProfileService, 'friendProfile'> | undefined,
  friend: Uint8Array,
): PersonProfile | undefined {
  const profile = profiles?.friendProfile(friend)
  return profile == null ? undefined : profileView(profile)
}

export function profileRoutes(profiles: () => ProfileService): Routes {
  const own = (profile: OpenedFriendProfile | undefined) => ({
    profile: profile == null ? null : profileView(profile),
  })
  return {
    ...serve(PROFILE_ROUTES.own, async () => own(profiles().own())),
    ...serve(PROFILE_ROUTES.setOwn, async ({ body }) =>
      own(
        await profiles().set({
          displayName: body.displayName,
          avatar:
            body.avatar === undefined
              ? undefined
              : body.avatar === null
                ? null
                : avatarFromDataUrl(body.avatar),
        }),
      ),
    ),
  }
}
