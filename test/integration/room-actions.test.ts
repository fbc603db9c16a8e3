/**
 * Message actions in a room of three real nodes (doc/message-actions.md): a reply quotes its
 * target for every member; the author edits and recalls (the recalled text gone from every
 * member's store), others may not; a recall past the window is refused by the members (and
 * by the author's own node); reactions are one per member, changed and removed.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { RoomMessageView } from '../../protocol/local-api.ts'
import { waitForEvent, withTimeout } from '../helpers/wait.ts'
import {
  keysSettled,
  meshFormed,
  type RoomNetwork as Network,
  RoomNetwork,
  type RoomPeer,
  waitUntil,
} from './room-network.ts'

const network = new RoomNetwork()
afterEach(() => network.stopAll())

/** Three members; `windows`: each one's recall window, if not the default. */
async function room(
  net: Network,
  windows: Array<number | undefined> = [],
): Promise<{ members: RoomPeer[]; roomId: string }> {
  const members: RoomPeer[] = []
  for (let i = 0; i < 3; i++)
    members.push(await net.start({ init: { recallWindowMs: windows[i] } }))
  const [owner, ...joiners] = members
  const { roomId, invite } = await owner.rooms.create('actions')
  for (const member of joiners) await member.rooms.join(invite)
  await waitUntil(members, () => keysSettled(members, roomId, 3), 'keys settled')
  await waitUntil(members, () => meshFormed(members, roomId), 'mesh formed')
  return { members, roomId }
}

/**
 * Resolves once the text stored under `key` is empty. The fold that shows a recall queues the
 * erasure behind the room's other writes, so the disk catches up a moment after the view:
 * re-read at each heartbeat until then.
 */
function erasedOnDisk(member: RoomPeer, key: string): Promise<void> {
  const pubsub = member.host.services.pubsub as unknown as EventTarget
  const erased = async () => {
    for (;;) {
      const stored = await member.storage.sublevel('rooms').get(key)
      if (new TextDecoder().decode(stored) === '') return
      await waitForEvent(pubsub, 'gossipsub:heartbeat')
    }
  }
  return withTimeout(erased(), 20_000, `recalled text ${key} erased on disk`)
}

function viewOf(peer: RoomPeer, roomId: string, id: string): RoomMessageView | undefined {
  return peer.rooms.history(roomId).messages.find((message) => message.id === id)
}

describe('message actions in rooms', () => {
  it('reply, edit, reactions and recall reach every member', async () => {
    const { members, roomId } = await room(network)
    const [alice, bob, carol] = members
    const sent = await alice.rooms.send(roomId, 'picnic on sunday?')
    await waitUntil(members, () => members.every((m) => viewOf(m, roomId, sent.id)), 'sent')

    const reply = await bob.rooms.send(roomId, 'count me in', { replyTo: sent.id })
    await waitUntil(members, () => members.every((m) => viewOf(m, roomId, reply.id)), 'reply')
    expect(viewOf(carol, roomId, reply.id)?.replyTo).toEqual({
      id: sent.id,
      from: alice.host.peerId.toString(),
      text: 'picnic on sunday?',
    })

    await alice.rooms.act(roomId, sent.id, { type: 'edit', text: 'picnic on saturday?' })
    await bob.rooms.act(roomId, sent.id, { type: 'react', emoji: '👍' })
    await carol.rooms.act(roomId, sent.id, { type: 'react', emoji: '🎉' })
    await bob.rooms.act(roomId, sent.id, { type: 'react', emoji: '❤️' })
    await carol.rooms.act(roomId, sent.id, { type: 'react', emoji: '' })
    const settled = (m: RoomPeer) => {
      const view = viewOf(m, roomId, sent.id)
      return view?.text === 'picnic on saturday?' && view.reactions?.[0]?.emoji === '❤️'
    }
    await waitUntil(members, () => members.every(settled), 'edit and reactions everywhere')
    for (const member of members) {
      expect(viewOf(member, roomId, sent.id)).toMatchObject({
        editedAt: expect.any(Number),
        reactions: [{ emoji: '❤️', from: bob.host.peerId.toString(), mine: member === bob }],
      })
    }
    // Actions are not messages of their own in the history.
    expect(alice.rooms.history(roomId).messages.map((m) => m.text)).toEqual([
      'picnic on saturday?',
      'count me in',
    ])

    await expect(
      bob.rooms.act(roomId, sent.id, { type: 'edit', text: 'hijacked' }),
    ).rejects.toMatchObject({ name: 'RoomActionPermissionError' })
    await alice.rooms.act(roomId, sent.id, { type: 'recall' })
    await waitUntil(
      members,
      () => members.every((m) => viewOf(m, roomId, sent.id)?.recalled === true),
      'recalled everywhere',
    )
    for (const member of members) {
      expect(viewOf(member, roomId, sent.id)).toMatchObject({ text: '', recalled: true })
      expect(viewOf(member, roomId, reply.id)?.replyTo).toMatchObject({ recalled: true })
      await erasedOnDisk(member, `${roomId}!t!${sent.id}`)
    }
  }, 60_000)

  it('a recall past the window is refused by the members, and by the author’s own node', async () => {
    // Alice may recall for an hour; bob and carol honour no recall (window 0), standing in
    // for a recall that comes after the two minutes.
    const { members, roomId } = await room(network, [3_600_000, 0, 0])
    const [alice, bob, carol] = members
    const sent = await alice.rooms.send(roomId, 'too late to take back')
    await waitUntil(members, () => members.every((m) => viewOf(m, roomId, sent.id)), 'sent')
    await alice.rooms.act(roomId, sent.id, { type: 'recall' })
    // Messages are shown in the room's order: once the next one is shown, the recall was seen.
    const next = await alice.rooms.send(roomId, 'after the recall')
    await waitUntil(members, () => members.every((m) => viewOf(m, roomId, next.id)), 'next')
    expect(viewOf(alice, roomId, sent.id)).toMatchObject({ recalled: true })
    for (const member of [bob, carol]) {
      expect(viewOf(member, roomId, sent.id)).toMatchObject({ text: 'too late to take back' })
    }

    const own = await bob.rooms.send(roomId, 'mine')
    await expect(bob.rooms.act(roomId, own.id, { type: 'recall' })).rejects.toMatchObject({
      name: 'RoomActionRefusedError',
    })
  }, 60_000)
})
