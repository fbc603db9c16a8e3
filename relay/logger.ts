/**
 * The relay daemon's log: one JSON object per line on stdout (pino), with an ISO time, so a
 * log collector reads it as it is. Library code below it keeps libp2p's debug logger.
 */
import { type DestinationStream, type Logger, pino } from 'pino'
import type { RelayConfig } from './config.ts'

export type RelayLogger = Logger

export function createRelayLogger(
  level: RelayConfig['log']['level'],
  destination: DestinationStream = process.stdout,
): RelayLogger {
  return pino(
    {
      level,
      base: { service: 'tokenim-relay', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  )
}
