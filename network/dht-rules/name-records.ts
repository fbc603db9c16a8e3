/**
 * The kad-dht validator and selector of name records, for every host's DHT config (nodes
 * and relays alike): a DHT peer stores and returns only records a relay signed for the key
 * they sit under, and among several picks the most recently issued.
 */
import type { Selectors, Validators } from '@libp2p/kad-dht'
import { selectNameRecord, validateNameRecordEntry } from '../../protocol/directory.ts'
import { NAME_DHT_NAMESPACE } from '../../protocol/ids.ts'

export const directoryDhtValidators: Validators = {
  [NAME_DHT_NAMESPACE]: async (key, value) => validateNameRecordEntry(key, value),
}

export const directoryDhtSelectors: Selectors = {
  [NAME_DHT_NAMESPACE]: (_key, records) => selectNameRecord(records),
}
