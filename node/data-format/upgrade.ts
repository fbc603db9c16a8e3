/**
 * Brings a data dir to the format this release reads, one migration at a time, before
 * anything else opens it. A step from format N to N+1:
 *
 *   1. holds the data dir's database open: LevelDB's lock keeps any node or relay out;
 *   2. copies what the migration changes into `.upgrade/next/` and runs the migration there;
 *   3. writes `.upgrade/commit.json`, the commit point, and lets the database go;
 *   4. moves each changed path into `backups/format-N-<time>/` (with a format.json saying N)
 *      and the migrated copy into its place, writes N+1 into format.json, removes `.upgrade/`.
 *
 * So the data dir is always in one format: a crash or a throwing migration before step 3
 * leaves it untouched (the next start deletes `.upgrade/` and tries again); a crash after it
 * is finished by the next start, as every move of step 4 is skipped once done. The backup
 * is what the migration changed, exactly as it was: copying it back restores format N.
 */
import { cp, mkdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Level } from 'level'
import { DataFormatMigrationError, DataFormatTooNewError } from '../errors.ts'
import { fileExists, readFileIfExists, writeFileAtomic } from '../identity/atomic-file.ts'
import { openLevel } from '../storage.ts'
import { NODE_VERSION } from '../version.ts'
import { type DataFormatStamp, readFormat, UNVERSIONED_FORMAT, writeFormat } from './format-file.ts'

/** Where a step stages its work; never there after a start, whatever happened before. */
export const UPGRADE_FOLDER = '.upgrade'
export const BACKUPS_FOLDER = 'backups'
/** The folder of the data dir's LevelDB: its presence says the dir has been used. */
const DATABASE = 'db'

export interface Migration<Context> {
  /** The format it reads; it writes `from + 1`. */
  from: number
  /** What it does, in a few words, for the log. */
  summary: string
  /** The paths under the data dir it changes: staged, then backed up. */
  changes: readonly string[]
  /** Migrates the staged copies in `staged` (laid out as the data dir); returns a note. */
  run(staged: string, context: Context): Promise<string | undefined>
}

export interface DataFormatSpec<Context> {
  /** "data dir", "relay data dir": how messages name it. */
  name: string
  /** The format this release reads and writes. */
  current: number
  migrations: readonly Migration<Context>[]
}

export interface UpgradeStep {
  from: number
  to: number
  summary: string
  note?: string
  /** The backup of what the step changed. */
  backup: string
}

export interface UpgradeResult {
  /** The format found; `to` when the dir was new. */
  from: number
  to: number
  steps: UpgradeStep[]
}

interface Commit {
  from: number
  changes: string[]
  /** Relative to the data dir. */
  backup: string
}

/**
 * Upgrades the data dir at `root` to `spec.current`. A new dir (no database yet) is stamped
 * with it. Throws DataFormatTooNewError for a newer format, DataFormatMigrationError when a
 * migration fails (the dir stays in its previous format), DataDirLockedError when in use.
 */
export async function upgradeDataDir<Context>(
  root: string,
  spec: DataFormatSpec<Context>,
  context: Context,
): Promise<UpgradeResult> {
  await finishCommitted(root)
  const found = await readFormat(root)
  if (found == null && !(await fileExists(join(root, DATABASE)))) {
    await writeFormat(root, stamp(spec.current))
    return { from: spec.current, to: spec.current, steps: [] }
  }
  const stored: DataFormatStamp = found ?? { format: UNVERSIONED_FORMAT }
  if (stored.format > spec.current) throw tooNew(root, spec, stored)
  const steps: UpgradeStep[] = []
  for (let format = stored.format; format < spec.current; format++) {
    const migration = spec.migrations.find((m) => m.from === format)
    if (migration == null) throw new Error(`no migration of the ${spec.name} from format ${format}`)
    steps.push(await runStep(root, spec, migration, context))
  }
  return { from: stored.format, to: spec.current, steps }
}

async function runStep<Context>(
  root: string,
  spec: DataFormatSpec<Context>,
  migration: Migration<Context>,
  context: Context,
): Promise<UpgradeStep> {
  const { from } = migration
  const staging = join(root, UPGRADE_FOLDER)
  const next = join(staging, 'next')
  const backup = join(
    BACKUPS_FOLDER,
    `format-${from}-${new Date().toISOString().replace(/[:.]/g, '-')}`,
  )
  const lock = new Level<string, Uint8Array>(join(root, DATABASE), { valueEncoding: 'view' })
  await openLevel(lock, join(root, DATABASE))
  let note: string | undefined
  try {
    await rm(staging, { recursive: true, force: true })
    await mkdir(next, { recursive: true, mode: 0o700 })
    for (const path of migration.changes) {
      if (await fileExists(join(root, path))) {
        await cp(join(root, path), join(next, path), { recursive: true, preserveTimestamps: true })
      }
    }
    note = await migration.run(next, context)
    const commit: Commit = { from, changes: [...migration.changes], backup }
    await writeFileAtomic(
      join(staging, 'commit.json'),
      new TextEncoder().encode(JSON.stringify(commit)),
    )
  } catch (err) {
    await rm(staging, { recursive: true, force: true })
    throw new DataFormatMigrationError(
      `the ${spec.name} ${root} could not be upgraded from format ${from} to ${from + 1} (${migration.summary}): ${(err as Error).message}; it is left as it was, in format ${from}`,
      { cause: err },
    )
  } finally {
    await lock.close()
  }
  await finishCommitted(root)
  return { from, to: from + 1, summary: migration.summary, note, backup: join(root, backup) }
}

/** Step 4, for a step whose commit point was reached; nothing when there is none. */
async function finishCommitted(root: string): Promise<void> {
  const staging = join(root, UPGRADE_FOLDER)
  const commit = await readCommit(staging)
  if (commit == null) {
    // Staged work without a commit point: the data dir was never changed.
    await rm(staging, { recursive: true, force: true })
    return
  }
  const backup = join(root, commit.backup)
  await mkdir(backup, { recursive: true, mode: 0o700 })
  await writeFormat(backup, { format: commit.from })
  for (const path of commit.changes) {
    const staged = join(staging, 'next', path)
    if (!(await fileExists(staged))) continue
    const live = join(root, path)
    const kept = join(backup, path)
    if (await fileExists(live)) await rename(live, kept)
    await rename(staged, live)
  }
  await writeFormat(root, stamp(commit.from + 1))
  await rm(staging, { recursive: true, force: true })
}

async function readCommit(staging: string): Promise<Commit | undefined> {
  const text = await readFileIfExists(join(staging, 'commit.json'))
  return text == null ? undefined : (JSON.parse(text) as Commit)
}

function stamp(format: number): DataFormatStamp {
  return { format, writtenBy: NODE_VERSION }
}

function tooNew<Context>(
  root: string,
  spec: DataFormatSpec<Context>,
  stored: DataFormatStamp,
): DataFormatTooNewError {
  const by = stored.writtenBy == null ? 'a newer release' : `tokenim ${stored.writtenBy}`
  return new DataFormatTooNewError(
    `the ${spec.name} ${root} is in format ${stored.format}, written by ${by}; this tokenim ${NODE_VERSION} reads format ${spec.current} at most: run tokenim ${stored.writtenBy ?? 'of that release'} or newer, or restore a backup made before the upgrade`,
    stored.format,
    spec.current,
  )
}
