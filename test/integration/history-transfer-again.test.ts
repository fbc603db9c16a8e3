/**
 * History pages that come again (real nodes behind a loopback relay, real LevelDB): a page
 * stored whose cursor never reached the disk (it is written unsynced) adds nothing when it
 * comes again; texts a new device deleted after its first transfer do not come back with a
 * second one; a text the holding device deleted before the transfer does not go.
 */
import { describe, expect, it } from 'vitest'
import type { Composition } from '../../node/composition.ts'
import { TransferRecordStore } from '../../node/history-transfer/transfer-record.ts'
import type { NodeParts } from '../../node/node-parts.ts'
import type { MessageView } from '../../protocol/local-api.ts'
import { befriend, type FriendNode, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'
import { linkDevice } from './linked-account.ts'

const relay = relayForFriendNodes()
const TEXTS = 20

async function aliceWithHistory() {
  const alice = await startFriendNode(relay())
  const bob = await startFriendNode(relay())
  await befriend(alice, bob)
  for (let i = 0; i < TEXTS; i++) {
    const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice]
    await from.node.messages.send(to.peerId, `text ${i}`)
  }
  await alice.event('message:received', (m) => m.text === `text ${TEXTS - 1}`, {
    timeoutMs: 60_000,
  })
  return { alice, bob }
}

async function texts(node: FriendNode, peer: string): Promise<string[]> {
  return (await node.node.messages.history(peer, { limit: 500 })).messages.map((m) => m.text)
}

function done(node: FriendNode, since = 0) {
  return node.event('device:history', (status) => status.state === 'done', {
    since,
    timeoutMs: 60_000,
  })
}

describe('history pages that come again', () => {
  it('a page stored whose cursor was lost comes again and adds nothing', async () => {
    const { alice, bob } = await aliceWithHistory()
    const tablet = await linkDevice(relay(), alice, [bob], 'tablet', { history: 'all' })
    await done(tablet)
    const held = await texts(tablet, bob.peerId)
    expect(held).toHaveLength(TEXTS)
    // As if the node died before the unsynced cursor past its only page reached the disk.
    const parts = (tablet.node as unknown as { parts: Composition<NodeParts> }).parts
    const store = new TransferRecordStore(parts.get('storage').sublevel('history'))
    const stored = await store.load()
    expect(stored).toMatchObject({ state: 'done', taken: TEXTS })
    await store.save({ ...stored, state: 'running', after: undefined, taken: 0, total: 0 })
    await tablet.stop()
    const again = await tablet.restart()
    const finished = await done(again)
    expect(finished.data).toMatchObject({ state: 'done', taken: TEXTS, total: TEXTS })
    expect(await texts(again, bob.peerId)).toEqual(held)
  }, 120_000)

  it('texts the new device deleted do not come back with a second transfer', async () => {
    const { alice, bob } = await aliceWithHistory()
    const tablet = await linkDevice(relay(), alice, [bob], 'tablet', { history: 'all' })
    const first = await done(tablet)
    const got = (await tablet.node.messages.history(bob.peerId, { limit: 500 })).messages
    expect(got).toHaveLength(TEXTS)
    // One of each direction, deleted on the tablet only (not synced to the laptop).
    const gone = got.filter((m: MessageView) => m.text === 'text 3' || m.text === 'text 4')
    const bobKey = await tablet.node.messages.resolvePeer(bob.peerId)
    expect(
      await tablet.node.messages.pipeline.deleteForMe(
        bobKey,
        gone.map((m) => m.id),
      ),
    ).toMatchObject({ deleted: 2 })
    expect(await texts(alice, bob.peerId)).toContain('text 3')

    await tablet.node.history.request('all')
    await done(tablet, first.at + 1)
    const after = await texts(tablet, bob.peerId)
    expect(after).toHaveLength(TEXTS - 2)
    expect(after).not.toContain('text 3')
    expect(after).not.toContain('text 4')
  }, 120_000)

  it('a text the holding device deleted before the transfer does not go', async () => {
    const { alice, bob } = await aliceWithHistory()
    const held = (await alice.node.messages.history(bob.peerId, { limit: 500 })).messages
    const doomed = held.find((m) => m.text === 'text 7')!
    await alice.node.messages.deleteForMe(bob.peerId, [doomed.id])
    const tablet = await linkDevice(relay(), alice, [bob], 'tablet', { history: 'all' })
    const finished = await done(tablet)
    expect(finished.data.taken).toBe(TEXTS - 1)
    const after = await texts(tablet, bob.peerId)
    expect(after).toHaveLength(TEXTS - 1)
    expect(after).not.toContain('text 7')
  }, 120_000)
})
