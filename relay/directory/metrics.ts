/**
 * The directory's Prometheus counters. They are registered on the relay's registry when one
 * is given (RelayMetrics.registry), and kept private otherwise, so the service never needs
 * a metrics endpoint to run.
 */
import { Counter, Registry } from 'prom-client'

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

  constructor(registry: Registry = new Registry()) {
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
