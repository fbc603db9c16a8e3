/**
 * One embedded LevelDB per data dir. libp2p's datastore and the app's own data live in
 * separate sublevels of it, so a single lock guards both and a backup is one folder.
 *
 * Opened with the unlocked identity (a node), every app sublevel seals its values
 * (record-level.ts); without one (a relay, a store's unit test) they are kept as given. A
 * data dir written before sealing is sealed when its format is upgraded (data-format/).
 */

import type { ClassicLevel } from 'classic-level'
import { LevelDatastore } from 'datastore-level'
import type { Datastore } from 'interface-datastore'
import { Level } from 'level'
import { DataDirLockedError } from './errors.ts'
import type { Identity } from './identity/index.ts'
import { HiddenKeyNames, type KeyNames, plainKeyNames } from './key-names.ts'
import { PeerRecordCache } from './peer-record-cache.ts'
import { RecordGroups } from './record-groups.ts'
import {
  plainRecords,
  type RawSublevel,
  type RecordCodec,
  RecordLevel,
  SealedRecords,
} from './record-level.ts'
import { SealedDatastore } from './sealed-datastore.ts'

/** libp2p's datastore (its peer store, DHT records), sealed apart (sealed-datastore.ts). */
export const LIBP2P_SUBLEVEL = 'libp2p'

export type AppLevel = RecordLevel

/** Sublevels whose empty values are kept unsealed (record-level.ts): the search index. */
const EMPTY_VALUES_SAY_NOTHING = new Set(['conversations'])

/**
 * Sublevels whose records written together are sealed together (record-groups.ts), and the
 * keys that may be: messaging's history records and id entries, several a text.
 */
const GROUPED_RECORDS = new Map([['messaging', ['h/', 'i/']]])
/** When a database's groups are all swept once (record-groups.ts): after the start's rush. */
const SWEEP_ALL_AFTER_MS = 60_000

export type StorageIdentity = Pick<Identity, 'privateKey' | 'atRestSeed'>

export interface StorageInit {
  /** Seal every app sublevel under keys derived from this identity. @default none: plain */
  identity?: StorageIdentity
}

export interface Storage {
  /**
   * libp2p's datastore (peer store, DHT records); sealed on a node (sealed-datastore.ts),
   * the peer store's records held in memory (peer-record-cache.ts).
   */
  datastore: Datastore
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
  const { identity } = init
  const codecs = recordCodecs(identity)
  const { hidden } = codecs
  // datastore-level drives any abstract-level database; a sublevel keeps its keys apart.
  const libp2pLevel = new LevelDatastore(
    rawSublevel(db, LIBP2P_SUBLEVEL) as unknown as Level<string, Uint8Array>,
  )
  await libp2pLevel.open()
  const levels = new Map<string, AppLevel>()
  return {
    // The peer store's records in memory, written when they change (peer-record-cache.ts).
    datastore: new PeerRecordCache(
      identity == null || hidden == null
        ? libp2pLevel
        : new SealedDatastore(libp2pLevel, identity, hidden),
    ),
    sublevel: (name) => {
      let level = levels.get(name)
      if (level == null) {
        level = appSublevel(db, name, identity, codecs)
        levels.set(name, level)
      }
      return level
    },
    compact: async () => {
      // Stale entries of groups leave the live records first, then the files.
      for (const level of levels.values()) await level.groups?.flush()
      await compactAll(db)
    },
    close: async () => {
      for (const level of levels.values()) await level.groups?.close()
      await db.close()
    },
  }
}

export interface RecordCodecs {
  codecOf(sublevel: string): RecordCodec
  names: KeyNames
  /** The hidden names, with an identity; undefined without: plain storage. */
  hidden?: HiddenKeyNames
}

/** How each sublevel's values and keys are kept: sealed and hidden with an identity. */
export function recordCodecs(identity?: StorageIdentity): RecordCodecs {
  const hidden = identity == null ? undefined : new HiddenKeyNames(identity)
  return {
    codecOf: (name) =>
      identity == null
        ? plainRecords
        : new SealedRecords(identity, name, { keepEmpty: EMPTY_VALUES_SAY_NOTHING.has(name) }),
    names: hidden ?? plainKeyNames,
    hidden,
  }
}

/**
 * The app sublevel `name` of `db`: sealed with an identity, its records written together
 * sealed together where its keys allow (GROUPED_RECORDS); kept as given without one.
 */
export function appSublevel(
  db: Level<string, Uint8Array>,
  name: string,
  identity?: StorageIdentity,
  codecs: RecordCodecs = recordCodecs(identity),
): AppLevel {
  const prefixes = GROUPED_RECORDS.get(name)
  const groups =
    identity == null || prefixes == null
      ? undefined
      : new RecordGroups(rawSublevel(db, `${name}-groups`), identity, name, prefixes)
  groups?.sweepAllAfter(SWEEP_ALL_AFTER_MS)
  return new RecordLevel(rawSublevel(db, name), codecs.codecOf(name), codecs.names, groups)
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
export async function compactAll(level: Level<string, Uint8Array>): Promise<void> {
  const db = level as unknown as ClassicLevel<string, Uint8Array>
  for (let round = 0; round < 2; round++) {
    await db.batch(SPAN.map((key) => ({ type: 'put' as const, key, value: EMPTY })))
    await db.compactRange(SPAN[0], SPAN[1])
  }
}

export async function openLevel(db: Level<string, Uint8Array>, path: string): Promise<void> {
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
