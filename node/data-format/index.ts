/**
 * The format version of every data dir (node and relay) and its upgrade at start: a
 * migration per format, run in order on a staged copy, with the original kept as backup.
 *
 * @example
 * ```ts
 * const result = await upgradeNodeDataDir(paths, { identity })
 * for (const step of result.steps) log('format %d to %d; backup in %s', step.from, step.to, step.backup)
 * ```
 */
export { FORMAT_FILE, readFormat, UNVERSIONED_FORMAT } from './format-file.ts'
export { NODE_DATA_FORMAT, upgradeNodeDataDir } from './node-format.ts'
export {
  BACKUPS_FOLDER,
  type DataFormatSpec,
  type Migration,
  UPGRADE_FOLDER,
  type UpgradeResult,
  type UpgradeStep,
  upgradeDataDir,
} from './upgrade.ts'
