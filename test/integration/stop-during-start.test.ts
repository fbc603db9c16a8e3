/**
 * stop() called while a node, the node's daemon or a relay starts: it waits for the step under way, then
 * releases every part started, whatever the step. Afterwards no listener is left, the
 * database is free for the next process, api.json (relay-status.json) is gone, start()
 * either finished first or failed with NodeStoppedError (RelayStoppedError), and no promise
 * was left rejected unhandled. A node or relay runs once: start() after stop() rejects.
 */
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { generateIdentity, NodeDaemon, TokenimNode } from '../../node/index.ts'
import { openStorage } from '../../node/storage.ts'
import { RelayNode } from '../../relay/index.ts'
import { loopbackRelayConfig } from '../helpers/relay-network.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { waitForEvent } from '../helpers/wait.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function listeningSockets(): number {
  return process.getActiveResourcesInfo().filter((type) => type === 'TCPServerWrap').length
}

/**
 * The number of listening sockets once closing ones are gone: a server's handle is released
 * a few loop turns after its close callback, so turn the loop (at most 100 times) first.
 */
async function listeningSocketsSettled(expected: number): Promise<number> {
  for (let turn = 0; turn < 100 && listeningSockets() !== expected; turn++) {
    await new Promise((resolve) => setImmediate(resolve))
  }
  return listeningSockets()
}

/** Rejections nobody handled while `run` ran (vitest would report them, but after the test). */
async function unhandledRejections(run: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = []
  const listener = (reason: unknown) => seen.push(reason)
  process.on('unhandledRejection', listener)
  try {
    await run()
    // Rejections are reported after the microtask queue drains: turn the loop once.
    await new Promise((resolve) => setImmediate(resolve))
  } finally {
    process.off('unhandledRejection', listener)
  }
  return seen
}

/** True once `part` no longer throws (the node's getters throw until their part exists). */
function exists(part: () => unknown): boolean {
  try {
    return part() !== false
  } catch {
    return false
  }
}

/**
 * Starts `whole`, turns the event loop until `reached` holds (or start settled), stops it,
 * and returns how start() ended: "started" or its error's name.
 */
async function stopDuringStart<T extends { start(): Promise<void>; stop(): Promise<void> }>(
  whole: T,
  reached: (whole: T) => boolean,
): Promise<string> {
  let settled = false
  const started = whole.start().then(
    () => 'started',
    (err: Error) => err.name,
  )
  void started.finally(() => {
    settled = true
  })
  while (!reached(whole) && !settled) await new Promise((resolve) => setImmediate(resolve))
  await whole.stop()
  return started
}

/** Points of a node's start() at which stop() is called: each names a part that exists by then. */
const STEPS: Array<[string, (node: TokenimNode) => boolean]> = [
  ['at once', () => true],
  ['once the host exists', (node) => exists(() => node.host)],
  ['once the host runs', (node) => exists(() => node.host.status === 'started')],
  ['once rooms exist', (node) => exists(() => node.rooms)],
  ['once the directory exists', (node) => exists(() => node.directory)],
  ['once friends exist', (node) => exists(() => node.friends)],
  ['once messaging exists', (node) => exists(() => node.messages)],
  ['once presence exists', (node) => exists(() => node.presence)],
  ['once attachments exist', (node) => exists(() => node.attachments)],
  ['once conversations exist', (node) => exists(() => node.conversations)],
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
      let outcome = ''
      const unhandled = await unhandledRejections(async () => {
        outcome = await stopDuringStart(node, reached)
        await stopped
      })

      expect(unhandled).toEqual([])
      expect(['started', 'NodeStoppedError']).toContain(outcome)
      expect(await listeningSocketsSettled(listeners)).toBe(listeners)
      await expect(stat(join(dir.path, 'api.json'))).rejects.toThrow(/ENOENT/)
      // The database lock is free: a leaked handle would make this open fail.
      const storage = await openStorage(join(dir.path, 'db'), { identity })
      await storage.close()
    }, 30_000)
  }
})

describe('start after stop', () => {
  it('a node runs once: start() after stop() rejects with NodeStoppedError, starts nothing', async () => {
    const dir = await makeTempDir('tokenim-start-after-stop-')
    cleanups.push(() => dir.remove())
    const listeners = listeningSockets()
    const node = new TokenimNode({
      dataDir: dir.path,
      identity: generateIdentity(),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      apiPort: 0,
      allowPrivateAddresses: true,
    })
    await node.start()
    await node.stop()
    await expect(node.start()).rejects.toThrow(
      expect.objectContaining({ name: 'NodeStoppedError' }),
    )
    expect(await listeningSocketsSettled(listeners)).toBe(listeners)
    await expect(stat(join(dir.path, 'api.json'))).rejects.toThrow(/ENOENT/)

    const never = new TokenimNode({
      dataDir: dir.path,
      identity: generateIdentity(),
      apiPort: false,
    })
    await never.stop()
    await expect(never.start()).rejects.toThrow(
      expect.objectContaining({ name: 'NodeStoppedError' }),
    )
    expect(() => never.host).toThrow(expect.objectContaining({ name: 'NodeNotStartedError' }))
  }, 30_000)

  it('a relay runs once: start() after stop() rejects with RelayStoppedError', async () => {
    const dir = await makeTempDir('tokenim-relay-start-after-stop-')
    cleanups.push(() => dir.remove())
    const listeners = listeningSockets()
    const relay = new RelayNode({ config: loopbackRelayConfig(dir.path) })
    await relay.start()
    await relay.stop()
    await expect(relay.start()).rejects.toThrow(
      expect.objectContaining({ name: 'RelayStoppedError' }),
    )
    expect(await listeningSocketsSettled(listeners)).toBe(listeners)
    await expect(stat(join(dir.path, 'relay-status.json'))).rejects.toThrow(/ENOENT/)
  }, 30_000)
})

const RELAY_STEPS: Array<[string, (relay: RelayNode) => boolean]> = [
  ['at once', () => true],
  ['once the host exists', (relay) => exists(() => relay.host)],
  ['once the host runs', (relay) => exists(() => relay.host.status === 'started')],
]

describe('relay stop during start', () => {
  for (const [step, reached] of RELAY_STEPS) {
    it(`releases everything when stop() comes ${step}`, async () => {
      const dir = await makeTempDir('tokenim-relay-stop-during-start-')
      cleanups.push(() => dir.remove())
      const listeners = listeningSockets()
      const relay = new RelayNode({ config: loopbackRelayConfig(dir.path) })
      let outcome = ''
      const unhandled = await unhandledRejections(async () => {
        outcome = await stopDuringStart(relay, reached)
      })

      expect(unhandled).toEqual([])
      expect(['started', 'RelayStoppedError']).toContain(outcome)
      expect(await listeningSocketsSettled(listeners)).toBe(listeners)
      await expect(stat(join(dir.path, 'relay-status.json'))).rejects.toThrow(/ENOENT/)
      const storage = await openStorage(join(dir.path, 'db'))
      await storage.close()
    }, 30_000)
  }
})

const DAEMON_STEPS: Array<[string, (daemon: NodeDaemon) => boolean]> = [
  ['at once', () => true],
  ['once its API exists', (daemon) => exists(() => daemon.api)],
]

describe('daemon stop during start', () => {
  for (const locked of [true, false]) {
    for (const [step, reached] of DAEMON_STEPS) {
      it(`releases everything when stop() comes ${step} (${locked ? 'locked' : 'with an identity'})`, async () => {
        const dir = await makeTempDir('tokenim-daemon-stop-during-start-')
        cleanups.push(() => dir.remove())
        const identity = generateIdentity()
        const listeners = listeningSockets()
        const daemon = new NodeDaemon({
          dataDir: dir.path,
          identity: locked ? undefined : identity,
          webRoot: false,
          node: { listen: ['/ip4/127.0.0.1/tcp/0'], allowPrivateAddresses: true },
        })
        const stopped = waitForEvent(daemon, 'stopped')
        await stopDuringStart(daemon, reached)
        await stopped

        expect(await listeningSocketsSettled(listeners)).toBe(listeners)
        await expect(stat(join(dir.path, 'api.json'))).rejects.toThrow(/ENOENT/)
        if (!locked) {
          const storage = await openStorage(join(dir.path, 'db'), { identity })
          await storage.close()
        }
      }, 30_000)
    }
  }
})
