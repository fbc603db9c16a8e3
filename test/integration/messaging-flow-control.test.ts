/**
 * Flow control on DM streams, between real libp2p hosts on loopback TCP: a burst bigger than
 * what libp2p lets sit unread in a stream (4 MiB) is delivered directly, and a peer that
 * reads envelopes but never acks them gets no more than MAX_UNACKED_BYTES before the
 * sender gives up on it.
 */
import { randomBytes } from 'node:crypto'
import { logger } from '@libp2p/logger'
import { lpStream } from '@libp2p/utils'
import { afterEach, describe, expect, it } from 'vitest'
import { DmChannels, MAX_UNACKED_BYTES } from '../../node/messaging/dm-channels.ts'
import { DM_PROTOCOL } from '../../protocol/ids.ts'
import { MAX_DM_TEXT_SIZE, MAX_STREAM_FRAME_SIZE } from '../../protocol/limits.ts'
import { type DmEnvelope, encodeDmFrame } from '../../protocol/messaging.ts'
import { ChangeSignal } from '../helpers/wait.ts'
import { startDhtPeer } from './mailbox-network.ts'
import {
  BundleDirectory,
  publicKeyHex,
  receivedCount,
  stateReached,
  TestPeers,
} from './messaging-peers.ts'

const peers = new TestPeers()
afterEach(() => peers.removeAll())

describe('flow control on DM streams', () => {
  it('delivers a burst larger than a stream may hold unread, directly and in order', async () => {
    const directory = new BundleDirectory()
    const penalties: string[] = []
    const alice = await peers.start(directory)
    const bob = await peers.start(directory, {
      messaging: { onPenalty: (_peer, reason) => penalties.push(reason) },
    })
    await alice.host.dial(bob.host.getMultiaddrs()[0])

    // 100 texts near the size limit: about 6 MiB sent in one go, over the 4 MiB a stream
    // may hold unread while the recipient works through what it has.
    const count = 100
    const sent = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        alice.messages.send(publicKeyHex(bob), `${i}:`.padEnd(MAX_DM_TEXT_SIZE - 1024, 'x')),
      ),
    )
    await Promise.all(sent.map((message) => stateReached(alice, message.id, 'delivered', 30_000)))
    await receivedCount(bob, count)

    expect(bob.received.map((m) => m.seq)).toEqual(sent.map((m) => m.seq))
    expect(bob.received.map((m) => m.text.split(':')[0])).toEqual(sent.map((_, i) => String(i)))
    expect(alice.deposits).toEqual([])
    expect(penalties).toEqual([])
  })

  it('sends a peer that never acks at most the window; reports it unreachable, then what it lost', async () => {
    const sender = await startDhtPeer({ dhtServer: false })
    const silent = await startDhtPeer({ dhtServer: false })
    peers.defer(() => sender.remove())
    peers.defer(() => silent.remove())
    let bytesRead = 0
    let framesRead = 0
    const reading = new ChangeSignal()
    const lost: string[] = []
    const losses = new ChangeSignal()
    await silent.host.handle(DM_PROTOCOL, async (stream) => {
      const lp = lpStream(stream, { maxDataLength: MAX_STREAM_FRAME_SIZE })
      for (;;) {
        try {
          bytesRead += (await lp.read()).byteLength
        } catch {
          return
        }
        framesRead++
        reading.notify()
      }
    })
    const channels = new DmChannels({
      host: sender.host,
      pipeline: {
        receive: () => Promise.reject(new Error('the silent peer sends nothing')),
        handleAck: () => Promise.reject(new Error('the silent peer acks nothing')),
        handleUnacked: (_peer, ids) => {
          lost.push(...ids)
          losses.notify()
        },
      },
      log: logger('tokenim:test:dm'),
      ackStallTimeoutMs: 300,
    })
    await channels.start()
    peers.defer(() => channels.stop())
    await sender.host.dial(silent.host.getMultiaddrs()[0])

    const envelopes = Array.from({ length: 40 }, () =>
      envelopeOf(60_000, sender.identity.publicKey),
    )
    const frameSize = encodeDmFrame({ envelope: envelopes[0] }).byteLength
    const results = await Promise.all(
      envelopes.map((envelope) => channels.send(silent.identity.publicKey, envelope)),
    )

    const fitting = Math.floor(MAX_UNACKED_BYTES / frameSize)
    expect(results.filter(Boolean)).toHaveLength(fitting)
    // In order: the window admits the first sends and refuses the ones behind them.
    expect(results.indexOf(false)).toBe(fitting)
    await reading.until(() => framesRead === fitting, 'the admitted envelopes read', 10_000)
    expect(bytesRead).toBeLessThanOrEqual(MAX_UNACKED_BYTES)

    // The peer goes away: what it never acked is reported at once, not after an ack timeout.
    for (const connection of silent.host.getConnections()) await connection.close()
    await losses.until(() => lost.length === fitting, 'the unacked envelopes reported', 10_000)
    expect(lost.sort()).toEqual(
      envelopes
        .slice(0, fitting)
        .map((envelope) => Buffer.from(envelope.messageId).toString('hex'))
        .sort(),
    )
  })
})

function envelopeOf(ciphertextSize: number, sender: Uint8Array): DmEnvelope {
  return {
    messageId: randomBytes(16),
    sender: Uint8Array.from(sender),
    header: randomBytes(42),
    ciphertext: randomBytes(ciphertextSize),
  }
}
