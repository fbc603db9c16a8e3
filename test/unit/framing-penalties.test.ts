/** A peer that breaks the framing more than a few times within the window loses its connections. */
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Connection, PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { streamPair } from '@libp2p/utils'
import { describe, expect, it } from 'vitest'
import { FramedStream, FramingPenalties } from '../../network/index.ts'
import { FramePrefixTooLongError, FramingError } from '../../protocol/errors.ts'
import { FRAMING_VIOLATION_WINDOW_MS, MAX_FRAMING_VIOLATIONS } from '../../protocol/limits.ts'
import { testLogger } from '../helpers/test-logger.ts'
import { streamClosed } from '../helpers/wait.ts'

async function setup() {
  let now = 0
  const closed: string[] = []
  const penalties = new FramingPenalties({
    connectionManager: {
      closeConnections: async (peer: PeerId) => {
        closed.push(peer.toString())
      },
    },
    log: testLogger,
    clock: () => now,
  })
  const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  const violate = () => penalties.report(peer, '/test', new FramePrefixTooLongError('bad'))
  return { penalties, peer, closed, violate, advance: (ms: number) => (now += ms) }
}

describe('FramingPenalties', () => {
  it('closes the connections of a peer past the limit within the window, and starts afresh', async () => {
    const { penalties, peer, closed, violate } = await setup()
    for (let i = 0; i < MAX_FRAMING_VIOLATIONS; i++) violate()
    expect(penalties.count(peer)).toBe(MAX_FRAMING_VIOLATIONS)
    expect(closed).toEqual([])
    violate()
    expect(closed).toEqual([peer.toString()])
    expect(penalties.count(peer)).toBe(0)
  })

  it('forgets violations older than the window', async () => {
    const { penalties, peer, closed, violate, advance } = await setup()
    for (let i = 0; i < MAX_FRAMING_VIOLATIONS; i++) violate()
    advance(FRAMING_VIOLATION_WINDOW_MS)
    violate()
    expect(penalties.count(peer)).toBe(1)
    expect(closed).toEqual([])
  })
})

describe('FramingPenalties.watch', () => {
  it('counts a stream FramedStream reset, whether for its prefix or for its unread bytes', async () => {
    const { penalties, peer } = await setup()
    for (const [wire, limits] of [
      [new Uint8Array(8).fill(0x80), { maxFrameSize: 1000, maxBufferedBytes: 1024 }],
      [new Uint8Array(4096), { maxFrameSize: 1000, maxBufferedBytes: 1024 }],
    ] as const) {
      const [sender, inbound] = await streamPair()
      await penalties.watch()(inbound, { remotePeer: peer } as Connection, () => undefined)
      const reader = new FramedStream(inbound, { limits })
      sender.send(wire)
      await expect(reader.read()).rejects.toBeInstanceOf(FramingError)
      await streamClosed(inbound)
    }
    expect(penalties.count(peer)).toBe(2)
  })
})
