/**
 * The datastore a DHT server gives libp2p, refusing record writes that would overrun their
 * writer's quota (write-ledger.ts).
 *
 * Why the datastore: it is the one place every stored DHT record passes, whatever the RPC
 * and namespace (PUT_VALUE writes `/dht/record/...`, ADD_PROVIDER `/dht/provider/<cid>/<peer>`),
 * and it is reached only after kad-dht's own checks and our validators, so only records
 * that would really be stored are counted. The writer comes from the scope the kad stream
 * handler runs in (writer-context.ts); writes outside such a scope are this host's own and
 * pass untouched, as do those of exempt peers (a relay's fellow relays) and everything else
 * libp2p stores (peers, keys).
 *
 * A refused write throws `DhtQuotaExceededError` before anything is written: kad-dht then
 * aborts the stream, and the writer's put fails at this holder as it would for an invalid
 * record. Rewriting what is already held costs nothing: the same record value under the same
 * key (a republish), or a provider entry the writer already has (a refresh).
 */
import { Record as DhtRecord } from '@libp2p/kad-dht'
import type { Datastore, Key } from 'interface-datastore'
import { bytesEqual } from '../../protocol/bytes.ts'
import { DhtQuotaExceededError } from './errors.ts'
import type { DhtQuotaRefusal, DhtWriteLedger, DhtWriter } from './write-ledger.ts'
import { currentDhtWriter } from './writer-context.ts'

/** kad-dht's default `datastorePrefix` ('/dht', which network/host.ts keeps) and its sub-stores. */
const RECORD_PREFIX = '/dht/record/'
const PROVIDER_PREFIX = '/dht/provider/'

export interface DhtWriteRefused extends DhtQuotaRefusal {
  writer: DhtWriter
  /** 'record' (PUT_VALUE) or 'provider' (ADD_PROVIDER). */
  kind: 'record' | 'provider'
  bytes: number
}

export type OnDhtWriteRefused = (refused: DhtWriteRefused) => void

export function guardingDhtWrites(
  datastore: Datastore,
  ledger: DhtWriteLedger,
  onRefused: OnDhtWriteRefused,
  exempt: ReadonlySet<string> = new Set(),
): Datastore {
  const put: Datastore['put'] = async (key, value, options) => {
    const writer = currentDhtWriter()
    const kind = writer == null || exempt.has(writer.peer) ? undefined : kindOf(key)
    if (
      writer != null &&
      kind != null &&
      !(await alreadyHeld(datastore, kind, key, value, writer))
    ) {
      const bytes = key.toString().length + value.byteLength
      const refusal = ledger.charge(writer, bytes)
      if (refusal != null) {
        onRefused({ ...refusal, writer, kind, bytes })
        throw new DhtQuotaExceededError(refusal.reason, refusal.account)
      }
    }
    return datastore.put(key, value, options)
  }
  return new Proxy(datastore, {
    get: (target, property) => {
      if (property === 'put') return put
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

function kindOf(key: Key): DhtWriteRefused['kind'] | undefined {
  const text = key.toString()
  if (text.startsWith(RECORD_PREFIX)) return 'record'
  if (text.startsWith(PROVIDER_PREFIX)) return 'provider'
  return undefined
}

async function alreadyHeld(
  datastore: Datastore,
  kind: DhtWriteRefused['kind'],
  key: Key,
  value: Uint8Array,
  writer: DhtWriter,
): Promise<boolean> {
  // kad-dht stores only providers that are the writer itself; any other entry is not theirs.
  if (kind === 'provider' && !key.toString().endsWith(`/${writer.peer}`)) return true
  let stored: Uint8Array
  try {
    stored = await datastore.get(key)
  } catch {
    return false
  }
  if (kind === 'provider') return true
  try {
    // The stored copy differs in its receive time only, when it is the same record.
    const held = DhtRecord.deserialize(stored).value
    return bytesEqual(held, DhtRecord.deserialize(value).value)
  } catch {
    return false
  }
}
