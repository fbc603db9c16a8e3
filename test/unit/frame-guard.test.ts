/**
 * The guard for streams another library reads (kad-dht, through libp2p's lpStream): it
 * follows the frames as they arrive, lets honest ones through untouched, and resets the
 * stream at the first bad prefix byte or stalled frame, keeping the bad chunk from the
 * library's reader.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Connection, Stream } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { lpStream, streamPair } from '@libp2p/utils'
import { describe, expect, it } from 'vitest'
import { frameGuard } from '../../network/index.ts'
import { FramingError } from '../../protocol/errors.ts'
import { encodeFramePrefix, FrameScanner } from '../../protocol/framing.ts'
import { testLogger } from '../helpers/test-logger.ts'

async function guarded(frameDeadlineMs?: number) {
  const [sender, inbound] = await streamPair()
  const remotePeer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  const violations: Array<{ peer: string; err: FramingError }> = []
  const guard = frameGuard({
    limits: { maxFrameSize: 1000 },
    log: testLogger,
    frameDeadlineMs,
    onViolation: (peer, _protocol, err) => violations.push({ peer: peer.toString(), err }),
  })
  let guardedStream: Stream | undefined
  await guard(inbound, { remotePeer } as Connection, (stream) => {
    guardedStream = stream
  })
  // The library's reader, and a count of the bytes that reached it.
  let delivered = 0
  guardedStream!.addEventListener('message', (evt) => {
    delivered += evt.data.byteLength
  })
  const lp = lpStream(guardedStream!, { maxDataLength: 1000 })
  return { sender, inbound, lp, violations, delivered: () => delivered, remotePeer }
}

describe('FrameScanner', () => {
  it('follows frames across chunks and knows when one is open', () => {
    const scanner = new FrameScanner(1000)
    const wire = Buffer.concat([encodeFramePrefix(300), new Uint8Array(300), encodeFramePrefix(2)])
    scanner.scan(wire.subarray(0, 1))
    expect(scanner.midFrame).toBe(true)
    scanner.scan(wire.subarray(1, 302))
    expect(scanner.midFrame).toBe(false)
    scanner.scan(wire.subarray(302))
    expect(scanner.midFrame).toBe(true)
    scanner.scan(new Uint8Array([1, 2]))
    expect(scanner.midFrame).toBe(false)
  })

  it('stops after its frames when the stream then carries unframed bytes (a relayed connection)', () => {
    const scanner = new FrameScanner(1000, 1)
    scanner.scan(
      Buffer.concat([encodeFramePrefix(2), new Uint8Array([1, 2]), Buffer.alloc(9, 0xff)]),
    )
    expect(scanner.finished).toBe(true)
    expect(() => scanner.scan(new Uint8Array(100).fill(0xff))).not.toThrow()
  })

  it('throws at the first byte of a prefix too long or too large', () => {
    expect(() => new FrameScanner(1000).scan(new Uint8Array(100).fill(0x80))).toThrow(FramingError)
    expect(() => new FrameScanner(1000).scan(encodeFramePrefix(1001))).toThrow(/too long/)
  })
})

describe('frameGuard', () => {
  it('lets honest frames through to the library reader', async () => {
    const { sender, lp, violations } = await guarded()
    const lpSender = lpStream(sender)
    await lpSender.write(new Uint8Array(1000).fill(3))
    await lpSender.write(new Uint8Array(0))
    expect((await lp.read()).subarray()).toEqual(new Uint8Array(1000).fill(3))
    expect((await lp.read()).byteLength).toBe(0)
    expect(violations).toEqual([])
  })

  it('resets on an endless 0xff prefix before the library reader sees it', async () => {
    const { sender, inbound, lp, violations, delivered, remotePeer } = await guarded()
    const read = lp.read()
    sender.send(new Uint8Array(64 * 1024).fill(0xff))
    await expect(read).rejects.toMatchObject({ name: 'OversizedFrameError' })
    expect(inbound.status).toBe('aborted')
    expect(delivered()).toBe(0)
    expect(violations.map((v) => [v.peer, v.err.name])).toEqual([
      [remotePeer.toString(), 'OversizedFrameError'],
    ])
  })

  it('resets a stream whose frame stalls half-sent', async () => {
    const { sender, inbound, lp, violations } = await guarded(100)
    const read = lp.read()
    sender.send(Buffer.concat([encodeFramePrefix(500), new Uint8Array(100)]))
    await expect(read).rejects.toMatchObject({ name: 'FrameTimeoutError' })
    expect(inbound.status).toBe('aborted')
    expect(violations[0].err.name).toBe('FrameTimeoutError')
  })
})
