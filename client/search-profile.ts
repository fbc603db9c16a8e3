/**
 * What people who search for this account's username see (the directory profile, published
 * with the username on its relay): the account's one display name, the one friends and rooms
 * see (the web client's Settings, "Your name and picture"; `tokenim profile set --name`),
 * and an "about you" line. A WeChat or QQ user has one nickname everywhere, so the
 * directory's display name follows the profile's: each change of it publishes it there too.
 */
import { MAX_PROFILE_DISPLAY_NAME_LENGTH } from '../protocol/limits.ts'
import type { TokenimApi } from './tokenim-api.ts'

/**
 * Publishes the directory profile of our username with `change` applied: a profile is
 * published whole, so every other field stays as published (the CLI may have set an e-mail
 * or an age); false when we have no username, so nothing is published.
 */
export async function publishSearchProfile(
  client: Pick<TokenimApi, 'names' | 'lookupName' | 'setProfile'>,
  change: { displayName?: string; bio?: string },
): Promise<boolean> {
  const own = (await client.names()).names[0]
  if (own == null) return false
  const { profile } = await client.lookupName(own.scopedName)
  const displayName = change.displayName ?? profile?.displayName ?? ''
  await client.setProfile({
    ...profile,
    displayName: [...displayName].slice(0, MAX_PROFILE_DISPLAY_NAME_LENGTH).join(''),
    bio: change.bio ?? profile?.bio ?? '',
  })
  return true
}
