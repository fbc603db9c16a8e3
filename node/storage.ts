/**
 * One embedded LevelDB per data dir. libp2p's datastore and the app's own data live in
 * separate sublevels of it, so a single lock guards both and a backup is one folder.
 *
 * Opened with the unlocked identity (a node), every app sublevel seals its values
 * (record-level.ts); without one (a relay, a store's unit test) they are kept as given. A
 * data dir written before sealing is sealed on its first such open (at-rest-migration.ts).
 */

import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { ClassicLevel } from 'classic-level'
import { LevelDatastore } from 'datastore-level'
import type { Datastore } from 'interface-datastore'
import { Level } from 'level'
import {
  hideKeyNames,
  LIBP2P_SUBLEVEL,
  type MigrationResult,
  sealLegacyRecords,
  sealLibp2pEntries,
} from './at-rest-migration.ts'
import { DataDirLockedError } from './errors.ts'
import type { Identity } from './identity/index.ts'
import { HiddenKeyNames, type KeyNames, plainKeyNames } from './key-names.ts'
import {
  plainRecords,
  type RawSublevel,
  type RecordCodec,
  RecordLevel,
  SealedRecords,
} from './record-level.ts'
import { SealedDatastore } from './sealed-datastore.ts'

export type AppLevel = RecordLevel

/** Sublevels whose empty values are kept unsealed (record-level.ts): the search index. */
const EMPTY_VALUES_SAY_NOTHING = new Set(['conversations'])

export interface StorageInit {
  /** Seal every app sublevel under keys derived from this identity. @default none: plain */
  identity?: Pick<Identity, 'privateKey' | 'atRestSeed'>
}

export interface Storage {
  /** libp2p's datastore (peer store, DHT records); sealed on a node (sealed-datastore.ts). */
  datastore: Datastore
  /** What the first open with an identity found to seal (at-rest-migration.ts). */
  migration: MigrationResult
  /** Returns the sublevel of app data under `name`, values as bytes. */
  sublevel(name: string): AppLevel
  /**
   * Rewrites LevelDB's files so that what was deleted or overwritten is gone from the disk,
   * not only unlisted (after a conversation is deleted, after migration).
   */
  compact(): Promise<void>
  close(): Promise<void>
}

export async function openStorage(path: string, init: StorageInit = {}): Promise<Storage> {
  const db = new Level<string, Uint8Array>(path, { valueEncoding: 'view' })
  await openLevel(db, path)
  const identity = init.identity
  const codecOf = (name: string): RecordCodec =>
    identity == null
      ? plainRecords
      : new SealedRecords(identity, name, { keepEmpty: EMPTY_VALUES_SAY_NOTHING.has(name) })
  const hidden = identity == null ? undefined : new HiddenKeyNames(identity)
  const names: KeyNames = hidden ?? plainKeyNames
  const compact = () => compactAll(db as unknown as ClassicLevel<string, Uint8Array>)
  let migration: MigrationResult = { ran: false, sealed: 0, dropped: 0, renamed: 0 }
  // datastore-level drives any abstract-level database; a sublevel keeps its keys apart.
  const libp2pLevel = new LevelDatastore(
    rawSublevel(db, LIBP2P_SUBLEVEL) as unknown as Level<string, Uint8Array>,
  )
  const sealedLibp2p =
    identity == null || hidden == null
      ? undefined
      : new SealedDatastore(libp2pLevel, identity, hidden)
  try {
    if (identity != null) {
      migration = await sealLegacyRecords(db, codecOf, names, compact)
      migration.renamed = await hideKeyNames(db, names, compact)
    }
    if (sealedLibp2p != null) {
      migration.sealed += await sealLibp2pEntries(
        db,
        (raw) => sealedLibp2p.sealLegacyEntries(raw),
        compact,
      )
    }
    // LevelDB's MANIFEST names the first and last key of every table it ever had until the
    // database opens again and writes a fresh one: the legacy keys go with that one.
    // LevelDB's info log names the keys a manual compaction starts and stops at: the log of
    // the migration (LOG.old since the reopen) may name a legacy key, so it goes too.
    if (migration.sealed + migration.dropped + migration.renamed > 0) {
      await db.close()
      await openLevel(db, path)
      await rm(join(path, 'LOG.old'), { force: true })
    }
  } catch (err) {
    await db.close()
    throw err
  }
  await libp2pLevel.open()
  const levels = new Map<string, AppLevel>()
  return {
    datastore: sealedLibp2p ?? libp2pLevel,
    migration,
    sublevel: (name) => {
      let level = levels.get(name)
      if (level == null) {
        level = new RecordLevel(rawSublevel(db, name), codecOf(name), names)
        levels.set(name, level)
      }
      return level
    },
    compact,
    close: () => db.close(),
  }
}

/** Root keys just below and above every sublevel's keys (`!<name>!…`). */
const SPAN = [' ', '"']
const EMPTY = new Uint8Array(0)

/**
 * Rewrites every table so that deleted and overwritten values leave the files. LevelDB's
 * compactRange alone does not: it flushes the log into a table, which may land on the
 * deepest level holding a value beside its own deletion, and it never compacts the deepest
 * level. So twice: a write that spans every key, then compactRange; the second flush spans
 * the first's table, lands above it, and the compaction merges the two, dropping what was
 * deleted (checked on a fresh database and on one several levels deep).
 */
async function compactAll(db: ClassicLevel<string, Uint8Array>): Promise<void> {
  for (let round = 0; round < 2; round++) {
    await db.batch(SPAN.map((key) => ({ type: 'put' as const, key, value: EMPTY })))
    await db.compactRange(SPAN[0], SPAN[1])
  }
}

async function openLevel(db: Level<string, Uint8Array>, path: string): Promise<void> {
  try {
    await db.open()
  } catch (err) {
    if (isLockError(err)) {
      throw new DataDirLockedError(
        `the database at ${path} is in use by another process: is a tokenim node already running on this data dir?`,
      )
    }
    throw err
  }
}

export function rawSublevel(db: Level<string, Uint8Array>, name: string): RawSublevel {
  return db.sublevel<string, Uint8Array>(name, { valueEncoding: 'view' }) as unknown as RawSublevel
}

function isLockError(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } })?.cause
  return cause?.code === 'LEVEL_LOCKED' || /lock/i.test(String(cause ?? err))
}
