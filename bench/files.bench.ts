/**
 * Attachment transfer between two online nodes on loopback TCP (node/attachments: chunks
 * read from the sender's store, sealed with AES-256-GCM, framed, decrypted, written at their
 * place, synced with the bitmap every 64 chunks, whole-file SHA-256 checked, moved into the store),
 * from the moment the offer is sent until the receiver shows the file as received; against a
 * raw libp2p stream between the same two hosts carrying the same bytes in frames of the same
 * size. The sender's import of the file (hash and copy into its store) is not counted.
 * Beside the throughput, the same comparison in bytes per second of the process's CPU time
 * (both nodes, every thread): on a loaded machine the wall-clock figures swing with what
 * else runs, the CPU cost much less.
 */
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { lpStream } from '@libp2p/utils'
import { ATTACHMENT_CHUNK_SIZE } from '../protocol/limits.ts'
import type { TransferView } from '../protocol/local-api.ts'
import { makeTempDir } from '../test/helpers/temp-dir.ts'
import { waitForEvent } from '../test/helpers/wait.ts'
import { connectChatPeers, startChatPeer } from '../test/integration/conversations-network.ts'
import { BundleDirectory } from '../test/integration/messaging-peers.ts'
import type { Benchmark, BenchmarkFigure } from './measure.ts'

const SIZE = Number(process.env.TOKENIM_BENCH_FILE_MIB ?? 32) * 1024 * 1024
const ROUNDS = 5
const SINK_PROTOCOL = '/tokenim-bench/file-sink/1.0.0'

const benchmark: Benchmark = {
  name: 'files',
  async run(): Promise<BenchmarkFigure[]> {
    const directory = new BundleDirectory()
    const alice = await startChatPeer({ directory, syncWrites: false })
    const bob = await startChatPeer({ directory, syncWrites: false })
    const scratch = await makeTempDir('tokenim-bench-files-')
    try {
      await connectChatPeers(alice, bob)
      let sinkDone: () => void = () => {}
      await bob.base.host.handle(SINK_PROTOCOL, async (stream) => {
        const lp = lpStream(stream, { maxDataLength: 2 * ATTACHMENT_CHUNK_SIZE })
        let received = 0
        while (received < SIZE) received += (await lp.read()).byteLength
        await stream.close()
        sinkDone()
      })
      /** Runs `work`, returning its wall time and the process's CPU time, in ms. */
      const timed = async (work: () => Promise<void>) => {
        const start = performance.now()
        const cpuBefore = process.cpuUsage()
        await work()
        const cpu = process.cpuUsage(cpuBefore)
        return { wall: performance.now() - start, cpu: (cpu.user + cpu.system) / 1000 }
      }
      const raw = async () => {
        const payload = randomBytes(ATTACHMENT_CHUNK_SIZE)
        const done = new Promise<void>((resolve) => {
          sinkDone = resolve
        })
        return timed(async () => {
          const stream = await alice.base.host.dialProtocol(bob.base.host.peerId, SINK_PROTOCOL)
          const lp = lpStream(stream, { maxDataLength: 2 * ATTACHMENT_CHUNK_SIZE })
          for (let sent = 0; sent < SIZE; sent += payload.length) await lp.write(payload)
          await done
        })
      }
      const transfer = async (round: number) => {
        const path = join(scratch.path, `file-${round}.bin`)
        await writeFile(path, randomBytes(SIZE))
        // Timed from the offer on: the sender's import (hash and copy) is not counted.
        const sent = await alice.attachments.sendFile(bob.peerId, path)
        return timed(async () => {
          await waitForEvent<TransferView>(bob.events, 'transfer:complete', {
            timeoutMs: 120_000,
            filter: (view) => view.fileId === sent.transfer.fileId,
          })
        })
      }
      const subject: Array<{ wall: number; cpu: number }> = []
      const baseline: typeof subject = []
      // One unmeasured round of each: the first run of either path pays for compiling it.
      await transfer(ROUNDS)
      await raw()
      for (let round = 0; round < ROUNDS; round++) {
        subject.push(await transfer(round))
        baseline.push(await raw())
      }
      const mibPerSecond = (ms: number) => SIZE / 1024 / 1024 / (ms / 1000)
      const median = (values: number[]) =>
        values.sort((a, b) => a - b)[Math.floor(values.length / 2)]
      const figure = (what: 'wall' | 'cpu', name: string, unit: string): BenchmarkFigure => ({
        name: `${name}, ${SIZE / 1024 / 1024} MiB, offer to verified (median of ${ROUNDS})`,
        value: mibPerSecond(median(subject.map((round) => round[what]))),
        unit,
        baseline: {
          name: 'raw libp2p stream, same bytes in 64 KiB frames',
          value: mibPerSecond(median(baseline.map((round) => round[what]))),
        },
      })
      return [
        figure('wall', 'attachment transfer', 'MiB/s'),
        figure('cpu', 'attachment transfer, per CPU second', 'MiB/cpu-s'),
      ]
    } finally {
      await alice.remove()
      await bob.remove()
      await scratch.remove()
    }
  },
}

export default benchmark
