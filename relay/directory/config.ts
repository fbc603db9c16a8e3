/**
 * What the directory service is told to do. `DirectoryPolicy` has the shape of the relay
 * config's `directory:` section (relay/config.ts), so a parsed config is passed as is; the
 * finer knobs below it have defaults here and are not (yet) in the config file.
 */
import type { TokenBucketOptions } from './rate-limiter.ts'

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
  rateLimits: {
    registrationsPerPeerPerHour: number
    lookupsPerPeerPerMinute: number
  }
}

export interface DirectoryTuning {
  /** After expiry, only the old owner may renew for this long; then the name is free. @default min(30 days, nameTtl) */
  graceMs?: number
  /** Per-IP buckets are this many times larger than per-peer ones (NAT, shared hosts). @default 10 */
  ipMultiplier?: number
  /** Searches per peer per minute. @default 30 */
  searchesPerPeerPerMinute?: number
  /** Session announcements and profile updates per peer per minute. @default 30 */
  updatesPerPeerPerMinute?: number
  /** Failed claims (bad proof, invalid, reserved, taken) within `lockoutWindowMs` before a lockout. @default 10 */
  lockoutFailures?: number
  /** @default 10 minutes */
  lockoutWindowMs?: number
  /** @default 15 minutes */
  lockoutMs?: number
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

export function resolveLimits(policy: DirectoryPolicy, tuning: DirectoryTuning): ResolvedLimits {
  const perHour = policy.rateLimits.registrationsPerPeerPerHour
  const lookupsPerMinute = policy.rateLimits.lookupsPerPeerPerMinute
  const searches = tuning.searchesPerPeerPerMinute ?? 30
  const updates = tuning.updatesPerPeerPerMinute ?? 30
  return {
    register: { capacity: perHour, refillPerSecond: perHour / 3600 },
    lookup: { capacity: lookupsPerMinute, refillPerSecond: lookupsPerMinute / 60 },
    search: { capacity: searches, refillPerSecond: searches / 60 },
    update: { capacity: updates, refillPerSecond: updates / 60 },
    ipMultiplier: tuning.ipMultiplier ?? 10,
  }
}
