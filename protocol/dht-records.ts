/**
 * What every TokenIM DHT record namespace shares: keys of the form `/<namespace>/<64 hex
 * digits>`, parsed strictly; one way to pick the winner among several records for a key,
 * so that every node picks the same one; and one rule for a record's own dates against the
 * holder's clock (`checkRecordTimes`), so every kind tolerates the same skew. Pure code;
 * protocol/mailbox.ts, protocol/prekey-records.ts and protocol/accounts/device-records.ts
 * define the namespaces' own rules on top.
 */
import { createHash } from 'node:crypto'
import { bytesEqual } from './bytes.ts'
import { ExpiredRecordError, RecordKeyMismatchError, RecordTimestampError } from './errors.ts'

/** How far in the future a record's own clock may be, against the holder's clock. */
export const MAX_CLOCK_SKEW_MS = 10 * 60_000

const decoder = new TextDecoder()
const HEX_DIGEST = /^[0-9a-f]{64}$/

/** The namespace of a DHT key (`/ns/...`), or undefined. */
export function dhtKeyNamespace(key: Uint8Array): string | undefined {
  const parts = decoder.decode(key).split('/')
  return parts.length >= 3 && parts[0] === '' ? parts[1] : undefined
}

/**
 * Splits `/<namespace>/<hex digest>` into its parts. Throws RecordKeyMismatchError unless the
 * namespace is one of `namespaces` and the digest is 64 lowercase hex digits.
 */
export function parseDhtKey(
  key: Uint8Array,
  namespaces: string[],
): { namespace: string; digest: string } {
  const parts = decoder.decode(key).split('/')
  if (
    parts.length !== 3 ||
    parts[0] !== '' ||
    !namespaces.includes(parts[1]) ||
    !HEX_DIGEST.test(parts[2])
  ) {
    throw new RecordKeyMismatchError(
      `DHT key must be /${namespaces.join('|')}/<64 hex digits>, got ${decoder.decode(key).slice(0, 100)}`,
    )
  }
  return { namespace: parts[1], digest: parts[2] }
}

/**
 * Index of the value with the lowest rank (compared element by element), then the smallest
 * bytes. Values whose `rank` throws (they do not validate) rank last.
 */
export function selectBest(values: Uint8Array[], rank: (value: Uint8Array) => number[]): number {
  const ranked = values.map((value, index) => {
    try {
      return { index, value, rank: [0, ...rank(value)] }
    } catch {
      return { index, value, rank: [1] }
    }
  })
  ranked.sort((a, b) => compareRanks(a.rank, b.rank) || Buffer.compare(a.value, b.value))
  return ranked[0]?.index ?? 0
}

/**
 * The replace rule every record kind a DHT holder keeps starts with: the same bytes refresh
 * the stored record, a stored record that no longer opens (expired, say) gives way, and
 * otherwise `newer` decides between the two opened records (`incoming` was validated).
 */
export function mayReplaceStored<T>(
  stored: Uint8Array,
  incoming: Uint8Array,
  open: (bytes: Uint8Array) => T,
  newer: (incoming: T, stored: T) => boolean,
): boolean {
  if (bytesEqual(stored, incoming)) return true
  let storedRecord: T
  try {
    storedRecord = open(stored)
  } catch {
    return true
  }
  return newer(open(incoming), storedRecord)
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/**
 * Refuses a record written more than MAX_CLOCK_SKEW_MS ahead of `nowMs`
 * (RecordTimestampError), one whose life is empty or longer than `maxTtlMs` (the same), and
 * one already expired (ExpiredRecordError). `what` names the record in the message.
 */
export function checkRecordTimes(
  what: string,
  startMs: number,
  expiresMs: number,
  maxTtlMs: number,
  nowMs: number,
): void {
  if (startMs > nowMs + MAX_CLOCK_SKEW_MS) {
    throw new RecordTimestampError(
      `${what} is dated ${startMs - nowMs} ms in the future; check the writer's clock`,
    )
  }
  if (expiresMs <= startMs || expiresMs - startMs > maxTtlMs) {
    throw new RecordTimestampError(`${what} must expire within ${maxTtlMs} ms of being written`)
  }
  if (expiresMs <= nowMs) {
    throw new ExpiredRecordError(`${what} expired ${nowMs - expiresMs} ms ago`)
  }
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0)
    if (difference !== 0) return difference
  }
  return 0
}
