/**
 * `<dataDir>/relay-status.json`: written while a relay runs, so `tokenim relay status` finds
 * the relay's peer id, addresses and operations URLs without a control API. Live counts come
 * from the /health endpoint the file points at.
 */
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../node/index.ts'
import { RelayNotRunningError } from './errors.ts'
import type { RelayHealth } from './ops-server.ts'

export const RELAY_STATUS_FILE = 'relay-status.json'

export interface RelayStatusFile {
  pid: number
  peerId: string
  /** The TokenIM release the running relay is. */
  version: string
  /** Full multiaddrs, each ending in /p2p/<peer id>: what nodes pass to --relay. */
  multiaddrs: string[]
  startedAt: number
  /** http://host:port/health, or null when the endpoint is off. */
  healthUrl: string | null
  metricsUrl: string | null
}

export interface RelayStatusReport extends RelayStatusFile {
  /** What /health answered, or null when it is off or did not answer. */
  health: RelayHealth | null
}

export function relayStatusPath(dataDir: string): string {
  return join(dataDir, RELAY_STATUS_FILE)
}

export async function writeRelayStatus(dataDir: string, status: RelayStatusFile): Promise<void> {
  await writeFileAtomic(
    relayStatusPath(dataDir),
    new TextEncoder().encode(`${JSON.stringify(status, null, 2)}\n`),
    0o644,
  )
}

export async function removeRelayStatus(dataDir: string): Promise<void> {
  await rm(relayStatusPath(dataDir), { force: true })
}

/**
 * The status of the relay running on `dataDir`, with its live counts when /health answers.
 * @throws RelayNotRunningError when no status file is there or its process is gone
 */
export async function readRelayStatus(
  dataDir: string,
  options: { timeoutMs?: number } = {},
): Promise<RelayStatusReport> {
  let status: RelayStatusFile
  try {
    status = JSON.parse(await readFile(relayStatusPath(dataDir), 'utf8')) as RelayStatusFile
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new RelayNotRunningError(dataDir)
    throw err
  }
  // A relay killed with SIGKILL leaves its file behind.
  if (!isAlive(status.pid)) throw new RelayNotRunningError(dataDir)
  return { ...status, health: await fetchHealth(status.healthUrl, options.timeoutMs ?? 5_000) }
}

async function fetchHealth(url: string | null, timeoutMs: number): Promise<RelayHealth | null> {
  if (url == null) return null
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
    return (await response.json()) as RelayHealth
  } catch {
    return null
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
