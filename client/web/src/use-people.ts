/**
 * Everyone the client can put a name to, by peer id, so that a 1:1 chat with someone who is
 * not (or no longer) a friend still shows a name: friends and pending requests (the node's
 * current view) first, then people blocked, friends removed while the page is open, and
 * people a directory search found. Every name here was vouched for by the directory (the
 * node verified it, or a directory answer named the peer's key); anyone else goes by a
 * short peer id. This account is in it too, marked `self`, so it reads "You" everywhere. The directory maps names to keys only, so a stranger whose name this page
 * never met cannot be named.
 */

import { useCallback, useMemo, useState } from 'preact/hooks'
import type { NameView, PeerRef } from '../../../protocol/local-api.ts'
import type { WebApiClient } from './api-client.ts'
import { useNodeEvent, useStreamOpen } from './node-events.ts'
import type { Person } from './people.ts'
import { useMemberProfiles } from './use-member-profiles.ts'

export interface People {
  byId: ReadonlyMap<string, Person>
  /** Keeps the names a directory answer gave. */
  remember: (names: readonly NameView[]) => void
  /** Fetches the blocked list again (after a block). */
  reloadBlocked: () => void
}

export function usePeople(
  client: WebApiClient,
  friends: ReadonlyMap<string, Person>,
  /** This account: named "You" wherever it appears (a room's members, its messages). */
  self?: Person,
): People {
  const [others, setOthers] = useState<ReadonlyMap<string, Person>>(new Map())
  const memberProfiles = useMemberProfiles(client)

  const keep = useCallback((refs: readonly PeerRef[]) => {
    const named = refs.filter((ref) => ref.name != null)
    if (named.length === 0) return
    setOthers((current) => {
      const next = new Map(current)
      for (const ref of named) next.set(ref.peerId, ref)
      return next
    })
  }, [])

  const reloadBlocked = useCallback(() => {
    // The names are a nicety: a failed fetch leaves short peer ids, and the next one retries.
    client.blocked().then(
      ({ blocked }) => keep(blocked),
      () => {},
    )
  }, [client, keep])

  useStreamOpen(reloadBlocked)
  useNodeEvent('friend:removed', (removed) => keep([removed]))

  const remember = useCallback(
    (names: readonly NameView[]) =>
      keep(
        names.map(({ peerId, publicKey, scopedName }) => ({ peerId, publicKey, name: scopedName })),
      ),
    [keep],
  )

  const byId = useMemo(() => {
    const merged = new Map(friends)
    for (const [peerId, ref] of others) {
      if (merged.get(peerId)?.name == null) merged.set(peerId, ref)
    }
    for (const [peerId, profile] of memberProfiles) {
      const known = merged.get(peerId)
      if (known?.profile == null)
        merged.set(peerId, { ...(known ?? { peerId, name: null }), profile })
    }
    if (self != null) merged.set(self.peerId, { ...self, self: true })
    return merged
  }, [others, friends, self, memberProfiles])
  return { byId, remember, reloadBlocked }
}
