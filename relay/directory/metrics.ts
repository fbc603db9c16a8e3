/**
 * The directory's Prometheus metrics. They are registered on the relay's registry when one
 * is given (RelayMetrics.registry), and kept private otherwise, so the service never needs
 * a metrics endpoint to run.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client'

/** Stored names are counted at most this often; a scrape in between gets the last count. */
const NAME_COUNT_MAX_AGE_MS = 60_000

/** The kinds of request the directory answers, as the request's field names say them. */
export const DIRECTORY_REQUEST_KINDS = [
  'register',
  'release',
  'move',
  'lookup',
  'search',
  'profile',
  'signupPolicy',
  'verify',
  'verification',
  'iceServers',
] as const
export type DirectoryRequestKind = (typeof DIRECTORY_REQUEST_KINDS)[number]

export type RejectionReason =
  | 'invalid'
  | 'reserved'
  | 'taken'
  | 'expired'
  | 'rate-limited'
  | 'locked-out'
  | 'unauthorized'
  | 'already-registered'
  | 'not-found'
  | 'bad-request'
  | 'verification-required'
  /** The stream broke its framing (a length prefix too long, a stalled frame): reset. */
  | 'framing'

export class DirectoryMetrics {
  readonly registrations: Counter
  readonly lookups: Counter
  readonly searches: Counter
  readonly rejections: Counter<'reason'>
  /** Sign-up verifications started (a code sent, a login begun), by method. */
  readonly verificationsStarted: Counter<'method'>
  /** Sign-up verifications a claim redeemed, by method. */
  readonly verificationsRedeemed: Counter<'method'>
  /** From a request read to its answer written, by kind and outcome (answered, refused). */
  readonly requestSeconds: Histogram<'kind' | 'outcome'>
  private readonly registry: Registry

  constructor(registry: Registry = new Registry()) {
    this.registry = registry
    this.registrations = counter(
      registry,
      'tokenim_directory_registrations_total',
      'Names registered or renewed',
    )
    this.lookups = counter(
      registry,
      'tokenim_directory_lookups_total',
      'Exact name lookups answered',
    )
    this.searches = counter(
      registry,
      'tokenim_directory_searches_total',
      'Prefix searches answered',
    )
    this.rejections = counter(
      registry,
      'tokenim_directory_rejections_total',
      'Directory requests refused, by reason',
      ['reason'],
    )
    this.verificationsStarted = counter(
      registry,
      'tokenim_directory_verifications_started_total',
      'Sign-up verifications started (a code sent, a login begun), by method',
      ['method'],
    )
    this.verificationsRedeemed = counter(
      registry,
      'tokenim_directory_verifications_redeemed_total',
      'Sign-up verifications redeemed by a claim, by method',
      ['method'],
    )
    this.requestSeconds = histogram(registry, {
      name: 'tokenim_directory_request_duration_seconds',
      help: 'Time from a directory request read to its answer written, by kind and outcome',
      labelNames: ['kind', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    })
    if (registry.getSingleMetric('tokenim_directory_names') == null) {
      new Gauge({
        name: 'tokenim_directory_names',
        help: 'Usernames the relay stores (registered, or expired and in their grace time)',
        registers: [registry],
        async collect() {
          const source = nameCounts.get(registry)
          if (source != null) this.set(await source.read())
        },
      })
    }
  }

  /** Where the names gauge reads its count: this directory's store, from now on. */
  observeNames(count: () => Promise<number>): void {
    nameCounts.set(this.registry, new CachedCount(count))
  }
}

/** The count each registry's names gauge reads: of the directory that observed last. */
const nameCounts = new WeakMap<Registry, CachedCount>()

class CachedCount {
  private readonly count: () => Promise<number>
  private last?: { value: number; at: number }

  constructor(count: () => Promise<number>) {
    this.count = count
  }

  async read(): Promise<number> {
    const now = performance.now()
    if (this.last == null || now - this.last.at > NAME_COUNT_MAX_AGE_MS) {
      this.last = { value: await this.count(), at: now }
    }
    return this.last.value
  }
}

/** Returns the registry's counter of that name when there is one (a second service, a restart). */
function counter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[] = [],
): Counter<L> {
  const existing = registry.getSingleMetric(name)
  if (existing != null) return existing as Counter<L>
  return new Counter<L>({ name, help, labelNames, registers: [registry] })
}

function histogram<L extends string>(
  registry: Registry,
  config: { name: string; help: string; labelNames: L[]; buckets: number[] },
): Histogram<L> {
  const existing = registry.getSingleMetric(config.name)
  if (existing != null) return existing as Histogram<L>
  return new Histogram<L>({ ...config, registers: [registry] })
}
