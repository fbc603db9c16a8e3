/**
 * Format 1 to 2 of a node's database (data-format/node-format.ts): every record sealed at
 * rest and every name hidden in keys. Format 1 is every database before format files: never
 * sealed, sealed before names were hidden, or sealed throughout. The releases that sealed
 * marked each pass done in a `meta` sublevel: a marked pass is skipped (a sealed search index
 * is not dropped again: the feed it followed may be trimmed), then the markers are dropped.
 *
 * - app records: re-written through their sublevel's codec; records whose keys held a secret
 *   are re-keyed (the attachment store's file hashes) or dropped and rebuilt by their owner
 *   (the search index, derived from the history, is rebuilt on start from a zero watermark);
 * - keys naming a peer, conversation or room move to the key with those names hidden;
 * - libp2p's datastore is sealed (sealed-datastore.ts).
 *
 * Then the database is compacted, reopened and LevelDB's old info log removed, so that the
 * plaintext of the old tables, the MANIFEST and the log leave the migrated copy. (The
 * upgrade runs this on a staged copy: the untouched original becomes the backup.)
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { LevelDatastore } from 'datastore-level'
import { Level } from 'level'
import type { Identity } from './identity/index.ts'
import type { KeyNames } from './key-names.ts'
import type { RecordCodec } from './record-level.ts'
import { SealedDatastore } from './sealed-datastore.ts'
import { compactAll, LIBP2P_SUBLEVEL, openLevel, rawSublevel, recordCodecs } from './storage.ts'

/** Where format 1 kept the markers of the sealing passes done; gone in format 2. */
export const LEGACY_META_SUBLEVEL = 'meta'
export const SEALED_MARKER = 'sealed-at-rest'
export const NAMES_HIDDEN_MARKER = 'key-names-hidden'
export const LIBP2P_SEALED_MARKER = 'libp2p-sealed'
/** Records re-written per batch. */
const BATCH = 500
/** Sublevels that are not the app's records: libp2p's datastore, the legacy markers. */
const UNSEALED = new Set([LIBP2P_SUBLEVEL, LEGACY_META_SUBLEVEL])
/** Derived data with secrets in its keys, rebuilt by its owner once dropped. */
const REBUILT = new Set(['conversations'])

export interface SealingResult {
  sealed: number
  dropped: number
  /** Records moved to keys with the names of peers, conversations and rooms hidden. */
  renamed: number
}

/** Seals the database at `path` under `identity`'s keys (see above). */
export async function sealDatabaseAtRest(
  path: string,
  identity: Pick<Identity, 'privateKey' | 'atRestSeed'>,
): Promise<SealingResult> {
  const db = new Level<string, Uint8Array>(path, { valueEncoding: 'view' })
  await openLevel(db, path)
  let result: SealingResult
  try {
    const { codecOf, names, hidden } = recordCodecs(identity)
    const meta = db.sublevel<string, Uint8Array>(LEGACY_META_SUBLEVEL, { valueEncoding: 'view' })
    const done = new Set(await meta.keys().all())
    result = done.has(SEALED_MARKER)
      ? { sealed: 0, dropped: 0, renamed: 0 }
      : await sealLegacyRecords(db, codecOf, names)
    if (hidden != null && !done.has(NAMES_HIDDEN_MARKER)) {
      result.renamed = await hideKeyNames(db, names)
    }
    if (hidden != null && !done.has(LIBP2P_SEALED_MARKER)) {
      const libp2p = rawSublevel(db, LIBP2P_SUBLEVEL)
      const sealer = new SealedDatastore(
        new LevelDatastore(libp2p as unknown as Level<string, Uint8Array>),
        identity,
        hidden,
      )
      result.sealed += await sealer.sealLegacyEntries(libp2p)
    }
    await meta.clear()
    await compactAll(db)
    // LevelDB's MANIFEST names the first and last key of every table it ever had until the
    // database opens again and writes a fresh one: the legacy keys go with that one.
    // LevelDB's info log names the keys a manual compaction starts and stops at: the log of
    // this pass (LOG.old since the reopen) may name a legacy key, so it goes too.
    await db.close()
    await openLevel(db, path)
  } finally {
    await db.close()
  }
  await rm(join(path, 'LOG.old'), { force: true })
  return result
}

type RootOp = { type: 'put'; key: string; value: Uint8Array } | { type: 'del'; key: string }

async function sealLegacyRecords(
  db: Level<string, Uint8Array>,
  codecOf: (sublevel: string) => RecordCodec,
  names: KeyNames,
): Promise<SealingResult> {
  const result: SealingResult = { sealed: 0, dropped: 0, renamed: 0 }
  let ops: RootOp[] = []
  // Root keys are `!<sublevel>!<key>`; sublevel names never contain `!`.
  for await (const [rootKey, value] of db.iterator({ gt: '!', lt: '"' })) {
    const end = rootKey.indexOf('!', 1)
    const sublevel = rootKey.slice(1, end)
    if (end < 0 || UNSEALED.has(sublevel)) continue
    // An earlier release may have hidden the names already: seals bind the revealed ones.
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
  return result
}

/**
 * Moves every app record whose key names a peer, conversation or room to the key with those
 * names hidden (key-names.ts). A value's associated data is the key as the store wrote it,
 * so the sealed bytes move unchanged; hiding a hidden name changes nothing. Returns the
 * number of records moved.
 */
async function hideKeyNames(db: Level<string, Uint8Array>, names: KeyNames): Promise<number> {
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
  return renamed
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
