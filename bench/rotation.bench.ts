/**
 * Key rotation reaching friends, beside a plain text in the same run: alice has
 * ROTATION_BENCH_FRIENDS friends online and as many away (default 3 each; real nodes, one
 * loopback relay, real LevelDB). Figures:
 * - online: from the start of the rotation (keystore, hand-over) until every online friend
 *   took it (`friend:key-changed`), beside a plain text to each of them until all received it;
 * - away: from the away friends' restart until every one took the rotation from the mailbox,
 *   beside the same for a text left in the mailbox before the rotation.
 *
 *   ROTATION_BENCH_FRIENDS=10 npm run bench -- rotation
 */
import { Keystore } from '../node/identity/index.ts'
import { announceKeyRotation } from '../node/key-rotation.ts'
import { createNetwork } from '../test/helpers/relay-network.ts'
import { makeTempDir } from '../test/helpers/temp-dir.ts'
import {
  befriend,
  cleanUpFriendNodes,
  type FriendNode,
  startFriendNode,
} from '../test/integration/friends-nodes.ts'
import type { Benchmark } from './measure.ts'

const FRIENDS = Number(process.env.ROTATION_BENCH_FRIENDS ?? 3)
const PASSWORD = 'correct horse battery staple'
const FAST = { N: 2 ** 10, r: 8, p: 1 }
const TIMEOUT_MS = 120_000

const benchmark: Benchmark = {
  name: 'rotation',
  async run() {
    const network = createNetwork()
    const dir = await makeTempDir('tokenim-bench-rotation-')
    try {
      const relay = await network.relay()
      const keystore = new Keystore(dir.path, { scrypt: FAST })
      const { identity } = await keystore.create(PASSWORD)
      let alice = await startFriendNode(relay, { identity, dir })
      const online: FriendNode[] = []
      let away: FriendNode[] = []
      for (let i = 0; i < 2 * FRIENDS; i++) {
        const friend = await startFriendNode(relay)
        await befriend(alice, friend)
        ;(i < FRIENDS ? online : away).push(friend)
      }
      await Promise.all(away.map((friend) => friend.stop()))

      let start = performance.now()
      await Promise.all(online.map((friend) => alice.node.messages.send(friend.peerId, 'plain')))
      await Promise.all(
        online.map((f) =>
          f.event('message:received', (m) => m.text === 'plain', { timeoutMs: TIMEOUT_MS }),
        ),
      )
      const plainOnline = performance.now() - start

      // A text for each away friend, in the mailbox before the rotation.
      await Promise.all(
        away.map(async (friend) => {
          const sent = await alice.node.messages.send(friend.peerId, 'plain, left')
          await alice.event('message:state', (s) => s.id === sent.id && s.state === 'stored', {
            timeoutMs: TIMEOUT_MS,
          })
        }),
      )

      start = performance.now()
      const rotated = await keystore.rotate(PASSWORD)
      const announced = await announceKeyRotation(alice.node, rotated.statement)
      if (announced.waiting.length > 0) throw new Error(`${announced.waiting.length} not reached`)
      await Promise.all(
        online.map((f) => f.event('friend:key-changed', () => true, { timeoutMs: TIMEOUT_MS })),
      )
      const rotationOnline = performance.now() - start
      await alice.stop()
      alice = await startFriendNode(relay, { identity: rotated.identity, dir })

      start = performance.now()
      away = await Promise.all(away.map((friend) => friend.restart()))
      const times = await Promise.all(
        away.map(async (friend) => {
          const text = friend
            .event('message:received', (m) => m.text === 'plain, left', { timeoutMs: TIMEOUT_MS })
            .then(() => performance.now() - start)
          const key = friend
            .event('friend:key-changed', () => true, { timeoutMs: TIMEOUT_MS })
            .then(() => performance.now() - start)
          return { text: await text, key: await key }
        }),
      )
      const plainAway = Math.max(...times.map((t) => t.text))
      const rotationAway = Math.max(...times.map((t) => t.key))
      return [
        {
          name: `rotation reaches ${FRIENDS} friends online (keystore, hand-over, taken)`,
          value: rotationOnline,
          unit: 'ms',
          baseline: { name: `a text reaches the same ${FRIENDS} friends`, value: plainOnline },
        },
        {
          name: `rotation reaches ${FRIENDS} friends away, from their restart (mailbox)`,
          value: rotationAway,
          unit: 'ms',
          baseline: { name: `a text left in their mailbox, from their restart`, value: plainAway },
        },
      ]
    } finally {
      await cleanUpFriendNodes()
      await network.close()
      await dir.remove()
    }
  },
}

export default benchmark
