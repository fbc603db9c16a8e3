/**
 * The formats of a relay's data dir (format.json at its root), upgraded at start like a
 * node's (node/data-format/upgrade.ts): a newer format is refused, an older one migrated.
 *
 * 1. Its LevelDB (`db/`: the directory's records, the DHT ledger) and relay.key, as every
 *    release has kept them.
 */
import type { DataFormatSpec } from '../node/index.ts'

export const RELAY_DATA_FORMAT = 1

export const RELAY_FORMAT_SPEC: DataFormatSpec<undefined> = {
  name: 'relay data dir',
  current: RELAY_DATA_FORMAT,
  migrations: [],
}
