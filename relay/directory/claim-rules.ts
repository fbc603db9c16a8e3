/**
 * Who may hold a name: the rules of a claim, as a pure function of what the store holds.
 * One name per lookalike class (skeleton) and one name per identity on a relay; a name
 * whose owner let it lapse past the grace period is free again, and a claim that takes
 * it (or replaces the claimant's own lapsed name) says so in `replaces`, so the store
 * removes those entries in the same batch that writes the new one.
 *
 * How it is kept: the caller reads the two entries that can stand in the way (the holder
 * of the name's skeleton, and the other name the claimant holds) and this function
 * decides; it runs twice per registration, before the challenge (so nobody does proof of
 * work for a name they cannot get) and again under the claim locks, where it counts.
 */
import { AlreadyRegisteredError, NameTakenError } from '../../protocol/directory-errors.ts'
import { usernameSkeleton } from '../../protocol/username.ts'
import type { StoredName } from './name-store.ts'

/** A name with the two indexes it occupies. */
export interface ClaimEntry {
  name: string
  skeleton: string
  owner: string
}

export interface ClaimJudgement {
  /** The claimant holds this very name already. */
  renewal: boolean
  /** Lapsed entries the claim frees. */
  replaces: ClaimEntry[]
}

export interface ClaimStanding {
  /** The name holding the claimed name's skeleton, if any. */
  holder?: StoredName
  /** Another name the claimant holds, if any. */
  owned?: StoredName
}

/** Judges a claim of `name` by `owner`; throws the error the claimant is answered with. */
export function judgeClaim(
  claim: { name: string; owner: string },
  { holder, owned }: ClaimStanding,
  now: number,
  graceMs: number,
): ClaimJudgement {
  const { name, owner } = claim
  const replaces: ClaimEntry[] = []
  let renewal = false
  if (holder != null) {
    const lapsed = holder.expiresMs + graceMs <= now
    if (holder.owner === owner && holder.name === name) {
      renewal = true
    } else if (lapsed) {
      replaces.push(entryOf(holder))
    } else if (holder.owner === owner) {
      throw new AlreadyRegisteredError(
        `you already hold "${holder.name}" here, which looks the same as "${name}"; release it first`,
      )
    } else if (holder.name === name) {
      throw new NameTakenError(`"${name}" is taken on this relay`)
    } else {
      throw new NameTakenError(
        `"${name}" is too similar to the existing name "${holder.name}"; choose another`,
      )
    }
  }
  if (owned != null && owned.name !== name) {
    if (owned.expiresMs + graceMs > now) {
      throw new AlreadyRegisteredError(
        `this identity already holds "${owned.name}" on this relay; release it before claiming "${name}"`,
      )
    }
    if (!replaces.some((entry) => entry.name === owned.name)) replaces.push(entryOf(owned))
  }
  return { renewal, replaces }
}

export function entryOf(stored: StoredName): ClaimEntry {
  return { name: stored.name, skeleton: usernameSkeleton(stored.name), owner: stored.owner }
}
