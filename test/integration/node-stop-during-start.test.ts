/**
 * stop() called while a node starts: it waits for the step under way, then releases every
 * part started, whatever the step. Afterwards no listener is left, the database is free for
 * the next process, api.json is gone, and start() either finished first or failed with
 * NodeStoppedError.
 */
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { generateIdentity, TokenimNode } from '../../node/index.ts'
import { openStorage } from '../../node/storage.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { waitForEvent } from '../helpers/wait.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function listeningSockets(): number {
  return process.getActiveResourcesInfo().filter((type) => type === 'TCPServerWrap').length
}

/** True once `part` no longer throws (the node's getters throw until their part exists). */
function exists(part: () => unknown): boolean {
  try {
    return part() !== false
  } catch {
    return false
  }
}

/** Turns the event loop until `reached` holds or start() settled, whichever is first. */
async function until(reached: () => boolean, settled: () => boolean): Promise<void> {
  while (!reached() && !settled()) await new Promise((resolve) => setImmediate(resolve))
}

/** Points of start() at which stop() is called: each names a part that exists by then. */
const STEPS: Array<[string, (node: TokenimNode) => boolean]> = [
  ['at once', () => true],
  ['once the host exists', (node) => exists(() => node.host)],
  ['once the host runs', (node) => exists(() => node.host.status === 'started')],
  ['once the directory exists', (node) => exists(() => node.directory)],
  ['once friends exist', (node) => exists(() => node.friends)],
  ['once messaging exists', (node) => exists(() => node.messages)],
  ['once presence exists', (node) => exists(() => node.presence)],
]

describe('stop during start', () => {
  for (const [step, reached] of STEPS) {
    it(`releases everything when stop() comes ${step}`, async () => {
      const dir = await makeTempDir('tokenim-stop-during-start-')
      cleanups.push(() => dir.remove())
      const identity = generateIdentity()
      const listeners = listeningSockets()
      const node = new TokenimNode({
        dataDir: dir.path,
        identity,
        listen: ['/ip4/127.0.0.1/tcp/0'],
        apiPort: 0,
        allowPrivateAddresses: true,
      })
      const stopped = waitForEvent(node, 'stopped')
      let settled = false
      const started = node.start().then(
        () => 'started',
        (err: Error) => err.name,
      )
      void started.finally(() => {
        settled = true
      })
      await until(
        () => reached(node),
        () => settled,
      )
      await node.stop()
      await stopped

      expect(['started', 'NodeStoppedError']).toContain(await started)
      expect(listeningSockets()).toBe(listeners)
      await expect(stat(join(dir.path, 'api.json'))).rejects.toThrow(/ENOENT/)
      // The database lock is free: a leaked handle would make this open fail.
      const storage = await openStorage(join(dir.path, 'db'), { identity })
      await storage.close()
    }, 30_000)
  }
})
