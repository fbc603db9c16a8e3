/** A peer that breaks the framing more than a few times within the window loses its connections. */
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { FramingPenalties } from '../../node/network/index.ts'
import { FramePrefixTooLongError } from '../../protocol/errors.ts'
import { FRAMING_VIOLATION_WINDOW_MS, MAX_FRAMING_VIOLATIONS } from '../../protocol/limits.ts'
import { testLogger } from '../helpers/test-logger.ts'

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
