/**
 * Message actions and read marks across an account's devices (real nodes behind a loopback
 * relay, real LevelDB): alice on a laptop and a linked phone, bob on one device. What alice
 * edits, recalls or reacts to on her phone shows on her laptop (and at bob's); what bob does
 * shows on both of alice's devices; a room read on the laptop is read on the phone.
 */
import { describe, expect, it } from 'vitest'
import type { MessageView } from '../../protocol/local-api.ts'
import {
  befriend,
  type FriendNode,
  relayForFriendNodes,
  startFriendNode,
  messageUpdated as updated,
} from './friends-nodes.ts'
import { aliceWithPhoneAndBob, linkDevice } from './linked-account.ts'
import { waitUntil, watchedNodes } from './room-network.ts'

const relay = relayForFriendNodes()

/** Resolves once `node` was shown `text` in its conversation with `peer`. */
function shown(node: FriendNode, peer: string, text: string) {
  return node.event('message:received', (m) => m.peerId === peer && m.text === text, {
    timeoutMs: 30_000,
  })
}

/** The message of the conversation with `peer` whose text was `text`, as `node` shows it now. */
async function messageOf(node: FriendNode, peer: string, id: string): Promise<MessageView> {
  const page = await node.node.messages.history(peer, { limit: 500 })
  const found = page.messages.find((message) => message.id === id)
  if (found == null) throw new Error(`${node.peerId} shows no message ${id}`)
  return found
}

describe('message actions across an account’s devices', () => {
  it('the phone edits, reacts and recalls: the laptop and bob show it; bob’s actions reach both of alice’s devices', async () => {
    const { alice, phone, bob } = await aliceWithPhoneAndBob(relay)

    // A text from the phone (the laptop shows it as alice's) and one from bob (both show it).
    await phone.node.messages.send(bob.peerId, 'from the phone')
    const [onBob, onLaptop] = await Promise.all([
      shown(bob, alice.peerId, 'from the phone'),
      alice.event('message:received', (m) => m.text === 'from the phone' && m.direction === 'out', {
        timeoutMs: 30_000,
      }),
    ])
    const bobs = await bob.node.messages.send(alice.peerId, 'from bob')
    const [bobsOnLaptop, bobsOnPhone] = await Promise.all([
      shown(alice, bob.peerId, 'from bob'),
      shown(phone, bob.peerId, 'from bob'),
    ])
    const phoneText = (await phone.node.messages.history(bob.peerId)).messages.find(
      (m) => m.text === 'from the phone',
    )!

    // The phone edits its text: bob and the laptop show the edit.
    const edited = (m: MessageView) => m.text === 'from the phone, edited'
    const editing = [
      updated(bob, alice.peerId, onBob.data.id, edited),
      updated(alice, bob.peerId, onLaptop.data.id, edited),
    ]
    await phone.node.messages.act(bob.peerId, phoneText.id, {
      type: 'edit',
      text: 'from the phone, edited',
    })
    await Promise.all(editing)
    expect(await messageOf(alice, bob.peerId, onLaptop.data.id)).toMatchObject({
      text: 'from the phone, edited',
      editedAt: expect.any(Number),
    })

    // The phone reacts to bob's text: the laptop shows it as alice's reaction, bob as hers.
    const reacted = (mine: boolean) => (m: MessageView) =>
      m.reactions?.some((r) => r.emoji === '👍' && r.mine === mine) === true
    const reacting = [
      updated(alice, bob.peerId, bobsOnLaptop.data.id, reacted(true)),
      updated(bob, alice.peerId, bobs.id, reacted(false)),
    ]
    await phone.node.messages.act(bob.peerId, bobsOnPhone.data.id, { type: 'react', emoji: '👍' })
    await Promise.all(reacting)

    // The phone recalls its text: gone on the laptop and at bob's.
    const recalled = (m: MessageView) => m.recalled === true
    const recalling = [
      updated(bob, alice.peerId, onBob.data.id, recalled),
      updated(alice, bob.peerId, onLaptop.data.id, recalled),
    ]
    await phone.node.messages.act(bob.peerId, phoneText.id, { type: 'recall' })
    await Promise.all(recalling)
    expect(await messageOf(alice, bob.peerId, onLaptop.data.id)).toMatchObject({
      text: '',
      recalled: true,
    })

    // Bob edits and reacts: both of alice's devices follow, whichever of them wrote the text.
    const laptops = await alice.node.messages.send(bob.peerId, 'from the laptop')
    const [laptopsOnBob, laptopsOnPhone] = await Promise.all([
      shown(bob, alice.peerId, 'from the laptop'),
      phone.event(
        'message:received',
        (m) => m.text === 'from the laptop' && m.direction === 'out',
        {
          timeoutMs: 30_000,
        },
      ),
    ])
    const bobEdited = (m: MessageView) => m.text === 'from bob, edited'
    const followers = [
      updated(alice, bob.peerId, bobsOnLaptop.data.id, bobEdited),
      updated(phone, bob.peerId, bobsOnPhone.data.id, bobEdited),
      updated(alice, bob.peerId, laptops.id, reacted(false)),
      updated(phone, bob.peerId, laptopsOnPhone.data.id, reacted(false)),
    ]
    await bob.node.messages.act(alice.peerId, bobs.id, { type: 'edit', text: 'from bob, edited' })
    await bob.node.messages.act(alice.peerId, laptopsOnBob.data.id, { type: 'react', emoji: '👍' })
    await Promise.all(followers)
    expect(await messageOf(phone, bob.peerId, bobsOnPhone.data.id)).toMatchObject({
      text: 'from bob, edited',
    })
    // The phone's reaction on bob's text is still there, as alice's, on both devices.
    for (const [node, id] of [
      [alice, bobsOnLaptop.data.id],
      [phone, bobsOnPhone.data.id],
    ] as const) {
      expect((await messageOf(node, bob.peerId, id)).reactions).toEqual([
        { emoji: '👍', mine: true },
      ])
    }
  })

  it('a room read on the laptop is read on the phone', async () => {
    const alice = await startFriendNode(relay())
    const bob = await startFriendNode(relay())
    await befriend(alice, bob)
    const { roomId, invite } = await alice.node.rooms.create('read marks')
    await bob.node.rooms.join(invite)
    // The phone finds the room through the laptop and enrols.
    const phone = await linkDevice(relay(), alice, [bob])
    const devices = [alice, phone, bob]
    await waitUntil(
      watchedNodes(devices),
      () =>
        phone.node.rooms.listRooms().some((room) => room.roomId === roomId) &&
        bob.node.rooms.writesFor(roomId, phone.publicKey) === alice.publicKey &&
        phone.node.rooms.senderKeyIds(roomId, bob.publicKey).length > 0 &&
        alice.node.rooms.senderKeyIds(roomId, bob.publicKey).length > 0,
      'the phone enrolled and holds bob’s chain',
      60_000,
    )
    const unread = (node: FriendNode) =>
      node.node.rooms.listRooms().find((room) => room.roomId === roomId)?.unread
    for (const text of ['one', 'two']) await bob.node.rooms.send(roomId, text)
    await waitUntil(
      watchedNodes(devices),
      () => unread(alice) === 2 && unread(phone) === 2,
      'both of alice’s devices show two unread',
      30_000,
    )

    expect(alice.node.rooms.markRead(roomId).unread).toBe(0)
    const read = await phone.event('room:read', (data) => data.roomId === roomId, {
      timeoutMs: 30_000,
    })
    expect(read.data.unread).toBe(0)
    expect(unread(phone)).toBe(0)
    // What comes after the mark is unread on both.
    await bob.node.rooms.send(roomId, 'three')
    await waitUntil(
      watchedNodes(devices),
      () => unread(alice) === 1 && unread(phone) === 1,
      'the next message unread on both',
      30_000,
    )
  }, 180_000)
})
