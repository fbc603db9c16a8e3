/**
 * Message actions between real nodes on loopback (doc/message-actions.md): a reply shows
 * what it answers, an edit and a recall by the author reach the other side, a recall past
 * the window is refused by the recipient (and by the sender's own node), reactions are one
 * per person, changed and removed, delete for me leaves the peer's copy alone, and the
 * search index forgets the words an edit or a recall took away.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { MessageView } from '../../protocol/local-api.ts'
import { waitForEvent } from '../helpers/wait.ts'
import { type ChatPeer, connectChatPeers, startChatPeer } from './conversations-network.ts'
import {
  BundleDirectory,
  type MessagingPeer,
  type MessagingPeerOptions,
  publicKeyHex,
  receivedCount,
  stateReached,
  TestPeers,
} from './messaging-peers.ts'

const peers = new TestPeers()
afterEach(() => peers.removeAll())

async function pair(
  alice: Partial<MessagingPeerOptions> = {},
  bob: Partial<MessagingPeerOptions> = {},
): Promise<{ alice: MessagingPeer; bob: MessagingPeer }> {
  const directory = new BundleDirectory()
  const a = await peers.start(directory, alice)
  const b = await peers.start(directory, bob)
  await a.host.dial(b.host.getMultiaddrs()[0])
  return { alice: a, bob: b }
}

/** The next `message:updated` event of `peer` for message `id` that `filter` accepts. */
function updated(
  peer: MessagingPeer,
  id: string,
  filter: (message: MessageView) => boolean = () => true,
): Promise<MessageView> {
  return waitForEvent<MessageView>(peer.events, 'message:updated', {
    timeoutMs: 15_000,
    filter: (message) => message.id === id && filter(message),
  })
}

async function messageOf(peer: MessagingPeer, other: MessagingPeer, id: string) {
  const history = await peer.messages.history(publicKeyHex(other))
  return history.messages.find((message) => message.id === id)
}

describe('message actions in a 1:1 conversation', () => {
  it('a reply shows the message it answers, on both sides', async () => {
    const { alice, bob } = await pair()
    const question = await alice.messages.send(publicKeyHex(bob), 'lunch at noon?')
    await receivedCount(bob, 1)
    const answer = await bob.messages.send(publicKeyHex(alice), 'yes!', {
      replyTo: Buffer.from(question.id, 'hex'),
    })
    await receivedCount(alice, 1)
    expect(alice.received[0]).toMatchObject({ id: answer.id, replyTo: { id: question.id } })
    expect((await messageOf(alice, bob, answer.id))?.replyTo).toEqual({
      id: question.id,
      direction: 'out',
      text: 'lunch at noon?',
    })
    expect((await messageOf(bob, alice, answer.id))?.replyTo).toEqual({
      id: question.id,
      direction: 'in',
      text: 'lunch at noon?',
    })
  })

  it('the author edits and recalls; the other side sees each, and may do neither', async () => {
    const { alice, bob } = await pair()
    const sent = await alice.messages.send(publicKeyHex(bob), 'see you at 5')
    await receivedCount(bob, 1)

    const edit = updated(bob, sent.id)
    const mine = await alice.messages.act(publicKeyHex(bob), sent.id, {
      type: 'edit',
      text: 'see you at 6',
    })
    expect(mine).toMatchObject({ text: 'see you at 6', editedAt: expect.any(Number) })
    expect(await edit).toMatchObject({ text: 'see you at 6', editedAt: mine.editedAt })
    expect(await messageOf(bob, alice, sent.id)).toMatchObject({ text: 'see you at 6' })

    await expect(
      bob.messages.act(publicKeyHex(alice), sent.id, { type: 'edit', text: 'hijacked' }),
    ).rejects.toMatchObject({ name: 'ActionPermissionError' })
    await expect(
      bob.messages.act(publicKeyHex(alice), sent.id, { type: 'recall' }),
    ).rejects.toMatchObject({ name: 'ActionPermissionError' })

    const recall = updated(bob, sent.id, (message) => message.recalled === true)
    await alice.messages.act(publicKeyHex(bob), sent.id, { type: 'recall' })
    expect(await recall).toMatchObject({ text: '', recalled: true })
    const stored = await messageOf(bob, alice, sent.id)
    expect(stored).toMatchObject({ text: '', recalled: true })
    expect(stored?.editedAt).toBeUndefined()
    expect(await messageOf(alice, bob, sent.id)).toMatchObject({ text: '', recalled: true })
    // A recalled message takes no more actions.
    await expect(
      alice.messages.act(publicKeyHex(bob), sent.id, { type: 'edit', text: 'back' }),
    ).rejects.toMatchObject({ name: 'ActionPermissionError' })
  })

  it('a recall past the window is refused by the recipient, and by the sender’s own node', async () => {
    // Alice's node lets her recall for an hour; bob's honours no recall at all (window 0),
    // standing in for a recall that comes after the two minutes.
    const { alice, bob } = await pair(
      { messaging: { recallWindowMs: 3_600_000 } },
      { messaging: { recallWindowMs: 0 } },
    )
    const sent = await alice.messages.send(publicKeyHex(bob), 'oops')
    await receivedCount(bob, 1)
    await alice.messages.act(publicKeyHex(bob), sent.id, { type: 'recall' })
    // Texts arrive in order: once the next one is shown, the recall was taken (or refused).
    await alice.messages.send(publicKeyHex(bob), 'after the recall')
    await receivedCount(bob, 2)
    expect(await messageOf(bob, alice, sent.id)).toMatchObject({ text: 'oops' })
    expect((await messageOf(bob, alice, sent.id))?.recalled).toBeUndefined()

    const own = await bob.messages.send(publicKeyHex(alice), 'mine')
    await stateReached(bob, own.id, 'delivered')
    await expect(
      bob.messages.act(publicKeyHex(alice), own.id, { type: 'recall' }),
    ).rejects.toMatchObject({ name: 'RecallTooLateError' })
  })

  it('one reaction per person: added, changed, removed, seen on both sides', async () => {
    const { alice, bob } = await pair()
    const sent = await alice.messages.send(publicKeyHex(bob), 'new job!')
    await receivedCount(bob, 1)
    const react = async (emoji: string) => {
      const seen = updated(alice, sent.id)
      await bob.messages.act(publicKeyHex(alice), sent.id, { type: 'react', emoji })
      return (await seen).reactions
    }
    expect(await react('👍')).toEqual([{ emoji: '👍', mine: false }])
    expect(await react('🎉')).toEqual([{ emoji: '🎉', mine: false }])
    const own = updated(bob, sent.id)
    await alice.messages.act(publicKeyHex(bob), sent.id, { type: 'react', emoji: '❤️' })
    expect((await own).reactions).toEqual([
      { emoji: '🎉', mine: true },
      { emoji: '❤️', mine: false },
    ])
    expect(await react('')).toEqual([{ emoji: '❤️', mine: true }])
    await expect(
      bob.messages.act(publicKeyHex(alice), sent.id, { type: 'react', emoji: 'two words' }),
    ).rejects.toMatchObject({ name: 'InvalidMessageTextError' })
  })

  it('delete for me removes the message here only, and an action on it is dropped', async () => {
    const { alice, bob } = await pair()
    const sent = await alice.messages.send(publicKeyHex(bob), 'keep or not')
    await receivedCount(bob, 1)
    expect(await bob.messages.deleteForMe(publicKeyHex(alice), [sent.id])).toMatchObject({
      deleted: 1,
    })
    expect(await messageOf(bob, alice, sent.id)).toBeUndefined()
    await alice.messages.act(publicKeyHex(bob), sent.id, { type: 'edit', text: 'changed' })
    await alice.messages.send(publicKeyHex(bob), 'next')
    await receivedCount(bob, 2)
    expect(await messageOf(bob, alice, sent.id)).toBeUndefined()
    expect(await messageOf(alice, bob, sent.id)).toMatchObject({ text: 'changed' })
  })
})

describe('message actions and the search index', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })
  const chatPeer = async (directory: BundleDirectory): Promise<ChatPeer> => {
    const peer = await startChatPeer({ directory })
    cleanups.push(() => peer.remove())
    return peer
  }
  const texts = async (peer: ChatPeer, query: string) =>
    (await peer.conversations.search(query)).hits.map((hit) => hit.message.text)

  it('finds an edited message by its new words only, and a recalled one by none', async () => {
    const directory = new BundleDirectory()
    const alice = await chatPeer(directory)
    const bob = await chatPeer(directory)
    await connectChatPeers(alice, bob)
    const sent = await alice.base.messages.send(bob.peerId, 'meet at the harbour')
    await receivedCount(bob.base, 1)
    expect(await texts(bob, 'harbour')).toEqual(['meet at the harbour'])

    const edited = updated(bob.base, sent.id)
    await alice.base.messages.act(bob.peerId, sent.id, {
      type: 'edit',
      text: 'meet at the station',
    })
    await edited
    for (const peer of [alice, bob]) {
      expect(await texts(peer, 'harbour')).toEqual([])
      expect(await texts(peer, 'station')).toEqual(['meet at the station'])
    }
    const recalled = updated(bob.base, sent.id, (message) => message.recalled === true)
    await alice.base.messages.act(bob.peerId, sent.id, { type: 'recall' })
    await recalled
    for (const peer of [alice, bob]) expect(await texts(peer, 'station')).toEqual([])
  })
})
