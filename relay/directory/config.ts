/**
 * What the directory service is told to do. `DirectoryPolicy` has the shape of the relay
 * config's `directory:` section (relay/config.ts), so a parsed config is passed as is;
 * `DirectoryTuning` holds protocol timings that operators have no reason to change.
 */
import type { TokenBucketOptions } from './rate-limiter.ts'
import type { SignupConfig } from './signup/config-schema.ts'

export type RegistrationMode = 'open' | 'invite' | 'pow'

/** The relay config's `directory:` section, as relay/config.ts parses it. */
export interface DirectoryPolicy {
  enabled?: boolean
  /** open: anyone; invite: one of `inviteCodes` (each usable once); pow: a proof of work. */
  registration: RegistrationMode
  inviteCodes: string[]
  /** Leading zero bits of SHA-256 the proof of work needs (policy `pow`). */
  powDifficulty: number
  /** How long a name lives without renewal, ms. */
  nameTtl: number
  /** After expiry, only the old owner may renew for this long, ms; then the name is free. @default min(30 days, nameTtl) */
  graceTtl?: number
  rateLimits: {
    registrationsPerPeerPerHour: number
    lookupsPerPeerPerMinute: number
    /** @default 30 */
    searchesPerPeerPerMinute?: number
    /** Session announcements and profile updates. @default 30 */
    updatesPerPeerPerMinute?: number
    /** Per-IP buckets are this many times larger than per-peer ones (NAT, shared hosts). @default 10 */
    perIpMultiplier?: number
  }
  /** Verifications required before a new name is granted (relay/directory/signup/). @default none */
  signup?: SignupConfig
  /** Failed claims (bad proof, invalid, reserved, taken) within `window` lock a peer out for `duration`. */
  lockout?: {
    /** @default 10 */
    failures: number
    /** ms. @default 10 minutes */
    window: number
    /** ms. @default 15 minutes */
    duration: number
  }
}

export interface DirectoryTuning {
  /** A request/response exchange must finish within this. @default 10 s */
  requestTimeoutMs?: number
  /** A claim's answer (signature and proof of work) must arrive within this. @default 60 s */
  claimTimeoutMs?: number
  /** How often every live name is put into the DHT again. @default 6 h */
  republishIntervalMs?: number
}

export const DEFAULT_DIRECTORY_POLICY: DirectoryPolicy = {
  registration: 'open',
  inviteCodes: [],
  powDifficulty: 20,
  nameTtl: 365 * 86_400_000,
  rateLimits: { registrationsPerPeerPerHour: 5, lookupsPerPeerPerMinute: 120 },
}

export interface ResolvedLimits {
  register: TokenBucketOptions
  lookup: TokenBucketOptions
  search: TokenBucketOptions
  update: TokenBucketOptions
  ipMultiplier: number
}

export function resolveLimits(policy: DirectoryPolicy): ResolvedLimits {
  const perHour = policy.rateLimits.registrationsPerPeerPerHour
  const lookupsPerMinute = policy.rateLimits.lookupsPerPeerPerMinute
  const searches = policy.rateLimits.searchesPerPeerPerMinute ?? 30
  const updates = policy.rateLimits.updatesPerPeerPerMinute ?? 30
  return {
    register: { capacity: perHour, refillPerSecond: perHour / 3600 },
    lookup: { capacity: lookupsPerMinute, refillPerSecond: lookupsPerMinute / 60 },
    search: { capacity: searches, refillPerSecond: searches / 60 },
    update: { capacity: updates, refillPerSecond: updates / 60 },
    ipMultiplier: policy.rateLimits.perIpMultiplier ?? 10,
  }
}
