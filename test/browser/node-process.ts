/** A real node for browser tests: `tokenim start --web` as a child process, with no password. */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { runCli, spawnCli } from '../helpers/cli.ts'
import { withTimeout } from '../helpers/wait.ts'

export interface WebNode {
  child: Awaited<ReturnType<typeof spawnCli>>['child']
  exited: Promise<number>
  /** The web client's address, as printed: `http://127.0.0.1:PORT/#token=...`. */
  url: string
  token: string
}

/**
 * Starts a node that waits, locked, for the web client; its access log goes to the data dir.
 * `extraArgs` go to `tokenim start` (e.g. `--relay`).
 */
export async function startWebNode(dataDir: string, extraArgs: string[] = []): Promise<WebNode> {
  const node = await spawnCli(
    [
      'start',
      '--web',
      '--data-dir',
      dataDir,
      '--listen',
      '/ip4/127.0.0.1/tcp/0',
      '--access-log',
      accessLogPath(dataDir),
      ...extraArgs,
    ],
    'Press Ctrl+C to stop.',
    { TOKENIM_PASSWORD: '' },
  )
  const url = /web client\s+(http:\/\/127\.0\.0\.1:\d+\/#token=([0-9a-f]+))/.exec(node.output())
  if (url == null) throw new Error(`no web client address printed:\n${node.output()}`)
  return { child: node.child, exited: node.exited, url: url[1], token: url[2] }
}

export async function stopWebNode(dataDir: string, node: WebNode): Promise<void> {
  const stop = await runCli(['stop', '--data-dir', dataDir])
  expect(stop.code, stop.stderr).toBe(0)
  expect(await withTimeout(node.exited, 15_000, 'node exit')).toBe(0)
}

/** Stops the node as Ctrl+C would: the daemon shuts down and the process exits cleanly. */
export async function interruptWebNode(node: WebNode): Promise<void> {
  node.child.kill('SIGINT')
  expect(await withTimeout(node.exited, 15_000, 'node exit')).toBe(0)
}

export function accessLogPath(dataDir: string): string {
  return join(dataDir, 'access.log')
}

/** The request URLs in the node's access log. */
export async function loggedUrls(dataDir: string): Promise<string[]> {
  const lines = (await readFile(accessLogPath(dataDir), 'utf8')).trim().split('\n')
  return lines.map((line) => (JSON.parse(line) as { url: string }).url)
}

/** Adds every URL the page asks for, WebSockets included, to `urls`. */
export function recordRequests(page: Page, urls: string[]): void {
  page.on('request', (request) => urls.push(request.url()))
  page.on('websocket', (socket) => urls.push(socket.url()))
}

/** The peer id `tokenim id` reads from the keystore. */
export async function peerIdOf(dataDir: string): Promise<string> {
  const id = await runCli(['id', '--json', '--data-dir', dataDir])
  expect(id.code, id.stderr).toBe(0)
  return (JSON.parse(id.stdout) as { peerId: string }).peerId
}
