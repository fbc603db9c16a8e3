/**
 * One embedded LevelDB per data dir. libp2p's datastore and the app's own data live in
 * separate sublevels of it, so a single lock guards both and a backup is one folder.
 *
 * Opened with the unlocked identity (a node), every app sublevel seals its values
 * (record-level.ts); without one (a relay, a store's unit test) they are kept as given.
 */

import type { ClassicLevel } from 'classic-level'
import { LevelDatastore } from 'datastore-level'
import { Level } from 'level'
import { DataDirLockedError } from './errors.ts'
import type { Identity } from './identity/index.ts'
import { plainRecords, type RawSublevel, RecordLevel, SealedRecords } from './record-level.ts'

export type AppLevel = RecordLevel

export interface StorageInit {
  /** Seal every app sublevel under keys derived from this identity. @default none: plain */
  identity?: Pick<Identity, 'privateKey'>
}

export interface Storage {
  /** libp2p's datastore (peer store, DHT records). */
  datastore: LevelDatastore
  /** True when the app sublevels seal their values. */
  sealed: boolean
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
  // datastore-level drives any abstract-level database; a sublevel keeps its keys apart.
  const libp2pLevel = rawSublevel(db, 'libp2p')
  const datastore = new LevelDatastore(libp2pLevel as unknown as Level<string, Uint8Array>)
  await datastore.open()
  const identity = init.identity
  const levels = new Map<string, AppLevel>()
  return {
    datastore,
    sealed: identity != null,
    sublevel: (name) => {
      let level = levels.get(name)
      if (level == null) {
        const codec = identity == null ? plainRecords : new SealedRecords(identity, name)
        level = new RecordLevel(rawSublevel(db, name), codec)
        levels.set(name, level)
      }
      return level
    },
    // LevelDB flushes its log and rewrites every table the range touches: the whole database.
    compact: () => (db as unknown as ClassicLevel<string, Uint8Array>).compactRange('', '\uffff'),
    close: () => db.close(),
  }
}

export function rawSublevel(db: Level<string, Uint8Array>, name: string): RawSublevel {
  return db.sublevel<string, Uint8Array>(name, { valueEncoding: 'view' }) as unknown as RawSublevel
}

function isLockError(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } })?.cause
  return cause?.code === 'LEVEL_LOCKED' || /lock/i.test(String(cause ?? err))
}
