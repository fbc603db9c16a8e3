/**
 * History on a new device: alice's laptop holds HISTORY_BENCH_TEXTS texts (default 20,000)
 * with bob; a freshly linked device asks for all of it (node/history-transfer: pages read from
 * the sealed history, encoded, framed, paced, decoded and checked, stored conversation by
 * conversation with their ids and the cursor after each page), timed from the request until
 * the device reports `done` and its search index has taken every record in. Against a raw libp2p stream between the same two hosts, in
 * the same run, carrying the same bytes in frames of the transfer's mean page size. Real
 * nodes, one loopback relay, real LevelDB, all in this process; a new device per round (a
 * device that holds the records already would only find them known). Beside the throughput,
 * the same comparison per second of this process's CPU time.
 *
 *   npm run bench -- history-transfer
 */

import { randomBytes } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { historyItems } from '../node/history-transfer/history-items.ts'
import type { ImportedRecord } from '../node/messaging/index.ts'
import { historyItemSize } from '../protocol/history-transfer.ts'
import { MAX_STREAM_FRAME_SIZE } from '../protocol/limits.ts'
import { createNetwork } from '../test/helpers/relay-network.ts'
import {
  befriend,
  cleanUpFriendNodes,
  type FriendNode,
  startFriendNode,
} from '../test/integration/friends-nodes.ts'
import { linkDevice } from '../test/integration/linked-account.ts'
import type { Benchmark, BenchmarkFigure } from './measure.ts'

const TEXTS = Number(process.env.HISTORY_BENCH_TEXTS ?? 20_000)
const ROUNDS = 3
const SINK_PROTOCOL = '/tokenim-bench/history-sink/1.0.0'

/** Runs `work`, returning its wall time and this process's CPU time, in ms. */
async function timed(work: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const start = performance.now()
  const cpuBefore = process.cpuUsage()
  await work()
  const cpu = process.cpuUsage(cpuBefore)
  return { wall: performance.now() - start, cpu: (cpu.user + cpu.system) / 1000 }
}

/** Fills alice's conversation with bob: TEXTS texts of 80 to 200 characters, taking turns. */
async function fill(alice: FriendNode, bob: FriendNode): Promise<void> {
  const bobKey = peerIdFromString(bob.peerId).publicKey!.raw
  const now = Date.now()
  // Newest first, as a transfer brings them: each goes below the ones before.
  for (let end = TEXTS; end > 0; end -= 500) {
    const page: ImportedRecord[] = []
    for (let i = end - 1; i >= Math.max(0, end - 500); i--) {
      page.push({
        record: {
          id: randomBytes(16).toString('hex'),
          direction: i % 2 === 0 ? 'out' : 'in',
          ...(i % 2 === 0 ? { sentFrom: alice.publicKey } : {}),
          seq: Math.floor(i / 2) + 1,
          text: `text ${i} `.padEnd(80 + (i % 120), 'lorem ipsum '),
          sentAt: now - (TEXTS - i) * 1000,
          storedAt: now - (TEXTS - i) * 1000,
        },
        unread: false,
      })
    }
    await alice.node.messages.pipeline.importHistory(bobKey, page)
  }
}

const benchmark: Benchmark = {
  name: 'history-transfer',
  async run(): Promise<BenchmarkFigure[]> {
    const network = createNetwork()
    try {
      const relay = await network.relay()
      const alice = await startFriendNode(relay)
      const bob = await startFriendNode(relay)
      await befriend(alice, bob)
      await fill(alice, bob)
      // The bytes the transfer carries: every record as its page encodes it.
      let bytes = 0
      let pages = 0
      let inPage = 0
      for await (const item of historyItems({
        pipeline: alice.node.messages.pipeline,
        hides: () => false,
        myKey: alice.identity.publicKey,
        sinceMs: 0,
      })) {
        const size = historyItemSize(item)
        if (inPage === 0 || inPage + size > MAX_STREAM_FRAME_SIZE - 64) {
          pages++
          inPage = 0
        }
        inPage += size
        bytes += size
      }
      const frame = randomBytes(Math.ceil(bytes / pages))

      let sinkDone: () => void = () => {}
      const transfer = async (round: number) => {
        const device = await linkDevice(relay, alice, [bob], `device ${round}`, {
          history: 'none',
        })
        let sink = 0
        await device.node.host.handle(SINK_PROTOCOL, async (stream) => {
          const lp = lpStream(stream, { maxDataLength: 2 * MAX_STREAM_FRAME_SIZE })
          for (sink = 0; sink < bytes; ) sink += (await lp.read()).byteLength
          await stream.close()
          sinkDone()
        })
        const history = await timed(async () => {
          const done = device.event('device:history', (status) => status.state === 'done', {
            timeoutMs: 600_000,
          })
          await device.node.history.request('all', alice.peerId)
          const finished = await done
          if (process.env.HISTORY_BENCH_TRACE != null) {
            for (const event of device.events.filter((e) => e.type === 'device:history')) {
              console.error(event.at, JSON.stringify(event.data))
            }
          }
          if (finished.data.taken !== TEXTS) {
            throw new Error(`took ${finished.data.taken} of ${TEXTS} records`)
          }
          // Found by search too: the index follows the stored pages, and its work (in this
          // process) must not spill into the raw stream's time.
          await device.node.conversations.indexNow()
        })
        const raw = await timed(async () => {
          const done = new Promise<void>((resolve) => {
            sinkDone = resolve
          })
          const stream = await alice.node.host.dialProtocol(device.node.host.peerId, SINK_PROTOCOL)
          const lp = lpStream(stream, { maxDataLength: 2 * MAX_STREAM_FRAME_SIZE })
          for (let sent = 0; sent < bytes; sent += frame.length) await lp.write(frame)
          await done
        })
        await device.stop()
        return { history, raw }
      }
      const rounds: Array<Awaited<ReturnType<typeof transfer>>> = []
      for (let round = 0; round < ROUNDS; round++) rounds.push(await transfer(round))
      const mib = bytes / 1024 / 1024
      const median = (values: number[]) =>
        values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!
      const figure = (what: 'wall' | 'cpu', name: string, unit: string): BenchmarkFigure => ({
        name: `${name}, ${TEXTS} texts (${mib.toFixed(1)} MiB), request to done and searchable (median of ${ROUNDS})`,
        value: mib / (median(rounds.map((round) => round.history[what])) / 1000),
        unit,
        baseline: {
          name: `raw libp2p stream, same bytes in ${pages} frames of ${frame.length} B`,
          value: mib / (median(rounds.map((round) => round.raw[what])) / 1000),
        },
      })
      return [
        figure('wall', 'history transfer', 'MiB/s'),
        figure('cpu', 'history transfer, per CPU second', 'MiB/cpu-s'),
      ]
    } finally {
      await cleanUpFriendNodes()
      await network.close()
    }
  },
}

export default benchmark
