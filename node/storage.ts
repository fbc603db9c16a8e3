/**
 * One embedded LevelDB per data dir. libp2p's datastore and the app's own data live in
 * separate sublevels of it, so a single lock guards both and a backup is one folder.
 */
import { LevelDatastore } from 'datastore-level'
import { Level } from 'level'
import { DataDirLockedError } from './errors.ts'

export type AppLevel = ReturnType<typeof bytesSublevel>

export interface Storage {
  /** libp2p's datastore (peer store, DHT records). */
  datastore: LevelDatastore
  /** Returns the sublevel of app data under `name`, values as bytes. */
  sublevel(name: string): AppLevel
  close(): Promise<void>
}

export async function openStorage(path: string): Promise<Storage> {
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
  const libp2pLevel = bytesSublevel(db, 'libp2p')
  const datastore = new LevelDatastore(libp2pLevel as unknown as Level<string, Uint8Array>)
  await datastore.open()
  return {
    datastore,
    sublevel: (name) => bytesSublevel(db, name),
    close: () => db.close(),
  }
}

function bytesSublevel(db: Level<string, Uint8Array>, name: string) {
  return db.sublevel<string, Uint8Array>(name, { valueEncoding: 'view' })
}

function isLockError(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } })?.cause
  return cause?.code === 'LEVEL_LOCKED' || /lock/i.test(String(cause ?? err))
}
