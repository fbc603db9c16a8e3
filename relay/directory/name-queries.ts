/**
 * Reading names: exact lookups, prefix search, and the signed profiles owners publish.
 *
 * How it is kept: each request is admitted by its own rate-limit bucket first; a lookup
 * answers only names inside their lifetime (a lapsed one is "not found", one within its
 * grace period "expired"); a search scans at most `MAX_SEARCH_SCAN` names whatever the
 * prefix and lists only owners who published a profile, so registering a name alone does
 * not make anyone findable; a profile is stored only when it is signed by the identity
 * that sends it and that identity holds a live name here.
 */
import { bytesEqual } from '../../protocol/bytes.ts'
import { openProfile, wireBytes } from '../../protocol/directory.ts'
import {
  DirectoryRequestError,
  InvalidNameError,
  NameExpiredError,
  NameNotFoundError,
} from '../../protocol/directory-errors.ts'
import { MAX_SEARCH_RESULTS } from '../../protocol/limits.ts'
import type { DirectoryResponse, SearchHit } from '../../protocol/proto/directory.ts'
import { USERNAME_MAX_LENGTH as MAX_PREFIX_LENGTH, normalizeForm } from '../../protocol/username.ts'
import type { Admission } from './admission.ts'
import type { Caller } from './caller.ts'
import type { DirectoryMetrics } from './metrics.ts'
import type { NameStore } from './name-store.ts'
import type { Clock } from './rate-limiter.ts'

/** Scan at most this many names per search, so a common prefix cannot make one search costly. */
const MAX_SEARCH_SCAN = 1_000
const MIN_SEARCH_PREFIX = 2

export interface NameQueriesContext {
  names: NameStore
  /** After expiry, lookups answer "expired" for this long, then "not found". */
  graceMs: number
  admission: Admission
  clock: Clock
  metrics: DirectoryMetrics
}

export class NameQueries {
  private readonly context: NameQueriesContext

  constructor(context: NameQueriesContext) {
    this.context = context
  }

  async lookup(caller: Caller, rawName: string): Promise<Partial<DirectoryResponse>> {
    const { admission, names } = this.context
    admission.admit(caller, 'lookup')
    const name = normalizeForm(rawName)
    const stored = await names.byName(name)
    const now = this.context.clock()
    if (stored == null || stored.expiresMs + this.context.graceMs <= now) {
      throw new NameNotFoundError(`no name "${name}" on this relay`)
    }
    if (stored.expiresMs <= now) {
      throw new NameExpiredError(`"${name}" expired and its owner has not renewed it`)
    }
    this.context.metrics.lookups.inc()
    const profile = await names.profileOf(stored.owner)
    return { nameRecord: wireBytes(stored.record), profile: wireBytes(profile) }
  }

  async search(
    caller: Caller,
    rawPrefix: string,
    requested: number,
  ): Promise<Partial<DirectoryResponse>> {
    const { admission, names } = this.context
    admission.admit(caller, 'search')
    const prefix = searchPrefix(rawPrefix)
    const limit = searchLimit(requested)
    const now = this.context.clock()
    const profiles = new Map<string, Uint8Array>()
    const found = await names.namesWithPrefix(prefix, limit, MAX_SEARCH_SCAN, async (stored) => {
      if (stored.expiresMs <= now) return false
      const profile = await names.profileOf(stored.owner)
      if (profile != null) profiles.set(stored.owner, profile)
      return profile != null
    })
    this.context.metrics.searches.inc()
    const hits: SearchHit[] = found.map((stored) => ({
      nameRecord: wireBytes(stored.record),
      profile: wireBytes(profiles.get(stored.owner) ?? new Uint8Array(0)),
    }))
    return { search: { hits } }
  }

  async setProfile(caller: Caller, bytes: Uint8Array): Promise<Partial<DirectoryResponse>> {
    const { admission, names } = this.context
    admission.admit(caller, 'update')
    let opened: ReturnType<typeof openProfile>
    try {
      opened = openProfile(bytes)
    } catch (err) {
      throw new DirectoryRequestError(`the profile does not verify: ${(err as Error).message}`)
    }
    if (!bytesEqual(opened.publicKey, caller.publicKey)) {
      throw new DirectoryRequestError('a profile must be signed by the identity that sends it')
    }
    const name = await names.nameOfOwner(caller.owner)
    const stored = name == null ? undefined : await names.byName(name)
    if (stored == null || stored.expiresMs <= this.context.clock()) {
      throw new NameNotFoundError('register a name on this relay before publishing a profile')
    }
    await names.putProfile(caller.owner, bytes)
    return { accepted: true }
  }
}

/** The normalized search prefix, or InvalidNameError when it cannot start a name. */
export function searchPrefix(raw: string): string {
  const prefix = raw.normalize('NFKC').toLowerCase().normalize('NFKC')
  if (
    prefix.length < MIN_SEARCH_PREFIX ||
    prefix.length > MAX_PREFIX_LENGTH ||
    !/^[a-z0-9._-]+$/.test(prefix)
  ) {
    throw new InvalidNameError(
      'character',
      `search for ${MIN_SEARCH_PREFIX} to ${MAX_PREFIX_LENGTH} characters of a-z, 0-9, _ . -`,
    )
  }
  return prefix
}

/** How many hits a search returns: 10 when unset, never more than MAX_SEARCH_RESULTS. */
export function searchLimit(requested: number): number {
  return Math.min(Math.max(1, requested || 10), MAX_SEARCH_RESULTS)
}
