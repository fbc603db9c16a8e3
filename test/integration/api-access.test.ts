/**
 * The local API's lasting address: a daemon keeps its port and token across restarts in
 * api-access.json (mode 0600); when the kept port is in use it takes another for this run
 * and keeps the old one for the next; a damaged file costs only the address.
 */

import { readFile, stat, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { dataDirPaths } from '../../node/data-dir.ts'
import { NodeDaemon } from '../../node/index.ts'
import {
  API_PATHS,
  EVENTS_SUBPROTOCOL,
  type RotateApiTokenResponse,
  TOKEN_SUBPROTOCOL_PREFIX,
} from '../../protocol/local-api.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { waitForEvent } from '../helpers/wait.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function runDaemon(dataDir: string, apiPort?: number): Promise<NodeDaemon> {
  const daemon = new NodeDaemon({ dataDir, webRoot: false, apiPort })
  await daemon.start()
  cleanups.push(() => daemon.stop())
  return daemon
}

function portOf(daemon: NodeDaemon): number {
  return Number(new URL(daemon.api.url).port)
}

describe('the local API address across restarts', () => {
  it('keeps port and token; a taken port is replaced for one run only', async () => {
    const dir = await makeTempDir()
    cleanups.push(() => dir.remove())
    const first = await runDaemon(dir.path)
    const port = portOf(first)
    const { token } = first.api
    await first.stop()
    const path = dataDirPaths(dir.path).apiAccess
    expect((await stat(path)).mode & 0o777).toBe(0o600)

    const second = await runDaemon(dir.path)
    expect([portOf(second), second.api.token, second.api.takenPort]).toEqual([
      port,
      token,
      undefined,
    ])
    await second.stop()

    // Someone else holds the port: this run takes another, the kept one stays for later.
    const squatter: Server = createServer()
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve))
    cleanups.push(() => new Promise((resolve) => squatter.close(() => resolve())))
    const third = await runDaemon(dir.path)
    expect(third.api.takenPort).toBe(port)
    expect(portOf(third)).not.toBe(port)
    expect(third.api.token).toBe(token)
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ port, token })
  })

  it('an explicit --api-port that is in use fails, and a damaged file gives a new address', async () => {
    const dir = await makeTempDir()
    cleanups.push(() => dir.remove())
    const holder = await runDaemon(dir.path)
    const other = await makeTempDir()
    cleanups.push(() => other.remove())
    await expect(runDaemon(other.path, portOf(holder))).rejects.toMatchObject({
      code: 'EADDRINUSE',
    })

    await holder.stop()
    await writeFile(dataDirPaths(dir.path).apiAccess, '{not json')
    const fresh = await runDaemon(dir.path)
    expect(fresh.api.token).toMatch(/^[0-9a-f]{64}$/)
    expect(fresh.api.token).not.toBe(holder.api.token)
  })
})

describe('replacing the token on a running daemon', () => {
  it('refuses the old token at once, closes its event streams, and keeps the new one', async () => {
    const dir = await makeTempDir()
    cleanups.push(() => dir.remove())
    const daemon = await runDaemon(dir.path)
    const old = daemon.api.token
    const call = (token: string, method = 'GET', path: string = API_PATHS.state) =>
      fetch(`${daemon.api.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } })
    const events = new WebSocket(`${daemon.api.url.replace('http', 'ws')}${API_PATHS.events}`, [
      EVENTS_SUBPROTOCOL,
      `${TOKEN_SUBPROTOCOL_PREFIX}${old}`,
    ])
    await waitForEvent(events, 'open', { timeoutMs: 5_000 })
    const closed = waitForEvent(events, 'close', { timeoutMs: 5_000 })

    const answer = await call(old, 'POST', API_PATHS.apiToken)
    expect(answer.status).toBe(200)
    const { webUrl } = (await answer.json()) as RotateApiTokenResponse
    const token = new URL(webUrl).hash.replace('#token=', '')
    expect(token).toMatch(/^[0-9a-f]{64}$/)
    expect(token).not.toBe(old)
    expect(webUrl).toBe(daemon.api.webUrl)
    await closed
    expect((await call(old)).status).toBe(401)
    expect((await call(token)).status).toBe(200)
    const kept = JSON.parse(await readFile(dataDirPaths(dir.path).apiAccess, 'utf8'))
    expect(kept.token).toBe(token)
  })
})
