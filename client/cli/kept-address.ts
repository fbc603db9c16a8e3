/**
 * The node daemon at the address a data dir keeps (api-access.json: port and token), in any
 * state: running, or waiting, locked, for the web client (which has no api.json yet).
 */
import { dataDirPaths, loadApiAccess } from '../../node/index.ts'
import { API_PATHS } from '../../protocol/local-api.ts'

/** How long the kept address may take to say whether a node is there. */
const PROBE_MS = 2_000

export interface KeptAddress {
  /** `http://127.0.0.1:PORT/` */
  url: string
  /** A POST to the daemon there with the kept token; its JSON answer. */
  post<T>(path: string): Promise<T>
}

/** The daemon answering at the kept address to the kept token, if one does. */
export async function daemonAtKeptAddress(dataDir: string): Promise<KeptAddress | undefined> {
  const { port, token } = await loadApiAccess(dataDirPaths(dataDir).apiAccess)
  if (port === 0) return undefined
  const url = `http://127.0.0.1:${port}/`
  const headers = { authorization: `Bearer ${token}` }
  try {
    const answer = await fetch(new URL(API_PATHS.state, url), {
      headers,
      signal: AbortSignal.timeout(PROBE_MS),
    })
    if (!answer.ok) return undefined
  } catch {
    return undefined // nothing listens there, or something that does not answer in time
  }
  return {
    url,
    async post<T>(path: string): Promise<T> {
      const answer = await fetch(new URL(path, url), { method: 'POST', headers })
      if (!answer.ok) throw new Error(`${path} answered ${answer.status}: ${await answer.text()}`)
      return (await answer.json()) as T
    },
  }
}
