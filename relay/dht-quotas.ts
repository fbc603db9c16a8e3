/**
 * The relay's DHT write quotas (network/dht-quotas): the limits of its `dhtQuotas` config, its
 * fellow relays (`peers`) exempt, since each puts a name record for every registration it
 * serves, and refusals told: every one counts in `tokenim_dht_records_refused_total{reason}`,
 * and a writer's first refusal in an hour is a warning in the log, so a flood of puts makes
 * one line, not one per record.
 */

import type { DhtWriteQuotasInit, OnDhtWriteRefused } from '../network/dht-quotas/index.ts'
import { parseRelayAddresses, relayPeerId } from '../node/index.ts'
import type { RelayConfig } from './config.ts'
import type { RelayLogger } from './logger.ts'
import type { RelayMetrics } from './metrics.ts'

export function relayDhtQuotas(
  config: RelayConfig,
  logger: RelayLogger,
  metrics: RelayMetrics | undefined,
): DhtWriteQuotasInit {
  return {
    limits: config.dhtQuotas,
    onRefused: reportingDhtRefusals(logger, metrics),
    exemptPeers: parseRelayAddresses(config.peers).map((peer) => relayPeerId(peer).toString()),
  }
}

function reportingDhtRefusals(
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
