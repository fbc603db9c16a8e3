import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dataDirPaths } from '../../node/data-dir.ts'
import {
  BACKUPS_FOLDER,
  type DataFormatSpec,
  NODE_DATA_FORMAT,
  UPGRADE_FOLDER,
  upgradeDataDir,
  upgradeNodeDataDir,
} from '../../node/data-format/index.ts'
import { generateIdentity } from '../../node/identity/index.ts'
import { MessageStore } from '../../node/messaging/message-store.ts'
import { openStorage, type Storage } from '../../node/storage.ts'
import { NODE_VERSION } from '../../node/version.ts'
import { findOnDisk } from '../helpers/disk-scan.ts'
import { writeHistoryText } from '../helpers/plain-history.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const PEER = 'ab'.repeat(32)
const CURRENT = NODE_DATA_FORMAT
const NEXT = CURRENT + 1
const SECRET = 'pineapple quixotic'
const identity = generateIdentity()

let dir: Awaited<ReturnType<typeof makeTempDir>>
/** A database a test holds open; closed after it. */
let held: Storage | undefined

beforeEach(async () => {
  dir = await makeTempDir('tokenim-format-')
})

afterEach(async () => {
  await held?.close()
  held = undefined
  await dir.remove()
})

/** A node's data dir as releases before format files left it: no format.json, plain records. */
async function writeFormat1DataDir(): Promise<void> {
  const legacy = await openStorage(join(dir.path, 'db'))
  await writeHistoryText(legacy, PEER, SECRET)
  await legacy.close()
}

async function historyText(db: string, sealed: boolean): Promise<string | undefined> {
  const storage = await openStorage(db, sealed ? { identity } : {})
  try {
    return (await new MessageStore(storage.sublevel('messaging')).history(PEER, 1))?.text
  } finally {
    await storage.close()
  }
}

async function formatOf(root: string): Promise<unknown> {
  return JSON.parse(await readFile(join(root, 'format.json'), 'utf8'))
}

/** A format one past the node's, whose only migration is given. */
function nextFormat(run: (staged: string) => Promise<string | undefined>): DataFormatSpec<null> {
  return {
    name: 'data dir',
    current: NEXT,
    migrations: [{ from: CURRENT, summary: 'a test step', changes: ['db'], run }],
  }
}

describe('the format of a node data dir', () => {
  it('stamps a new data dir with the current format and migrates nothing', async () => {
    const result = await upgradeNodeDataDir(dataDirPaths(dir.path), { identity })
    expect(result).toEqual({ from: CURRENT, to: CURRENT, steps: [] })
    expect(await formatOf(dir.path)).toEqual({ format: CURRENT, writtenBy: NODE_VERSION })
  })

  it('upgrades a data dir without a version (format 1), keeping the old database as backup', async () => {
    await writeFormat1DataDir()
    expect(await findOnDisk(join(dir.path, 'db'), [SECRET])).not.toEqual([])

    const result = await upgradeNodeDataDir(dataDirPaths(dir.path), { identity })
    expect(result.from).toBe(1)
    expect(result.steps.map(({ from, to }) => [from, to])).toEqual([
      [1, 2],
      [2, 3],
    ])
    const [step, grouping] = result.steps
    expect(step.note).toMatch(/^sealed 1 records/)
    expect(step.note).toContain('the backup holds those records as they were, unsealed')
    expect(grouping.note).toMatch(/^nothing rewritten/)
    expect(await formatOf(dir.path)).toEqual({ format: CURRENT, writtenBy: NODE_VERSION })
    // The migrated database: sealed, readable with the identity, no plaintext left in it.
    expect(await historyText(join(dir.path, 'db'), true)).toBe(SECRET)
    expect(await findOnDisk(join(dir.path, 'db'), [SECRET])).toEqual([])
    // The backup: the database exactly as it was, and the format it was in.
    expect(step.backup.startsWith(join(dir.path, BACKUPS_FOLDER, 'format-1-'))).toBe(true)
    expect(await formatOf(step.backup)).toEqual({ format: 1 })
    expect(await historyText(join(step.backup, 'db'), false)).toBe(SECRET)
    // Format 2's backup: sealed, as the release before grouping reads it.
    expect(await formatOf(grouping.backup)).toEqual({ format: 2 })
    expect(await historyText(join(grouping.backup, 'db'), true)).toBe(SECRET)
    expect(await readdir(dir.path)).not.toContain(UPGRADE_FOLDER)

    // Restoring as README says (stop, remove db, copy the backup's files back) gives format 1.
    await rm(join(dir.path, 'db'), { recursive: true })
    await cp(step.backup, dir.path, { recursive: true })
    expect(await formatOf(dir.path)).toEqual({ format: 1 })
    expect(await historyText(join(dir.path, 'db'), false)).toBe(SECRET)
    expect((await upgradeNodeDataDir(dataDirPaths(dir.path), { identity })).from).toBe(1)
  })

  it('refuses a data dir written in a newer format, naming both formats and releases', async () => {
    await writeFormat1DataDir()
    await writeFile(join(dir.path, 'format.json'), `{"format":${NEXT},"writtenBy":"9.1.0"}\n`)

    const refused = upgradeNodeDataDir(dataDirPaths(dir.path), { identity })
    await expect(refused).rejects.toMatchObject({
      name: 'DataFormatTooNewError',
      found: NEXT,
      readable: CURRENT,
    })
    const message = await refused.catch((err: Error) => err.message)
    expect(message).toContain(`format ${NEXT}, written by tokenim 9.1.0`)
    expect(message).toContain(`this tokenim ${NODE_VERSION} reads format ${CURRENT} at most`)
    // Nothing touched: the records are still the plain ones.
    expect(await formatOf(dir.path)).toEqual({ format: NEXT, writtenBy: '9.1.0' })
    expect(await historyText(join(dir.path, 'db'), false)).toBe(SECRET)
  })

  it('leaves the data dir in its old format when a migration throws halfway', async () => {
    await writeFormat1DataDir()
    await upgradeNodeDataDir(dataDirPaths(dir.path), { identity })
    const spec = nextFormat(async (staged) => {
      // Half the work done on the staged copy, then the failure.
      held = await openStorage(join(staged, 'db'), { identity })
      await held.sublevel('messaging').clear()
      await held.close()
      held = undefined
      throw new Error('disk full')
    })

    await expect(upgradeDataDir(dir.path, spec, null)).rejects.toMatchObject({
      name: 'DataFormatMigrationError',
      message: expect.stringContaining(`left as it was, in format ${CURRENT}`),
    })
    expect(await formatOf(dir.path)).toMatchObject({ format: CURRENT })
    expect(await historyText(join(dir.path, 'db'), true)).toBe(SECRET)
    expect(await readdir(dir.path)).not.toContain(UPGRADE_FOLDER)
    // Only the backups of the upgrade from format 1, one a step.
    expect(await readdir(join(dir.path, BACKUPS_FOLDER))).toHaveLength(CURRENT - 1)
  })

  it('after a crash before the commit point, starts over from the untouched data dir', async () => {
    await writeFormat1DataDir()
    await upgradeNodeDataDir(dataDirPaths(dir.path), { identity })
    // What a process killed mid-migration leaves: a half-migrated staged copy, no commit.json.
    const staged = join(dir.path, UPGRADE_FOLDER, 'next')
    await mkdir(staged, { recursive: true })
    await cp(join(dir.path, 'db'), join(staged, 'db'), { recursive: true })
    let ran = 0
    const spec = nextFormat(async () => {
      ran++
      return 'done'
    })

    const result = await upgradeDataDir(dir.path, spec, null)
    expect(ran).toBe(1)
    expect(result.steps.map((step) => step.note)).toEqual(['done'])
    expect(await formatOf(dir.path)).toMatchObject({ format: NEXT })
    expect(await historyText(join(dir.path, 'db'), true)).toBe(SECRET)
  })

  it('after a crash past the commit point, the next start finishes the move to the new format', async () => {
    await writeFormat1DataDir()
    await upgradeNodeDataDir(dataDirPaths(dir.path), { identity })
    // A crash between moving the database to the backup and the migrated copy into place.
    const upgrade = join(dir.path, UPGRADE_FOLDER)
    await mkdir(join(upgrade, 'next'), { recursive: true })
    await cp(join(dir.path, 'db'), join(upgrade, 'next', 'db'), { recursive: true })
    const backup = join(BACKUPS_FOLDER, `format-${CURRENT}-crash`)
    await mkdir(join(dir.path, backup), { recursive: true })
    await writeFile(
      join(upgrade, 'commit.json'),
      JSON.stringify({ from: CURRENT, changes: ['db'], backup }),
    )
    await cp(join(dir.path, 'db'), join(dir.path, backup, 'db'), { recursive: true })
    await rm(join(dir.path, 'db'), { recursive: true })

    const spec = nextFormat(async () => {
      throw new Error('must not run again')
    })
    expect((await upgradeDataDir(dir.path, spec, null)).steps).toEqual([])
    expect(await formatOf(dir.path)).toMatchObject({ format: NEXT })
    expect(await formatOf(join(dir.path, backup))).toEqual({ format: CURRENT })
    expect(await historyText(join(dir.path, 'db'), true)).toBe(SECRET)
    expect(await readdir(dir.path)).not.toContain(UPGRADE_FOLDER)
  })

  it('does not migrate a data dir a running node holds', async () => {
    await writeFormat1DataDir()
    held = await openStorage(join(dir.path, 'db'))
    await expect(upgradeNodeDataDir(dataDirPaths(dir.path), { identity })).rejects.toMatchObject({
      name: 'DataDirLockedError',
    })
    await expect(readFile(join(dir.path, 'format.json'))).rejects.toMatchObject({
      code: 'ENOENT',
    })
  })
})
