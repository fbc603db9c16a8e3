import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { DirectoryClient } from '../../node/directory/index.ts'
import { generateIdentity } from '../../node/index.ts'
import { startClaimant } from '../helpers/directory-host.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { withTimeout } from '../helpers/wait.ts'

const CHILD = fileURLToPath(new URL('./directory-relay-child.ts', import.meta.url))
const REGISTRATIONS = 200
const KILL_AFTER_ACKS = 100
const CONCURRENCY = 25

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface RelayProcess {
  child: ChildProcess
  address: string
  exited: Promise<number | string>
}

async function startRelayProcess(dataDir: string): Promise<RelayProcess> {
  const child = spawn(
    process.execPath,
    ['--experimental-transform-types', '--disable-warning=ExperimentalWarning', CHILD, dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)),
  )
  cleanups.push(async () => {
    if (child.exitCode == null && child.signalCode == null) child.kill('SIGKILL')
    await exited
  })
  let output = ''
  const address = await withTimeout(
    new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        const ready = /READY (\S+)/.exec(output)
        if (ready != null) resolve(ready[1])
      }
      child.stdout!.on('data', onData)
      child.stderr!.on('data', onData)
      void exited.then((code) => reject(new Error(`relay process exited (${code}):\n${output}`)))
    }),
    30_000,
    'relay process start',
  )
  return { child, address, exited }
}

describe('directory durability', () => {
  it('keeps every acknowledged registration when the relay is killed with SIGKILL mid-stream', async () => {
    const dir = await makeTempDir('tokenim-durable-relay-')
    cleanups.push(() => dir.remove())
    const first = await startRelayProcess(dir.path)
    const relayPeerId = peerIdFromString(multiaddr(first.address).getComponents().at(-1)!.value!)
    const claimants = await Promise.all(
      Array.from({ length: REGISTRATIONS }, async (_, index) => {
        const identity = generateIdentity()
        return {
          name: `durable-${index}`,
          identity,
          host: (await startClaimant(cleanups, identity)).host,
        }
      }),
    )
    // Connected beforehand, a few at a time, so every claim reaches the relay even on a
    // busy machine; what is under test is the relay dying between claims.
    for (let start = 0; start < claimants.length; start += 20) {
      await Promise.all(
        claimants.slice(start, start + 20).map(({ host }) => host.dial(multiaddr(first.address))),
      )
    }

    const acknowledged: Array<{ name: string; publicKey: string }> = []
    let killed = false
    let next = 0
    const worker = async () => {
      while (next < claimants.length && !killed) {
        const claimant = claimants[next++]
        const client = new DirectoryClient({
          host: claimant.host,
          identity: claimant.identity,
          timeoutMs: 5_000,
        })
        try {
          const record = await client.register(
            { peerId: relayPeerId, addresses: [multiaddr(first.address)] },
            claimant.name,
          )
          acknowledged.push({
            name: record.name,
            publicKey: Buffer.from(record.publicKey).toString('hex'),
          })
          if (acknowledged.length === KILL_AFTER_ACKS && !killed) {
            killed = true
            first.child.kill('SIGKILL')
          }
        } catch {
          // Claims in flight when the relay dies fail; only acknowledged ones must survive.
        }
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    expect(await first.exited).toBe('SIGKILL')
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS)

    const second = await startRelayProcess(dir.path)
    const checker = generateIdentity()
    const { client } = await startClaimant(cleanups, checker)
    const relay = { peerId: relayPeerId, addresses: [multiaddr(second.address)] }
    const missing: string[] = []
    for (const { name, publicKey } of acknowledged) {
      const found = await client.lookup(relay, name).catch(() => undefined)
      if (found == null || Buffer.from(found.publicKey).toString('hex') !== publicKey)
        missing.push(name)
    }
    expect(missing).toEqual([])
  }, 120_000)
})
