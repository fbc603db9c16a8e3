/**
 * Actions on history a device got by transfer (real nodes behind a loopback relay, real
 * LevelDB): alice's tablet, linked after she and bob chatted, holds their texts from her
 * laptop only; bob's edit, recall and reaction on those texts, and alice's edit on her laptop,
 * reach the tablet too, though the texts are older than the tablet's certification.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { CLOCK_SKEW_ALLOWANCE_MS } from '../../node/messaging/device-fan-out.ts'
import type { MessageView } from '../../protocol/local-api.ts'
import {
  befriend,
  converse,
  type FriendNode,
  messageUpdated,
  relayForFriendNodes,
  startFriendNode,
} from './friends-nodes.ts'
import { linkDeviceFolder } from './linked-account.ts'

const relay = relayForFriendNodes()

afterEach(() => {
  vi.restoreAllMocks()
})

async function byText(node: FriendNode, peer: string): Promise<Map<string, MessageView>> {
  const page = await node.node.messages.history(peer, { limit: 500 })
  return new Map(page.messages.map((message) => [message.text, message]))
}

describe('actions on history a device got by transfer', () => {
  it('bob edits, recalls and reacts, alice edits on her laptop: the tablet shows each', async () => {
    // Every node reads this clock: the link runs as if the texts were stored long before it
    // (the fan-out's clock allowance), while the recall stays within its window.
    const realNow = Date.now.bind(Date)
    let ahead = 0
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + ahead)

    const alice = await startFriendNode(relay())
    const bob = await startFriendNode(relay())
    await befriend(alice, bob)
    for (const [from, to, text] of [
      [bob, alice, 'bob one walrus'],
      [bob, alice, 'bob two narwhal'],
      [alice, bob, 'alice one'],
      [alice, bob, 'alice two'],
    ] as const) {
      await converse(from, to, text)
    }

    ahead = CLOCK_SKEW_ALLOWANCE_MS
    const { dir, identity } = await linkDeviceFolder(alice.node, 'tablet', { history: 'all' })
    ahead = 0
    const version = alice.node.devices.own().version
    await bob.event(
      'friend:devices',
      (data) => data.peerId === alice.peerId && data.devices.version === version,
      { timeoutMs: 30_000 },
    )
    const tablet = await startFriendNode(relay(), { identity, dir })
    await tablet.event('device:history', (status) => status.state === 'done', {
      timeoutMs: 60_000,
    })
    const onTablet = await byText(tablet, bob.peerId)
    expect([...onTablet.keys()]).toEqual([
      'bob one walrus',
      'bob two narwhal',
      'alice one',
      'alice two',
    ])
    const onBob = await byText(bob, alice.peerId)
    const id = (text: string) => onTablet.get(text)!.id
    // The tablet knows each text by the id bob knows it by.
    expect(onBob.get('alice two')!.id).toBe(id('alice two'))

    const following = [
      messageUpdated(tablet, bob.peerId, id('bob two narwhal'), (m) => m.recalled === true),
      messageUpdated(tablet, bob.peerId, id('bob one walrus'), (m) => m.text === 'bob one, edited'),
      messageUpdated(
        tablet,
        bob.peerId,
        id('alice two'),
        (m) => m.reactions?.some((r) => r.emoji === '👍' && !r.mine) === true,
      ),
      messageUpdated(tablet, bob.peerId, id('alice one'), (m) => m.text === 'alice one, edited'),
    ]
    await bob.node.messages.act(alice.peerId, id('bob two narwhal'), { type: 'recall' })
    await bob.node.messages.act(alice.peerId, id('bob one walrus'), {
      type: 'edit',
      text: 'bob one, edited',
    })
    await bob.node.messages.act(alice.peerId, id('alice two'), { type: 'react', emoji: '👍' })
    await alice.node.messages.act(bob.peerId, id('alice one'), {
      type: 'edit',
      text: 'alice one, edited',
    })
    await Promise.all(following)

    const now = (await tablet.node.messages.history(bob.peerId, { limit: 500 })).messages
    expect(now.map((m) => [m.text, m.recalled === true, m.reactions ?? []])).toEqual([
      ['bob one, edited', false, []],
      ['', true, []],
      ['alice one, edited', false, []],
      ['alice two', false, [{ emoji: '👍', mine: false }]],
    ])
    // The recalled words are gone from the tablet's store, its search index included.
    await tablet.node.conversations.indexNow()
    expect((await tablet.node.conversations.search('narwhal')).hits).toEqual([])
    expect((await tablet.node.conversations.search('walrus')).hits).toEqual([])
  }, 180_000)
})
