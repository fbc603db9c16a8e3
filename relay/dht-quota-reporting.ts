/**
 * How the relay tells of DHT writes refused over a writer's quota (node/dht-quotas): every
 * refusal counts in `tokenim_dht_records_refused_total{reason}`, and a writer's first refusal
 * in an hour is a warning in the log, so a flood of puts makes one line, not one per record.
 */
import type { OnDhtWriteRefused } from '../node/dht-quotas/index.ts'
import type { RelayLogger } from './logger.ts'
import type { RelayMetrics } from './metrics.ts'

export function reportingDhtRefusals(
  logger: RelayLogger,
  metrics: RelayMetrics | undefined,
): OnDhtWriteRefused {
  const refused = metrics?.counter({
    name: 'tokenim_dht_records_refused_total',
    help: 'DHT records (and provider records) refused because their writer was over a quota',
    labelNames: ['reason'],
  })
  return ({ reason, account, firstInHour, writer, kind }) => {
    refused?.inc({ reason })
    if (!firstInHour) return
    logger.warn(
      { reason, account, peer: writer.peer, address: writer.address, kind },
      'refusing DHT records from a writer over its quota (logged once per writer per hour)',
    )
  }
}
