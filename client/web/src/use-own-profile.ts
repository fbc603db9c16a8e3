/** This account's profile (display name, avatar), kept current by `profile:changed`. */
import { useCallback, useState } from 'preact/hooks'
import type { PersonProfile, SetOwnProfileRequest } from '../../../protocol/local-api.ts'
import type { WebApiClient } from './api-client.ts'
import { useNodeEvent, useStreamOpen } from './node-events.ts'

export interface OwnProfile {
  /** Undefined until the node answered; null while none was ever set. */
  profile: PersonProfile | null | undefined
  save: (change: SetOwnProfileRequest) => Promise<void>
}

export function useOwnProfile(client: WebApiClient): OwnProfile {
  const [profile, setProfile] = useState<PersonProfile | null | undefined>(undefined)
  useStreamOpen(() => {
    // A failed fetch leaves initials; the next stream open asks again.
    client.ownProfile().then(
      (answer) => setProfile(answer.profile),
      () => {},
    )
  })
  useNodeEvent('profile:changed', (change) => {
    if (change.own) setProfile(change.profile)
  })
  const save = useCallback(
    async (change: SetOwnProfileRequest) =>
      setProfile((await client.setOwnProfile(change)).profile),
    [client],
  )
  return { profile, save }
}
