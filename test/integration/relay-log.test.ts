import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TokenimNode } from '../../node/index.ts'
import { DIRECTORY_PROTOCOL } from '../../protocol/ids.ts'
import { createRelay, createRelayLogger, type RelayNode } from '../../relay/index.ts'
import { floodPrefixes } from '../helpers/hostile-peer.ts'
import {
  createNetwork,
  loopbackRelayConfig,
  type Network,
  relayAddress,
  waitForRelay,
} from '../helpers/relay-network.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { withTimeout } from '../helpers/wait.ts'
import { type DhtPeer, startDhtPeer } from './mailbox-network.ts'

interface Line {
  level: number
  msg: string
  [field: string]: unknown
}

const lines: Line[] = []
const destination = { write: (line: string) => void lines.push(JSON.parse(line) as Line) }
let network: Network
let relay: RelayNode
let alice: TokenimNode
let relayDir: Awaited<ReturnType<typeof makeTempDir>>
let mallory: DhtPeer | undefined

beforeAll(async () => {
  network = createNetwork()
  relayDir = await makeTempDir('tokenim-relay-log-')
  relay = await createRelay(loopbackRelayConfig(relayDir.path, { log: { level: 'info' } }), {
    logger: createRelayLogger('info', destination),
  })
  alice = await network.node([relayAddress(relay)])
  await waitForRelay(alice, relay)
}, 60_000)

afterAll(async () => {
  await mallory?.remove()
  await network?.close()
  await relay?.stop()
  await relayDir?.remove()
})

function logged(msg: string): Line | undefined {
  return lines.find((line) => line.msg === msg)
}

describe("the relay's info log: what an operator watches, without per-peer noise", () => {
  it('says where it listens, who reserved a circuit and which name was registered', async () => {
    expect(logged('relay started')).toMatchObject({
      level: 30,
      multiaddrs: expect.arrayContaining([expect.stringContaining('/ip4/127.0.0.1/tcp/')]),
    })
    expect(logged('node reserved a circuit')).toMatchObject({ peer: alice.peerId })

    await alice.directory.register('alice', { relay: relayAddress(relay) })
    // The relay logs before it answers: the line is there once the registration is.
    expect(logged('name registered')).toMatchObject({
      level: 30,
      name: 'alice',
      peer: alice.peerId,
    })

    // Connections, renewals and libp2p's own lines stay at debug: none reach an info log.
    expect(lines.filter((line) => line.level < 30)).toEqual([])
    expect(lines.map((line) => line.msg)).not.toContain('peer connected')
  })

  it('warns of a peer penalised for breaking the framing, once per penalty, not per stream', async () => {
    mallory = await startDhtPeer({ dhtServer: false })
    await mallory.host.dial(relay.host.getMultiaddrs())
    const penalised = () =>
      lines.some((line) => line.level === 40 && line.msg.startsWith('closing the connections of'))
    const seen = Promise.withResolvers<void>()
    const attack = floodPrefixes(
      mallory.host,
      relay.peerId,
      DIRECTORY_PROTOCOL,
      seen.promise,
      () => {
        if (penalised()) seen.resolve()
      },
    )
    try {
      await withTimeout(seen.promise, 20_000, 'the penalty line')
    } finally {
      seen.resolve()
    }
    const report = await attack
    const warnings = lines.filter((line) => line.level === 40)
    expect(warnings[0]).toMatchObject({
      component: 'tokenim:stream-guards',
      msg: `closing the connections of ${mallory.host.peerId.toString()}: 4 framing violations`,
    })
    // Four reset streams or more made one line: the violations themselves stay at debug.
    expect(report.streams).toBeGreaterThanOrEqual(4)
    expect(warnings.filter((line) => line.msg.includes('framing violation '))).toEqual([])
  })
})
