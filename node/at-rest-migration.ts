/**
 * Seals a data dir written before its records were sealed, once, on the first open with the
 * unlocked identity. Each app record is re-written through its sublevel's codec; records
 * whose keys held a secret are re-keyed (the attachment store's file hashes) or dropped and
 * rebuilt by their owner (the search index, derived from the history, is rebuilt on start
 * from a zero watermark). Then the whole database is compacted, so the plaintext of the old
 * tables leaves the disk, and only then is the marker written.
 *
 * Crash-safe because every step is idempotent: a record that already opens is left as is (a
 * plaintext value opening under AES-GCM is a 2^-128 event), a dropped index is dropped
 * again, and without the marker the next open simply runs the migration again.
 */
import type { Level } from 'level'
import type { KeyNames } from './key-names.ts'
import type { RawSublevel, RecordCodec } from './record-level.ts'

/** A sublevel outside the app's, kept plain: it only says whether the migration ran. */
export const META_SUBLEVEL = 'meta'
export const SEALED_MARKER_KEY = 'sealed-at-rest'
export const NAMES_HIDDEN_MARKER_KEY = 'key-names-hidden'
export const LIBP2P_SEALED_MARKER_KEY = 'libp2p-sealed'
/** libp2p's datastore (its peer store, DHT records), sealed apart (sealed-datastore.ts). */
export const LIBP2P_SUBLEVEL = 'libp2p'
const SEALED_MARKER_VALUE = new TextEncoder().encode('v1')
/** Records re-written per batch. */
const BATCH = 500
/** Sublevels that are not the app's records: libp2p's datastore, this migration's marker. */
const UNSEALED = new Set([LIBP2P_SUBLEVEL, META_SUBLEVEL])
/** Derived data with secrets in its keys, rebuilt by its owner once dropped. */
const REBUILT = new Set(['conversations'])

export interface MigrationResult {
  /** False when the marker was there already. */
  ran: boolean
  sealed: number
  dropped: number
  /** Records moved to keys with the names of peers, conversations and rooms hidden. */
  renamed: number
}

type RootOp = { type: 'put'; key: string; value: Uint8Array } | { type: 'del'; key: string }

export async function sealLegacyRecords(
  db: Level<string, Uint8Array>,
  codecOf: (sublevel: string) => RecordCodec,
  names: KeyNames,
  compact: () => Promise<void>,
): Promise<MigrationResult> {
  const meta = metaOf(db)
  if ((await meta.get(SEALED_MARKER_KEY)) != null) {
    return { ran: false, sealed: 0, dropped: 0, renamed: 0 }
  }
  const result: MigrationResult = { ran: true, sealed: 0, dropped: 0, renamed: 0 }
  let ops: RootOp[] = []
  // Root keys are `!<sublevel>!<key>`; sublevel names never contain `!`.
  for await (const [rootKey, value] of db.iterator({ gt: '!', lt: '"' })) {
    const end = rootKey.indexOf('!', 1)
    const sublevel = rootKey.slice(1, end)
    if (end < 0 || UNSEALED.has(sublevel)) continue
    // A crash after names were hidden leaves keys with hidden names: seals bind the names.
    const key = names.reveal(rootKey.slice(end + 1))
    const codec = codecOf(sublevel)
    if (REBUILT.has(sublevel)) {
      ops.push({ type: 'del', key: rootKey })
      result.dropped++
    } else if (!opens(codec, key, value)) {
      const target = rekeyed(codec, sublevel, key)
      const stored = `!${sublevel}!${names.hide(target)}`
      if (stored !== rootKey) ops.push({ type: 'del', key: rootKey })
      ops.push({ type: 'put', key: stored, value: codec.encode(target, value) })
      result.sealed++
    }
    if (ops.length >= BATCH) {
      await db.batch(ops as never, { sync: true } as object)
      ops = []
    }
  }
  if (ops.length > 0) await db.batch(ops as never, { sync: true } as object)
  if (result.sealed + result.dropped > 0) await compact()
  await meta.put(SEALED_MARKER_KEY, SEALED_MARKER_VALUE, { sync: true } as object)
  return result
}

/**
 * Moves every app record whose key names a peer, conversation or room to the key with those
 * names hidden (key-names.ts), once, after sealing. A value's associated data is the key as
 * the store wrote it, so the sealed bytes move unchanged; hiding is idempotent, so a crash
 * before the marker repeats it harmlessly. Returns the number of records moved.
 */
export async function hideKeyNames(
  db: Level<string, Uint8Array>,
  names: KeyNames,
  compact: () => Promise<void>,
): Promise<number> {
  const meta = metaOf(db)
  if ((await meta.get(NAMES_HIDDEN_MARKER_KEY)) != null) return 0
  let renamed = 0
  let ops: RootOp[] = []
  for await (const [rootKey, value] of db.iterator({ gt: '!', lt: '"' })) {
    const end = rootKey.indexOf('!', 1)
    if (end < 0 || UNSEALED.has(rootKey.slice(1, end))) continue
    const key = rootKey.slice(end + 1)
    const hidden = names.hide(key)
    if (hidden === key) continue
    ops.push(
      { type: 'del', key: rootKey },
      { type: 'put', key: rootKey.slice(0, end + 1) + hidden, value },
    )
    renamed++
    if (ops.length >= BATCH) {
      await db.batch(ops as never, { sync: true } as object)
      ops = []
    }
  }
  if (ops.length > 0) await db.batch(ops as never, { sync: true } as object)
  if (renamed > 0) await compact()
  await meta.put(NAMES_HIDDEN_MARKER_KEY, SEALED_MARKER_VALUE, { sync: true } as object)
  return renamed
}

/** Seals libp2p's datastore once (`seal` re-writes what does not open), then compacts. */
export async function sealLibp2pEntries(
  db: Level<string, Uint8Array>,
  seal: (raw: RawSublevel) => Promise<number>,
  compact: () => Promise<void>,
): Promise<number> {
  const meta = metaOf(db)
  if ((await meta.get(LIBP2P_SEALED_MARKER_KEY)) != null) return 0
  const sealed = await seal(
    db.sublevel<string, Uint8Array>(LIBP2P_SUBLEVEL, {
      valueEncoding: 'view',
    }) as unknown as RawSublevel,
  )
  if (sealed > 0) await compact()
  await meta.put(LIBP2P_SEALED_MARKER_KEY, SEALED_MARKER_VALUE, { sync: true } as object)
  return sealed
}

function metaOf(db: Level<string, Uint8Array>) {
  return db.sublevel<string, Uint8Array>(META_SUBLEVEL, { valueEncoding: 'view' })
}

function opens(codec: RecordCodec, key: string, value: Uint8Array): boolean {
  try {
    codec.decode(key, value)
    return true
  } catch {
    return false
  }
}

/** The attachment store named files by their plain SHA-256: now by its blinded form. */
function rekeyed(codec: RecordCodec, sublevel: string, key: string): string {
  if (sublevel === 'attachments' && /^f\/[0-9a-f]{64}$/.test(key)) {
    return `f/${codec.blind(key.slice(2))}`
  }
  return key
}
