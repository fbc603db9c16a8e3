/**
 * The relay's config file (YAML): its schema, defaults and loader. Durations are written as
 * `30s`, `5m`, `2h`, `365d` (or a number of seconds) and parsed to milliseconds; sizes as
 * `128KiB`, `1MiB` (or a number of bytes) and parsed to bytes. Unknown fields are errors, so
 * a misspelt setting never silently falls back to its default.
 */
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { DEFAULT_DHT_QUOTA_LIMITS as QUOTAS } from '../network/dht-quotas/write-ledger.ts'
import { applyRelayEnv } from './config-env.ts'
import { DEFAULT_RELAY_LISTEN } from './config-template.ts'
import { anchorSecretFiles, signupSchema } from './directory/signup/config-schema.ts'
import { InvalidConfigError } from './errors.ts'

const DURATION_UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
const SIZE_UNITS = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 } as const

/** A duration in the file; milliseconds once parsed. */
const duration = z.union([
  z
    .number()
    .positive()
    .transform((seconds) => Math.round(seconds * 1000)),
  z
    .string()
    .regex(/^\d+(ms|s|m|h|d)$/, 'expected a duration such as 30s, 5m, 2h or 7d')
    .transform((text) => {
      const [, amount, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(text)!
      return Number(amount) * DURATION_UNITS_MS[unit as keyof typeof DURATION_UNITS_MS]
    }),
])

/** A size in the file; bytes once parsed. */
const size = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d+(B|KiB|MiB|GiB)$/, 'expected a size such as 512KiB, 1MiB or 1GiB')
    .transform((text) => {
      const [, amount, unit] = /^(\d+)(B|KiB|MiB|GiB)$/.exec(text)!
      return Number(amount) * SIZE_UNITS[unit as keyof typeof SIZE_UNITS]
    }),
])

const count = z.number().int().positive()
const port = z.number().int().min(0).max(65_535)
const multiaddrText = z
  .string()
  .regex(/^\/(ip4|ip6|dns|dns4|dns6)\//, 'expected a multiaddr such as /ip4/0.0.0.0/tcp/4001')

const connectionLimitsSchema = z
  .object({
    /** Connections the relay holds at once, nodes and other relays together. */
    maxConnections: count.default(1_000),
    /** New inbound connections per second accepted from one IP address. */
    inboundConnectionThreshold: count.default(5),
    /** Inbound connections still in their handshake at once. */
    maxIncomingPendingConnections: count.default(10),
  })
  .strict()

const circuitRelaySchema = z
  .object({
    /** Nodes that may hold a reservation (be reachable through this relay) at once. */
    maxReservations: count.default(1_024),
    /** How long a reservation lasts before the node must renew it. */
    reservationTtl: duration.default(2 * 3_600_000),
    /** Longest life of one relayed connection. */
    durationLimit: duration.default(5 * 60_000),
    /** Most bytes relayed over one relayed connection, each direction. */
    dataLimit: size.default(1024 ** 2),
    /** A node must finish a relay request within this time. */
    hopTimeout: duration.default(30_000),
  })
  .strict()

/**
 * What one writer may store in the relay's DHT (mailbox deposits, prekey bundles, provider
 * records...). Over a quota its puts are refused, logged and counted.
 */
const dhtQuotasSchema = z
  .object({
    recordsPerPeerPerHour: count.default(QUOTAS.recordsPerPeerPerHour),
    bytesPerPeerPerHour: size.default(QUOTAS.bytesPerPeerPerHour),
    /** In all: refills evenly over 30 days, the longest a record lives. */
    recordsPerPeer: count.default(QUOTAS.recordsPerPeer),
    bytesPerPeer: size.default(QUOTAS.bytesPerPeer),
    /** Quotas per IP address (an IPv6 /64) are this many times the per-peer ones. */
    perIpMultiplier: count.default(QUOTAS.perIpMultiplier),
    /** Peers and addresses whose usage is remembered; the least recently seen go first. */
    maxTrackedWriters: count.min(2).default(QUOTAS.maxTrackedWriters),
  })
  .strict()

const metricsSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Keep it on loopback unless a firewall guards the port: metrics tell about traffic. */
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(9464),
  })
  .strict()

const healthSchema = z
  .object({
    /** Serve GET /health on the metrics host and port. */
    enabled: z.boolean().default(true),
  })
  .strict()

const logSchema = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict()

/** Who may register a username on this relay. */
export const REGISTRATION_POLICIES = ['open', 'invite', 'pow'] as const
export type RegistrationPolicy = (typeof REGISTRATION_POLICIES)[number]

const directorySchema = z
  .object({
    enabled: z.boolean().default(true),
    /** open: anyone; invite: only with one of `inviteCodes`; pow: after a proof of work. */
    registration: z.enum(REGISTRATION_POLICIES).default('open'),
    inviteCodes: z.array(z.string().min(8, 'invite codes need at least 8 characters')).default([]),
    /** Leading zero bits the proof of work must have (policy `pow`). */
    powDifficulty: z.number().int().min(1).max(32).default(20),
    /** A name not renewed within this time expires. */
    nameTtl: duration.default(365 * 86_400_000),
    /** After expiry, only the old owner may renew for this long; then the name is free. */
    graceTtl: duration.optional(),
    rateLimits: z
      .object({
        /** Registrations and renewals one peer may make per hour. */
        registrationsPerPeerPerHour: count.default(5),
        /** Lookups one peer may make per minute. */
        lookupsPerPeerPerMinute: count.default(120),
        /** Directory searches one peer may make per minute. */
        searchesPerPeerPerMinute: count.default(30),
        /** Session announcements and profile updates one peer may make per minute. */
        updatesPerPeerPerMinute: count.default(30),
        /** Limits per IP address are this many times the per-peer ones (NAT, shared hosts). */
        perIpMultiplier: count.default(10),
      })
      .strict()
      .prefault({}),
    /** Repeated failed claims (bad proof, reserved or taken names) lock a peer out for a while. */
    lockout: z
      .object({
        failures: count.default(10),
        window: duration.default(10 * 60_000),
        duration: duration.default(15 * 60_000),
      })
      .strict()
      .prefault({}),
    /** Verifications (e-mail or phone code, OpenID login) required before a name is granted. */
    signup: signupSchema.prefault({}),
  })
  .strict()
  .superRefine((directory, context) => {
    if (directory.registration === 'invite' && directory.inviteCodes.length === 0) {
      context.addIssue({
        code: 'custom',
        path: ['inviteCodes'],
        message: 'registration "invite" needs at least one invite code',
      })
    }
  })

/** STUN and TURN servers offered to nodes for voice calls (doc/calls.md, "NAT"). */
const turnSchema = z
  .object({
    /** e.g. turn:turn.example.org:3478?transport=udp, stun:turn.example.org:3478. Empty: none. */
    urls: z
      .array(
        z
          .string()
          .regex(/^(stun|stuns|turn|turns):[^\s]+$/, 'expected a stun: or turn: URL')
          .max(256),
      )
      .max(4)
      .default([]),
    /** coturn's static-auth-secret (use-auth-secret), inline, by environment variable or file. */
    secret: z.string().min(16, 'a TURN secret needs at least 16 characters').optional(),
    secretEnv: z.string().min(1).optional(),
    secretFile: z.string().min(1).optional(),
    /** How long the TURN credentials a node gets work. */
    credentialTtl: duration.default(24 * 3_600_000),
  })
  .strict()

export const relayConfigSchema = z
  .object({
    /** Where relay.key and the database live; relative to the config file's folder. */
    dataDir: z.string().min(1).optional(),
    listen: z.array(multiaddrText).default([...DEFAULT_RELAY_LISTEN]),
    /** Public addresses to hand out instead of the listen addresses (behind NAT or a proxy). */
    announce: z.array(multiaddrText).default([]),
    /** Other relays of the same network to stay connected to, so their DHTs form one. */
    peers: z
      .array(
        z
          .string()
          .regex(
            /^\/.+\/p2p\/[1-9A-HJ-NP-Za-km-z]+$/,
            'expected a relay multiaddr ending in /p2p/<peer id>',
          ),
      )
      .default([]),
    /** Keep loopback and LAN addresses in DHT answers: test networks and LANs only. */
    allowPrivateAddresses: z.boolean().default(false),
    limits: connectionLimitsSchema.prefault({}),
    circuitRelay: circuitRelaySchema.prefault({}),
    dhtQuotas: dhtQuotasSchema.prefault({}),
    metrics: metricsSchema.prefault({}),
    health: healthSchema.prefault({}),
    log: logSchema.prefault({}),
    directory: directorySchema.prefault({}),
    turn: turnSchema.prefault({}),
  })
  .strict()

/** A parsed relay config: durations in ms, sizes in bytes, every default filled in. */
export type RelayConfig = Omit<z.output<typeof relayConfigSchema>, 'dataDir'> & {
  /** Absolute path of the relay's data folder. */
  dataDir: string
}
/** The `directory:` section, for the username directory service. */
export type DirectoryConfig = RelayConfig['directory']
/** What a config file or a test may give; every field is optional but `dataDir`. */
export type RelayConfigInput = z.input<typeof relayConfigSchema> & { dataDir: string }

// Marks a config parseRelayConfig made, so that its durations (ms) are not read again as seconds.
const PARSED = Symbol('tokenim.relay-config.parsed')

export function isParsedRelayConfig(config: unknown): config is RelayConfig {
  return typeof config === 'object' && config != null && PARSED in config
}

/**
 * Checks and completes a config given as a plain object (a parsed YAML file, or a test's
 * literal). `baseDir` anchors a relative `dataDir`.
 * @throws InvalidConfigError naming the field path and the reason
 */
export function parseRelayConfig(
  raw: unknown,
  baseDir = process.cwd(),
  source?: string,
): RelayConfig {
  const result = relayConfigSchema.safeParse(raw ?? {}, { reportInput: true })
  if (!result.success) {
    const problems = result.error.issues.map(describeIssue).join('; ')
    throw new InvalidConfigError(source == null ? problems : `${problems} (in ${source})`)
  }
  const config = {
    ...result.data,
    dataDir: resolve(baseDir, result.data.dataDir ?? '.'),
    directory: {
      ...result.data.directory,
      signup: anchorSecretFiles(result.data.directory.signup, baseDir),
    },
    turn: {
      ...result.data.turn,
      secretFile:
        result.data.turn.secretFile == null
          ? undefined
          : resolve(baseDir, result.data.turn.secretFile),
    },
  }
  Object.defineProperty(config, PARSED, { value: true })
  return config
}

/**
 * Reads and checks a YAML config file, with the `TOKENIM_RELAY__*` variables of `env` on top
 * (config-env.ts); a relative `dataDir` is taken from the file's folder.
 */
export async function loadRelayConfig(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RelayConfig> {
  const absolute = resolve(path)
  let text: string
  try {
    text = await readFile(absolute, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new InvalidConfigError(
      code === 'ENOENT'
        ? `no config file at ${absolute}: create one with "tokenim relay init"`
        : `cannot read ${absolute}: ${(err as Error).message}`,
    )
  }
  let raw: unknown
  try {
    raw = parseYaml(text)
  } catch (err) {
    throw new InvalidConfigError(
      `${absolute} is not valid YAML: ${(err as Error).message.split('\n')[0]}`,
    )
  }
  const { config, applied } = applyRelayEnv(raw, env)
  const source = applied.length === 0 ? absolute : `${absolute}, with ${applied.join(', ')}`
  return parseRelayConfig(config, dirname(absolute), source)
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length > 0 ? issue.path.join('.') : '(top level)'
  switch (issue.code) {
    case 'invalid_type':
      return `${path}: expected ${article(issue.expected)}, got ${describeValue(issue.input)}`
    case 'unrecognized_keys':
      return issue.keys
        .map((key) => `${issue.path.length > 0 ? `${path}.` : ''}${key}: unknown field`)
        .join('; ')
    case 'invalid_value':
      return `${path}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(issue.input)}`
    case 'invalid_union':
      // Durations and sizes are unions of a number and a string: report the string's rule.
      return `${path}: ${unionReason(issue)}, got ${describeValue(issue.input)}`
    default:
      return `${path}: ${issue.message}${issue.input === undefined ? '' : `, got ${describeValue(issue.input)}`}`
  }
}

function unionReason(issue: z.core.$ZodIssueInvalidUnion): string {
  // The branch that got past the type check says what was wrong with the value.
  for (const branch of issue.errors) {
    const reason = branch.find((inner) => inner.code !== 'invalid_type')
    if (reason != null) return reason.message
  }
  return 'expected a number or a string'
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  const text = JSON.stringify(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}
