/**
 * The framed-stream reader against hostile bytes: endless varint prefixes, a frame one byte
 * over the limit, a frame that stalls half-sent, more unread bytes than allowed; and honest
 * frames however the network cuts them. It speaks the same framing as libp2p's lpStream.
 */
import type { Stream } from '@libp2p/interface'
import { lpStream, streamPair } from '@libp2p/utils'
import { describe, expect, it, vi } from 'vitest'
import { FramedStream } from '../../network/index.ts'
import { encodeFramePrefix } from '../../protocol/framing.ts'
import { streamClosed } from '../helpers/wait.ts'

const LIMITS = { maxFrameSize: 128 * 1024, maxBufferedBytes: 1024 * 1024 }

async function pair(limits = LIMITS, frameDeadlineMs?: number) {
  const [outbound, inbound] = await streamPair()
  return {
    sender: outbound,
    reader: new FramedStream(inbound, { limits, frameDeadlineMs }),
    inbound,
  }
}

/** Sends `total` bytes of `byte` in 64 KiB chunks, or until the stream is reset. */
function flood(stream: Stream, byte: number, total: number): void {
  const chunk = new Uint8Array(64 * 1024).fill(byte)
  try {
    for (let sent = 0; sent < total && stream.status === 'open'; sent += chunk.length) {
      stream.send(chunk)
    }
  } catch {
    // The reader reset the stream.
  }
}

describe('FramedStream', () => {
  it('reads frames split anywhere across chunks, and several in one chunk', async () => {
    const { sender, reader } = await pair()
    const frames = [new Uint8Array(0), new Uint8Array([1, 2, 3]), new Uint8Array(70_000).fill(7)]
    const wire = Buffer.concat(frames.flatMap((f) => [encodeFramePrefix(f.length), f]))
    // Cut inside the 3-byte prefix of the big frame, and inside its body.
    const cuts = [0, 1, 6, 7, 8, 30_000, wire.length]
    for (let i = 1; i < cuts.length; i++) sender.send(wire.subarray(cuts[i - 1], cuts[i]))
    for (const frame of frames) expect(await reader.read()).toEqual(frame)
  })

  it('speaks the framing of libp2p lpStream both ways', async () => {
    const { sender, reader } = await pair()
    const lp = lpStream(sender)
    await lp.write(new Uint8Array(300).fill(9))
    expect(await reader.read()).toEqual(new Uint8Array(300).fill(9))
    await reader.write(new Uint8Array([4, 5]))
    expect((await lp.read()).subarray()).toEqual(new Uint8Array([4, 5]))
  })

  for (const [byte, name] of [
    [0xff, 'OversizedFrameError'],
    [0x80, 'FramePrefixTooLongError'],
  ] as const) {
    it(`resets at once on an endless 0x${byte.toString(16)} prefix, at its third byte`, async () => {
      const { sender, reader, inbound } = await pair()
      const read = reader.read()
      flood(sender, byte, 4 * 1024 * 1024)
      const err = (await read.catch((e: Error) => e)) as Error
      expect(err.name).toBe(name)
      // 128 KiB needs 3 varint bytes: the third is where it stops.
      expect(err.message).toMatch(byte === 0xff ? /2097151 bytes is too long/ : /more than 3 bytes/)
      expect(inbound.status).toBe('aborted')
      await streamClosed(sender)
      expect(sender.status).toBe('reset')
    })
  }

  it('refuses a frame one byte over the limit before reading it, and takes one at the limit', async () => {
    const small = { maxFrameSize: 1000, maxBufferedBytes: 64 * 1024 }
    const ok = await pair(small)
    ok.sender.send(encodeFramePrefix(1000))
    ok.sender.send(new Uint8Array(1000))
    expect((await ok.reader.read()).length).toBe(1000)

    const over = await pair(small)
    over.sender.send(encodeFramePrefix(1001))
    await expect(over.reader.read()).rejects.toMatchObject({ name: 'OversizedFrameError' })
    expect(over.inbound.status).toBe('aborted')
  })

  it('resets a stream whose frame stalls half-sent past the deadline', async () => {
    const { sender, reader, inbound } = await pair(LIMITS, 200)
    sender.send(encodeFramePrefix(1000))
    sender.send(new Uint8Array(400))
    const started = performance.now()
    await expect(reader.read()).rejects.toMatchObject({ name: 'FrameTimeoutError' })
    expect(performance.now() - started).toBeGreaterThanOrEqual(190)
    expect(inbound.status).toBe('aborted')
  })

  it('waits as long as it is told for a frame to begin (idle is no stall)', async () => {
    const { sender, reader } = await pair(LIMITS, 50)
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
    try {
      const read = reader.read()
      // Well past the frame deadline, the next frame begins and completes.
      await vi.advanceTimersByTimeAsync(150)
      sender.send(Buffer.concat([encodeFramePrefix(2), new Uint8Array([1, 2])]))
      await vi.advanceTimersByTimeAsync(10)
      expect(await read).toEqual(new Uint8Array([1, 2]))
    } finally {
      vi.useRealTimers()
    }
  })

  it('resets a stream that holds more unread bytes than allowed', async () => {
    const { sender, reader, inbound } = await pair({ maxFrameSize: 1000, maxBufferedBytes: 4096 })
    const frame = Buffer.concat([encodeFramePrefix(1000), new Uint8Array(1000)])
    for (let i = 0; i < 6; i++) sender.send(frame)
    await streamClosed(inbound)
    await expect(reader.read()).rejects.toMatchObject({ name: 'StreamOverflowError' })
  })

  it('tells a clean end from a frame cut short', async () => {
    const clean = await pair()
    clean.sender.send(Buffer.concat([encodeFramePrefix(1), new Uint8Array([1])]))
    await clean.sender.close()
    expect(await clean.reader.read()).toEqual(new Uint8Array([1]))
    await expect(clean.reader.read()).rejects.toMatchObject({ name: 'StreamEndedError' })

    const cut = await pair()
    cut.sender.send(Buffer.concat([encodeFramePrefix(10), new Uint8Array(3)]))
    await cut.sender.close()
    await expect(cut.reader.read()).rejects.toMatchObject({ name: 'TruncatedFrameError' })
  })

  it('refuses to send a frame over its own limit', async () => {
    const { reader } = await pair({ maxFrameSize: 10, maxBufferedBytes: 1024 })
    await expect(reader.write(new Uint8Array(11))).rejects.toMatchObject({
      name: 'OversizedFrameError',
    })
  })
})
