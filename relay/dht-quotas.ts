/**
 * The relay's DHT write quotas (network/dht-quotas): the limits of its `dhtQuotas` config, its
 * fellow relays (`peers`) exempt, since each puts a name record for every registration it
 * serves, and refusals told: every one counts in `tokenim_dht_records_refused_total{reason}`,
 * and a writer's first refusal in an hour is a warning in the log, so a flood of puts makes
 * one line, not one per record.
 */

import {
  type DhtWriteQuotasInit,
  type OnDhtWriteRefused,
  PersistedDhtLedger,
} from '../network/dht-quotas/index.ts'
import type { AppLevel } from '../node/index.ts'
import { parseRelayAddresses, relayPeerId } from '../node/index.ts'
import type { RelayConfig } from './config.ts'
import type { RelayLogger } from './logger.ts'
import type { RelayMetrics } from './metrics.ts'

/**
 * The relay's ledger of what each writer stored, kept in its database (`dht-quotas`
 * sublevel): a restart, even in the middle of a flood, gives no writer a fresh quota.
 */
export function openRelayDhtLedger(
  config: RelayConfig,
  store: AppLevel,
  logger: RelayLogger,
): Promise<PersistedDhtLedger> {
  return PersistedDhtLedger.open(
    {
      entries: () => store.iterator(),
      write: (puts, deletes) =>
        store.batch([
          ...deletes.map((key) => ({ type: 'del' as const, key })),
          ...puts.map(([key, value]) => ({ type: 'put' as const, key, value })),
        ]),
    },
    {
      limits: config.dhtQuotas,
      onFlushError: (err) =>
        logger.warn({ err: String(err) }, 'could not keep the DHT quota ledger; will try again'),
    },
  )
}

export function relayDhtQuotas(
  config: RelayConfig,
  ledger: PersistedDhtLedger,
  logger: RelayLogger,
  metrics: RelayMetrics | undefined,
): DhtWriteQuotasInit {
  return {
    ledger: ledger.ledger,
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
