/**
 * History on a new device (real nodes behind a loopback relay, real LevelDB): alice's laptop
 * holds 500 texts with bob; a device linked with history gets them exactly once each, in
 * order, readable in its history and search; a transfer stopped half-way goes on from where it
 * stopped; "none" transfers nothing; a revoked device and a stranger are refused.
 */
import { describe, expect, it } from 'vitest'
import { FramedStream } from '../../network/index.ts'
import { decodeHistoryFrame, encodeHistoryAsk } from '../../protocol/history-transfer.ts'
import { HISTORY_PROTOCOL } from '../../protocol/ids.ts'
import { HISTORY_STREAM_LIMITS } from '../../protocol/limits.ts'
import type { MessageView } from '../../protocol/local-api.ts'
import { befriend, type FriendNode, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'
import { linkDevice } from './linked-account.ts'

const relay = relayForFriendNodes()
const TEXTS = 500

/** Alice (laptop) and bob, friends, with TEXTS texts between them, taking turns. */
async function aliceWithHistory(options: Parameters<typeof startFriendNode>[1] = {}) {
  const alice = await startFriendNode(relay(), options)
  const bob = await startFriendNode(relay())
  await befriend(alice, bob)
  for (let i = 0; i < TEXTS; i++) {
    const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice]
    await from.node.messages.send(to.peerId, `text ${i} ${i === 123 ? 'walrus' : ''}`.trim())
  }
  await alice.event('message:received', (m) => m.text === `text ${TEXTS - 1}`, {
    timeoutMs: 60_000,
  })
  await bob.event('message:received', (m) => m.text === `text ${TEXTS - 2}`, { timeoutMs: 60_000 })
  return { alice, bob }
}

async function allTexts(node: FriendNode, peer: string): Promise<MessageView[]> {
  const out: MessageView[] = []
  let before: number | undefined
  for (;;) {
    const page = await node.node.messages.history(peer, { limit: 500, before })
    out.unshift(...page.messages)
    if (page.nextBefore == null) return out
    before = page.nextBefore
  }
}

function done(node: FriendNode) {
  return node.event('device:history', (status) => status.state === 'done', { timeoutMs: 60_000 })
}

describe('history on a new device', () => {
  it('a third device linked with history gets the 500 texts once each, in order, searchable; one linked with none gets nothing', async () => {
    const { alice, bob } = await aliceWithHistory()
    const held = await allTexts(alice, bob.peerId)
    expect(held).toHaveLength(TEXTS)

    const phone = await linkDevice(relay(), alice, [bob], 'phone', { history: 'none' })
    const tablet = await linkDevice(relay(), alice, [bob], 'tablet', { history: 'all' })
    const finished = await done(tablet)
    expect(finished.data).toMatchObject({ state: 'done', taken: TEXTS, total: TEXTS })
    expect(finished.data.from).toBe(alice.peerId)
    // Progress came before the end (pages of at most 200).
    const progress = tablet.events.filter(
      (event) =>
        event.type === 'device:history' &&
        (event.data as { state: string; taken: number }).state === 'running' &&
        (event.data as { taken: number }).taken > 0,
    )
    expect(progress.length).toBeGreaterThan(0)

    const got = await allTexts(tablet, bob.peerId)
    const view = (m: MessageView) => [m.id, m.direction, m.text, m.sentAt]
    expect(got.map(view)).toEqual(held.map(view))
    expect(new Set(got.map((m) => m.id)).size).toBe(TEXTS)
    // Alice's own texts show as sent from the laptop; what is unread there is unread here.
    expect(got[0]).toMatchObject({ direction: 'out', sentFrom: alice.peerId })
    const unread = async (node: FriendNode) =>
      (await node.node.messages.history(bob.peerId, { limit: 1 })).unread
    expect(await unread(tablet)).toBe(await unread(alice))
    expect(await unread(alice)).toBe(TEXTS / 2)
    await tablet.node.conversations.indexNow()
    const hits = (await tablet.node.conversations.search('walrus')).hits
    expect(hits.map((hit) => hit.message.text)).toEqual(['text 123 walrus'])

    // Asked again, nothing is added twice.
    await tablet.node.history.request('all')
    const again = await tablet.event(
      'device:history',
      (status) => status.state === 'done' && status.taken === TEXTS,
      { since: finished.at + 1, timeoutMs: 60_000 },
    )
    expect(again.data.state).toBe('done')
    expect((await allTexts(tablet, bob.peerId)).map(view)).toEqual(held.map(view))

    // "none": the phone holds no earlier history, only what came after it was linked.
    expect(phone.node.history.status()).toMatchObject({ state: 'none', taken: 0 })
    expect(await allTexts(phone, bob.peerId)).toEqual([])
  }, 180_000)

  it('a transfer stopped half-way goes on from where it stopped, adding nothing twice', async () => {
    // Slow enough to stop the tablet after its first page (200 texts of about 90 bytes: the
    // next page waits 9 s).
    const { alice, bob } = await aliceWithHistory({ history: { bytesPerSecond: 2_000 } })
    const held = await allTexts(alice, bob.peerId)
    const tablet = await linkDevice(relay(), alice, [bob], 'tablet', { history: 'all' })
    const partway = await tablet.event(
      'device:history',
      (status) => status.state === 'running' && status.taken >= 200,
      { timeoutMs: 60_000 },
    )
    await tablet.stop()
    const stoppedAt = (await tablet.restart()) as FriendNode
    const first = stoppedAt.node.history.status()
    expect(first.taken).toBeGreaterThanOrEqual(partway.data.taken)
    expect(first.taken).toBeLessThan(TEXTS)
    const finished = await done(stoppedAt)
    // Counted across both runs: had it begun again from zero, it would have taken more.
    expect(finished.data.taken).toBe(TEXTS)
    const got = await allTexts(stoppedAt, bob.peerId)
    expect(got.map((m) => m.id)).toEqual(held.map((m) => m.id))
  }, 180_000)

  it('refuses a revoked device and a stranger', async () => {
    const alice = await startFriendNode(relay())
    const bob = await startFriendNode(relay())
    await befriend(alice, bob)
    await alice.node.messages.send(bob.peerId, 'a secret')
    const phone = await linkDevice(relay(), alice, [bob], 'phone', { history: 'none' })
    await alice.node.devices.revoke('phone')
    await phone.event('device:revoked', () => true, { timeoutMs: 30_000 })
    await phone.node.history.request('all', alice.peerId).catch(() => undefined)
    const refused = await phone.event('device:history', (status) => status.state === 'failed', {
      timeoutMs: 30_000,
    })
    expect(refused.data.error?.name).toBe('HistoryTransferRevokedError')
    expect(await allTexts(phone, bob.peerId)).toEqual([])

    // A stranger (bob, who is no device of alice's) asks on the protocol itself.
    const stream = await bob.node.host.dialProtocol(alice.node.host.peerId, HISTORY_PROTOCOL)
    const framed = new FramedStream(stream, { limits: HISTORY_STREAM_LIMITS })
    await framed.write(encodeHistoryAsk({ kind: 'start', sinceMs: 0 }))
    expect(decodeHistoryFrame(await framed.read())).toEqual({
      kind: 'refused',
      error: 'HistoryTransferRevokedError',
    })
  }, 120_000)
})
