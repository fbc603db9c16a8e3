/**
 * Message actions in a room of three real nodes (doc/message-actions.md): a reply quotes its
 * target for every member; the author edits and recalls (the recalled text gone from every
 * member's store), others may not; a recall past the window is refused by the members (and
 * by the author's own node); reactions are one per member, changed and removed; a recalled
 * file message leaves neither its caption, its edits' words nor its file key on any disk.
 */
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { ATTACHMENT_CHUNK_SIZE } from '../../protocol/limits.ts'
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

/** The first member recalls its message `id`; resolves once every member shows it recalled. */
async function recallEverywhere(members: RoomPeer[], roomId: string, id: string): Promise<void> {
  await members[0].rooms.act(roomId, id, { type: 'recall' })
  const recalled = (m: RoomPeer) => viewOf(m, roomId, id)?.recalled === true
  await waitUntil(members, () => members.every(recalled), 'recalled everywhere')
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
    await recallEverywhere(members, roomId, sent.id)
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

  it('a recall takes the file key, style, mentions and edited words from every store', async () => {
    const { members, roomId } = await room(network)
    const [alice, bob] = members
    const fileKey = randomBytes(32)
    const keyText = fileKey.toString('base64')
    const sent = await alice.rooms.send(roomId, 'the plan, see file', {
      style: { bold: true },
      mentions: [bob.keyHex],
      attachment: {
        fileId: new Uint8Array(16).fill(1),
        name: 'plan.pdf',
        mime: 'application/pdf',
        size: 10_000,
        sha256: new Uint8Array(32).fill(2),
        key: fileKey,
        chunkSize: ATTACHMENT_CHUNK_SIZE,
      },
    })
    await alice.rooms.act(roomId, sent.id, { type: 'edit', text: 'the new plan' })
    const edited = (m: RoomPeer) => viewOf(m, roomId, sent.id)?.text === 'the new plan'
    await waitUntil(members, () => members.every(edited), 'edited everywhere')
    /** Every value the member's room store holds, as text. */
    const stored = async (m: RoomPeer) => {
      const values: string[] = []
      for await (const value of m.storage.sublevel('rooms').values()) {
        values.push(Buffer.from(value).toString('latin1'))
      }
      return values.join('\n')
    }
    for (const member of members) {
      const before = await stored(member)
      expect(before).toContain(keyText)
      expect(before).toContain('the new plan')
    }

    await recallEverywhere(members, roomId, sent.id)
    for (const member of members) {
      expect(viewOf(member, roomId, sent.id)).not.toHaveProperty('attachment')
      await erasedOnDisk(member, `${roomId}!t!${sent.id}`)
      // The erasure is one batch: once the text is gone, so are the rest.
      expect(await member.storage.sublevel('rooms').get(`${roomId}!x!${sent.id}`)).toBeUndefined()
      const after = await stored(member)
      expect(after).not.toContain(keyText)
      expect(after).not.toContain('plan')
    }
  }, 60_000)
})
