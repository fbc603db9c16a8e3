/**
 * Putting and getting one DHT record with kad-dht v16, reporting per peer what happened.
 *
 * kad-dht's `put` stores the record locally, looks up the closest peers to the key (its
 * k-bucket size, 20 by default) and sends each a PUT_VALUE. A peer that stored the record
 * answers with the record itself: a PEER_RESPONSE event of message type PUT_VALUE whose
 * record value equals ours. A peer that refused it (our validators reject the record, or it
 * already holds one that wins) or could not be reached yields a QUERY_ERROR instead. The
 * FIND_NODE responses of the lookup are PEER_RESPONSE events too, told apart by their type.
 *
 * kad-dht's `get` yields every peer's answer as a PEER_RESPONSE of type GET_VALUE (with the
 * record when the peer had one that passed our validators), then the best value (ours
 * included) as a VALUE event. When peers disagree it then sends them the best record, and
 * throws if one refuses it: we keep what the peers said and ignore that failure.
 */
import { type KadDHT, MessageType } from '@libp2p/kad-dht'
import { bytesEqual } from '../../protocol/bytes.ts'

export interface PutOutcome {
  /** Peers that answered with our record: they store it. */
  confirmed: number
  /** Peers the record was sent to (reached or not). */
  total: number
  /** Peer ids of the confirming peers. */
  holders: string[]
}

export interface GetOutcome {
  /** Every valid record a peer answered with. */
  answers: Array<{ from: string; value: Uint8Array }>
  /** The value kad-dht selected, which may be our own local copy. */
  best?: Uint8Array
}

export interface QueryOptions {
  /** Aborts the query and rejects (with the signal's reason): the caller is stopping. */
  signal?: AbortSignal
  /** Ends the query after this long and returns what it gathered. */
  timeoutMs: number
}

export async function putRecord(
  dht: KadDHT,
  key: Uint8Array,
  value: Uint8Array,
  options: QueryOptions,
): Promise<PutOutcome> {
  const offered = new Set<string>()
  const holders = new Set<string>()
  try {
    for await (const event of dht.put(key, value, { signal: querySignal(options) })) {
      if (event.name === 'SEND_QUERY' && event.messageType === MessageType.PUT_VALUE) {
        offered.add(event.to.toString())
      } else if (
        event.name === 'PEER_RESPONSE' &&
        event.messageType === MessageType.PUT_VALUE &&
        event.record != null &&
        bytesEqual(event.record.value, value)
      ) {
        holders.add(event.from.toString())
      }
    }
  } catch (err) {
    if (options.signal?.aborted === true) throw err
    // A lookup that timed out or failed still leaves the confirmations gathered so far.
  }
  return { confirmed: holders.size, total: offered.size, holders: [...holders] }
}

export async function getRecords(
  dht: KadDHT,
  key: Uint8Array,
  options: QueryOptions,
): Promise<GetOutcome> {
  const outcome: GetOutcome = { answers: [] }
  try {
    for await (const event of dht.get(key, { signal: querySignal(options) })) {
      if (
        event.name === 'PEER_RESPONSE' &&
        event.messageType === MessageType.GET_VALUE &&
        event.record != null
      ) {
        outcome.answers.push({ from: event.from.toString(), value: event.record.value })
      } else if (event.name === 'VALUE') {
        outcome.best = event.value
      }
    }
  } catch (err) {
    if (options.signal?.aborted === true) throw err
    // A timeout, or a failed correction of a disagreeing peer: the answers are what we need.
  }
  return outcome
}

function querySignal(options: QueryOptions): AbortSignal {
  const timeout = AbortSignal.timeout(options.timeoutMs)
  return options.signal == null ? timeout : AbortSignal.any([options.signal, timeout])
}
