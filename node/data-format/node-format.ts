/**
 * The formats of a node's data dir, and the migration between each and the next.
 *
 * 1. Every data dir before format files (format.json): its database as the release that
 *    wrote it left it, sealed at rest or not (at-rest-migration.ts).
 * 2. Every record sealed at rest, names hidden in keys, no sealing markers.
 * 3. Records written together may be sealed together (record-groups.ts): a key of messaging
 *    may hold a pointer into a group, which releases before this format cannot read.
 */
import { join } from 'node:path'
import { sealDatabaseAtRest } from '../at-rest-migration.ts'
import type { DataDirPaths } from '../data-dir.ts'
import type { Identity } from '../identity/index.ts'
import { type DataFormatSpec, type UpgradeResult, upgradeDataDir } from './upgrade.ts'

export const NODE_DATA_FORMAT = 3

export interface NodeMigrationContext {
  /** The unlocked identity: sealing needs its keys. */
  identity: Pick<Identity, 'privateKey' | 'atRestSeed'>
}

export const NODE_FORMAT_SPEC: DataFormatSpec<NodeMigrationContext> = {
  name: 'data dir',
  current: NODE_DATA_FORMAT,
  migrations: [
    {
      from: 1,
      summary: 'seal every record at rest and hide the names in keys',
      changes: ['db'],
      run: async (staged, { identity }) => {
        const { sealed, dropped, renamed } = await sealDatabaseAtRest(join(staged, 'db'), identity)
        const note = `sealed ${sealed} records written before sealing; dropped ${dropped} search index records to rebuild; hid the names in ${renamed} keys`
        // The backup is the database as it was: what was not sealed then is not sealed there.
        return sealed + renamed > 0
          ? `${note}; the backup holds those records as they were, unsealed: delete it once this node runs well`
          : note
      },
    },
    {
      from: 2,
      summary: 'seal records written together as one group',
      // Nothing is rewritten: the database is declared changed so that the backup keeps it
      // as format 2 left it, which the release before can still read.
      changes: ['db'],
      run: async () =>
        'nothing rewritten: records written from now on may be sealed in groups; the backup is the database as format 2 left it',
    },
  ],
}

/** Upgrades a node's data dir before its storage opens (upgrade.ts). */
export function upgradeNodeDataDir(
  paths: Pick<DataDirPaths, 'root'>,
  context: NodeMigrationContext,
): Promise<UpgradeResult> {
  return upgradeDataDir(paths.root, NODE_FORMAT_SPEC, context)
}
