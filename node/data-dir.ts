/**
 * Where a node keeps its files. Everything of one identity lives in one folder, so that
 * `--data-dir` is all a tester needs to run several nodes side by side.
 */
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import envPaths from 'env-paths'
import { API_INFO_FILE } from '../protocol/local-api.ts'
import { API_ACCESS_FILE } from './api/api-access.ts'

export function defaultDataDir(): string {
  return process.env.TOKENIM_DATA_DIR ?? envPaths('tokenim', { suffix: '' }).data
}

export interface DataDirPaths {
  root: string
  /** The sealed identity key. */
  keystore: string
  database: string
  /** Address and token of the running node's local API; exists only while it runs. */
  apiInfo: string
  /** The local API's port and token, kept across restarts (api/api-access.ts). */
  apiAccess: string
  /** Output of a node started with --detach. */
  log: string
}

export function dataDirPaths(dataDir: string): DataDirPaths {
  const root = resolve(dataDir)
  return {
    root,
    keystore: join(root, 'identity.key'),
    database: join(root, 'db'),
    apiInfo: join(root, API_INFO_FILE),
    apiAccess: join(root, API_ACCESS_FILE),
    log: join(root, 'node.log'),
  }
}

/** Creates the folder readable by its owner only: it holds keys and private history. */
export async function ensureDataDir(dataDir: string): Promise<DataDirPaths> {
  const paths = dataDirPaths(dataDir)
  await mkdir(paths.root, { recursive: true, mode: 0o700 })
  return paths
}
