/**
 * The relay's Prometheus metrics: one prom-client Registry holding libp2p's own metrics
 * (connections, streams, bytes per protocol, DHT), the relay's gauges computed at scrape
 * time, and whatever counters the services mounted on the relay add (the username
 * directory adds `tokenim_directory_*`).
 *
 * Relayed bytes are libp2p's `libp2p_data_transfer_bytes_total` with the label
 * `protocol="/libp2p/circuit/relay/0.2.0/stop sent"` (and `received`): the relay pipes
 * each circuit through a stop stream, whose bytes libp2p counts.
 *
 * libp2p's Prometheus metrics keep a cache that is global to the process: run one relay per
 * process (as the daemon does) for its libp2p figures to be exact.
 *
 * Names pass `promtool check metrics`: libp2p and Node's default metrics name a few gauges
 * `*_total`, a suffix Prometheus keeps for counters, so the exposition drops it from every
 * metric that is not a counter (`libp2p_tcp_inbound_connections_total` is served as
 * `libp2p_tcp_inbound_connections`; see withoutGaugeTotals).
 */
import type { Metrics } from '@libp2p/interface'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import {
  Counter,
  type CounterConfiguration,
  Gauge,
  Histogram,
  type HistogramConfiguration,
  Registry,
} from 'prom-client'
import { NODE_VERSION } from '../node/index.ts'

/** What the relay's gauges read when Prometheus scrapes. */
export interface RelayGaugeSource {
  connections(): { inbound: number; outbound: number }
  peers(): number
  reservations(): number
  circuits(): number
}

export class RelayMetrics {
  /** Register further metrics here (or through `counter()` / `histogram()`). */
  readonly registry = new Registry()
  readonly peerConnects: Counter
  readonly peerDisconnects: Counter
  readonly reservationsRefused: Counter
  private source?: RelayGaugeSource

  constructor() {
    this.peerConnects = this.counter({
      name: 'tokenim_relay_peer_connects_total',
      help: 'Peers that connected to the relay',
    })
    this.peerDisconnects = this.counter({
      name: 'tokenim_relay_peer_disconnects_total',
      help: 'Peers whose last connection to the relay closed',
    })
    this.reservationsRefused = this.counter({
      name: 'tokenim_relay_reservations_refused_total',
      help: 'Circuit reservations refused because the relay held circuitRelay.maxReservations',
    })
    this.gauge('tokenim_relay_connections', 'Open connections by direction', ['direction'], (g) => {
      const counts = this.source?.connections() ?? { inbound: 0, outbound: 0 }
      g.set({ direction: 'inbound' }, counts.inbound)
      g.set({ direction: 'outbound' }, counts.outbound)
    })
    this.gauge('tokenim_relay_peers', 'Distinct connected peers', [], (g) => {
      g.set(this.source?.peers() ?? 0)
    })
    this.gauge(
      'tokenim_relay_reservations',
      'Nodes holding a circuit relay reservation',
      [],
      (g) => {
        g.set(this.source?.reservations() ?? 0)
      },
    )
    this.gauge('tokenim_relay_circuits', 'Relayed connections open now', [], (g) => {
      g.set(this.source?.circuits() ?? 0)
    })
    this.gauge(
      'tokenim_relay_build_info',
      'Always 1: the TokenIM release and the Node runtime this relay runs',
      ['version', 'runtime'],
      (g) => {
        g.set({ version: NODE_VERSION, runtime: process.version }, 1)
      },
    )
  }

  /** libp2p's metrics implementation, writing into this registry. */
  libp2pMetrics(): (components: Parameters<ReturnType<typeof prometheusMetrics>>[0]) => Metrics {
    return prometheusMetrics({ registry: this.registry })
  }

  /** Connects the gauges to the running relay. */
  observe(source: RelayGaugeSource): void {
    this.source = source
  }

  /** A counter in this registry; the same name returns the same counter. */
  counter<L extends string = string>(config: CounterConfiguration<L>): Counter<L> {
    const existing = this.registry.getSingleMetric(config.name)
    if (existing != null) return existing as Counter<L>
    return new Counter({ ...config, registers: [this.registry] })
  }

  /** A histogram in this registry; the same name returns the same histogram. */
  histogram<L extends string = string>(config: HistogramConfiguration<L>): Histogram<L> {
    const existing = this.registry.getSingleMetric(config.name)
    if (existing != null) return existing as Histogram<L>
    return new Histogram({ ...config, registers: [this.registry] })
  }

  /** The text Prometheus scrapes. */
  async render(): Promise<{ contentType: string; body: string }> {
    return {
      contentType: this.registry.contentType,
      body: withoutGaugeTotals(await this.registry.metrics()),
    }
  }

  private gauge<L extends string>(
    name: string,
    help: string,
    labelNames: L[],
    collect: (gauge: Gauge<L>) => void,
  ): void {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        collect(this)
      },
    })
  }
}

/**
 * Renames every non-counter family whose name ends in `_total` (see the header): to the name
 * without the suffix, or to `<name>_all` where that name is taken (Node's
 * `nodejs_active_handles` by type beside `nodejs_active_handles_total`, their sum) or ends
 * in a suffix Prometheus keeps for histograms (`libp2p_kad_dht_routing_table_kad_bucket`).
 */
export function withoutGaugeTotals(exposition: string): string {
  const families = new Set([...exposition.matchAll(/^# TYPE (\S+) /gm)].map(([, name]) => name))
  const renamed = new Map<string, string>()
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+)_total (\S+)$/gm)) {
    if (type === 'counter') continue
    const free = !families.has(name) && !/_(bucket|count|sum)$/.test(name)
    renamed.set(`${name}_total`, free ? name : `${name}_all`)
  }
  if (renamed.size === 0) return exposition
  return exposition.replace(
    /^(# (?:HELP|TYPE) )?([a-zA-Z_:][a-zA-Z0-9_:]*)(?=[ {])/gm,
    (line, comment: string | undefined, name: string) =>
      renamed.has(name) ? `${comment ?? ''}${renamed.get(name)}` : line,
  )
}
