/** A person's profile as friends and rooms see it: display name and avatar (protocol/friend-profile.ts). */
import { z } from 'zod'
import { PROFILE_API_PATHS } from './paths.ts'
import { apiRoute, named } from './route.ts'

/** A signed profile as clients show it; each field only when its owner set it. */
export const PersonProfile = named(
  'PersonProfile',
  z.object({
    /** At most 64 characters. */
    displayName: z.string().optional(),
    /** A `data:image/(png|jpeg|webp);base64,` URL of at most 96×96 pixels and 16 KiB. */
    avatar: z.string().optional(),
    /** Grows with each change. */
    version: z.number(),
  }),
)
export type PersonProfile = z.infer<typeof PersonProfile>

export const OwnProfileResponse = named(
  'OwnProfileResponse',
  z.object({
    /** Null while this account never set one. */
    profile: PersonProfile.nullable(),
  }),
)
export type OwnProfileResponse = z.infer<typeof OwnProfileResponse>

export const SetOwnProfileRequest = named(
  'SetOwnProfileRequest',
  z.object({
    /** Left out: unchanged; '': none. At most 64 characters, no control characters. */
    displayName: z.string().max(64).optional(),
    /**
     * Left out: unchanged; null: none. A `data:image/(png|jpeg|webp);base64,` URL of at most
     * 96×96 pixels and 16 KiB (clients downsize first): InvalidAvatarError otherwise.
     */
    avatar: z
      .string()
      .max(32 * 1024)
      .nullable()
      .optional(),
  }),
)
export type SetOwnProfileRequest = z.infer<typeof SetOwnProfileRequest>

/** `profile:changed`: a friend's newer profile arrived, or ours changed (`own`). */
export const ProfileChangedEvent = named(
  'ProfileChangedEvent',
  z.object({
    peerId: z.string(),
    own: z.boolean(),
    profile: PersonProfile,
  }),
)
export type ProfileChangedEvent = z.infer<typeof ProfileChangedEvent>

export const PROFILE_ROUTES = {
  own: apiRoute({
    method: 'GET',
    path: PROFILE_API_PATHS.own,
    summary: 'Our profile: display name and avatar',
    response: OwnProfileResponse,
  }),
  setOwn: apiRoute({
    method: 'PUT',
    path: PROFILE_API_PATHS.own,
    summary: 'Signs the next version of our profile and sends it to every friend',
    body: SetOwnProfileRequest,
    response: OwnProfileResponse,
  }),
}
