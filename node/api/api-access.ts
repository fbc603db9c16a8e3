/**
 * The local API's lasting address: the port and the token a node keeps across restarts, so a
 * bookmark and an open tab of the web client keep working. They live in `api-access.json`
 * in the data dir, written with mode 0600 (the data dir itself is 0700): whoever can read it
 * can drive the node, exactly as with `api.json`. The token is chosen once and changes only
 * when rotated (`tokenim api token --rotate`); the port is chosen once, by the system, and
 * changes only with `--api-port`.
 */
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { writeFileAtomic } from '../identity/atomic-file.ts'

export const API_ACCESS_FILE = 'api-access.json'

export interface ApiAccess {
  /** The port last chosen for the API on 127.0.0.1; 0 before the first start. */
  port: number
  /** 64 hex characters. */
  token: string
}

export function newApiToken(): string {
  return randomBytes(32).toString('hex')
}

/** The stored access, or a new token and no port yet when there is none (or it is unreadable). */
export async function loadApiAccess(path: string): Promise<ApiAccess> {
  try {
    const stored = JSON.parse(await readFile(path, 'utf8')) as Partial<ApiAccess>
    if (
      typeof stored.token === 'string' &&
      /^[0-9a-f]{64}$/.test(stored.token) &&
      Number.isInteger(stored.port) &&
      (stored.port as number) >= 0 &&
      (stored.port as number) <= 65535
    ) {
      return { port: stored.port as number, token: stored.token }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !(err instanceof SyntaxError)) throw err
  }
  // A missing or damaged file costs only the old address: a new one is made.
  return { port: 0, token: newApiToken() }
}

/** Writes `access` whole (old or new after a crash), readable by its owner only. */
export async function saveApiAccess(path: string, access: ApiAccess): Promise<void> {
  await writeFileAtomic(path, new TextEncoder().encode(JSON.stringify(access)), 0o600)
}

/** Replaces the stored token with a new one; the port stays. Returns the new access. */
export async function rotateApiToken(path: string): Promise<ApiAccess> {
  const access = { ...(await loadApiAccess(path)), token: newApiToken() }
  await saveApiAccess(path, access)
  return access
}
