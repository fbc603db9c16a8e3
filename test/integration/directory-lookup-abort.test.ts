/**
 * A username lookup gives up when its caller's signal aborts, also while a relay holds the
 * request without ever answering: the friends' 15 s lookup limit and the messaging send's
 * are kept, whatever the directory client's own time-outs are.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { Libp2p, Stream } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateIdentity, type TokenimNode, toLibp2pPrivateKey } from '../../node/index.ts'
import { DIRECTORY_PROTOCOL } from '../../protocol/ids.ts'
import { startLocalNode } from '../helpers/local-node.ts'
import { withTimeout } from '../helpers/wait.ts'

const cleanups: Array<() => Promise<void>> = []
let silentRelay: Libp2p
let node: TokenimNode
const held: Stream[] = []

beforeAll(async () => {
  silentRelay = await createLibp2p({
    privateKey: toLibp2pPrivateKey(generateIdentity()),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
  })
  // Takes each directory request and never answers it.
  await silentRelay.handle(DIRECTORY_PROTOCOL, (stream) => {
    held.push(stream)
  })
  cleanups.push(async () => {
    await silentRelay.stop()
  })
  node = (await startLocalNode(cleanups, { apiPort: false })).node
  await node.host.dial(silentRelay.getMultiaddrs()[0])
}, 30_000)

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('username lookup and its signal', () => {
  it('is given up with a typed error once the signal aborts, while the relay stays silent', async () => {
    const started = Date.now()
    const failure = await withTimeout(
      node.directory
        .lookup(`alice@${silentRelay.peerId.toString()}`, { signal: AbortSignal.timeout(500) })
        .then(
          () => new Error('the lookup succeeded'),
          (err: Error) => err,
        ),
      // Below the directory client's own 5 s request time-out, which alone ended it before.
      4_000,
      'lookup against a silent relay',
    )
    expect(failure.name).toBe('DirectoryUnavailableError')
    expect(failure.message).toMatch(/alice/)
    expect(held.length).toBeGreaterThan(0)
    expect(Date.now() - started).toBeGreaterThanOrEqual(500)
  })

  it('is refused at once for a signal aborted already', async () => {
    const controller = new AbortController()
    controller.abort(new Error('the user left'))
    const failure = await withTimeout(
      node.directory
        .lookup(`bob@${silentRelay.peerId.toString()}`, { signal: controller.signal })
        .catch((err: Error) => err),
      2_000,
      'lookup with an aborted signal',
    )
    expect((failure as Error).name).toBe('DirectoryUnavailableError')
    expect((failure as Error).message).toMatch(/the user left/)
  })
})
