/**
 * What people who search for this account's username see (the directory profile, published
 * with the username on its relay): the account's one display name, the one friends and rooms
 * see (Settings, "Your name and picture"), and an "about you" line. A WeChat or QQ user has
 * one nickname everywhere, so the directory's display name follows the profile's: each save
 * of either section publishes both fields.
 */
import { MAX_PROFILE_DISPLAY_NAME_LENGTH } from '../../../protocol/limits.ts'
import type { WebApiClient } from './api-client.ts'

/**
 * Publishes the directory profile of our username with `change` applied (what it leaves out
 * stays as published); false when we have no username, so nothing is published.
 */
export async function publishSearchProfile(
  client: WebApiClient,
  change: { displayName?: string; bio?: string },
): Promise<boolean> {
  const own = (await client.names()).names[0]
  if (own == null) return false
  const { profile } = await client.lookupName(own.scopedName)
  const displayName = change.displayName ?? profile?.displayName ?? ''
  await client.setProfile({
    displayName: [...displayName].slice(0, MAX_PROFILE_DISPLAY_NAME_LENGTH).join(''),
    bio: change.bio ?? profile?.bio ?? '',
  })
  return true
}
