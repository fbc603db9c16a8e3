/**
 * Sending to an account on three devices beside sending to an account on one, in the same
 * run (real nodes, one loopback relay, real LevelDB, all in this process): bob texts alice
 * (laptop, phone and tablet linked to it) and carol (one device), taking turns. Figures:
 * - latency: from `send` until every device of the recipient showed the text, one text at a
 *   time (DEVICES_BENCH_TEXTS of them, default 30), p50;
 * - CPU per text: this process's CPU time (sender and every recipient device together) over
 *   a burst of DEVICES_BENCH_BURST texts (default 100), until every device showed the last.
 *
 *   npm run bench -- devices
 */
import { createNetwork } from '../test/helpers/relay-network.ts'
import {
  befriend,
  cleanUpFriendNodes,
  type FriendNode,
  startFriendNode,
} from '../test/integration/friends-nodes.ts'
import { linkDevice } from '../test/integration/linked-account.ts'
import { type Benchmark, percentile } from './measure.ts'

const TEXTS = Number(process.env.DEVICES_BENCH_TEXTS ?? 30)
const BURST = Number(process.env.DEVICES_BENCH_BURST ?? 100)
const TIMEOUT_MS = 120_000

/** Resolves once every one of `devices` showed `text` from `sender`. */
function shownOnAll(devices: FriendNode[], sender: FriendNode, text: string): Promise<unknown> {
  return Promise.all(
    devices.map((device) =>
      device.event(
        'message:received',
        (message) => message.peerId === sender.peerId && message.text === text,
        { timeoutMs: TIMEOUT_MS },
      ),
    ),
  )
}

/** Milliseconds from `send` until every device showed the text. */
async function latency(bob: FriendNode, to: FriendNode, devices: FriendNode[], text: string) {
  const start = performance.now()
  const shown = shownOnAll(devices, bob, text)
  await bob.node.messages.send(to.peerId, text)
  await shown
  return performance.now() - start
}

/** CPU milliseconds of this process per text, over a burst to `to`. */
async function cpuPerText(bob: FriendNode, to: FriendNode, devices: FriendNode[], tag: string) {
  const last = `${tag} ${BURST}`
  const shown = shownOnAll(devices, bob, last)
  const before = process.cpuUsage()
  for (let i = 1; i <= BURST; i++) await bob.node.messages.send(to.peerId, `${tag} ${i}`)
  await shown
  const used = process.cpuUsage(before)
  return (used.user + used.system) / 1000 / BURST
}

const benchmark: Benchmark = {
  name: 'devices',
  async run() {
    const network = createNetwork()
    try {
      const relay = await network.relay()
      const [alice, bob, carol] = await Promise.all([
        startFriendNode(relay),
        startFriendNode(relay),
        startFriendNode(relay),
      ])
      await befriend(alice, bob)
      await befriend(carol, bob)
      const phone = await linkDevice(relay, alice, [bob], 'phone')
      const tablet = await linkDevice(relay, alice, [bob], 'tablet')
      const aliceDevices = [alice, phone, tablet]
      // Sessions with every device first: the figures are for texts, not session starts.
      await latency(bob, alice, aliceDevices, 'warm-up')
      await latency(bob, carol, [carol], 'warm-up')

      const three: number[] = []
      const one: number[] = []
      for (let i = 0; i < TEXTS; i++) {
        three.push(await latency(bob, alice, aliceDevices, `to alice ${i}`))
        one.push(await latency(bob, carol, [carol], `to carol ${i}`))
      }
      const cpuOne = await cpuPerText(bob, carol, [carol], 'burst to carol')
      const cpuThree = await cpuPerText(bob, alice, aliceDevices, 'burst to alice')
      return [
        {
          name: `text to a 3-device account, until all 3 show it, p50 of ${TEXTS}`,
          value: percentile(three, 50),
          unit: 'ms',
          baseline: {
            name: 'a text to a 1-device account, until it shows it',
            value: percentile(one, 50),
          },
        },
        {
          name: `text to a 3-device account, p90 of ${TEXTS}`,
          value: percentile(three, 90),
          unit: 'ms',
          baseline: { name: 'a text to a 1-device account, p90', value: percentile(one, 90) },
        },
        {
          name: `CPU per text to a 3-device account (all nodes in this process, burst of ${BURST})`,
          value: cpuThree,
          unit: 'ms',
          baseline: { name: 'CPU per text to a 1-device account', value: cpuOne },
        },
      ]
    } finally {
      await cleanUpFriendNodes()
      await network.close()
    }
  },
}

export default benchmark
