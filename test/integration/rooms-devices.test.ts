/**
 * A room with three members and four devices (real nodes behind a loopback relay, real
 * LevelDB): alice on a laptop and a linked phone, bob and carol on one device each. The phone
 * finds the room alice's laptop is in and enrols; every device sees every message exactly
 * once and in the same order; what the phone writes shows as alice's everywhere; once alice
 * revokes the phone, the room's new messages reach it as ciphertext it cannot read.
 */
import { describe, expect, it } from 'vitest'
import type { TokenimNode } from '../../node/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import {
  decryptMessage,
  eventIdOf,
  openRoomEvent,
  type ReceivedSenderKey,
  roomTopic,
} from '../../protocol/rooms/index.ts'
import { type FriendNode, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'
import { linkDevice } from './linked-account.ts'
import { waitUntil, watchedNodes as watched } from './room-network.ts'

const relay = relayForFriendNodes()

/** The texts a node shows in the room, oldest first, with the member each is from. */
function shown(node: TokenimNode, roomId: string) {
  return node.rooms
    .history(roomId, { limit: 500 })
    .messages.map((message) => ({ author: message.author, text: message.text }))
}

/** Every sender key a node holds from `author` in the room (its internals, for the test). */
function heldKeys(node: TokenimNode, roomId: string, author: string): ReceivedSenderKey[] {
  const registry = (
    node.rooms as unknown as {
      rooms: { get(id: string): { received: Map<string, Map<string, ReceivedSenderKey>> } }
    }
  ).rooms
  return [...(registry.get(roomId).received.get(author)?.values() ?? [])]
}

describe('rooms across an account’s devices', () => {
  it('a room with three members and four devices', async () => {
    const alice = await startFriendNode(relay())
    const bob = await startFriendNode(relay())
    const carol = await startFriendNode(relay())
    const { roomId, invite } = await alice.node.rooms.create('four devices')
    await bob.node.rooms.join(invite)
    await carol.node.rooms.join(invite)
    const members = [alice, bob, carol]
    await waitUntil(
      watched(members),
      () => members.every((m) => m.node.rooms.members(roomId).members.length === 3),
      'three members everywhere',
      30_000,
    )

    // Alice links a phone: it finds the room through her laptop and enrols.
    const phone = await linkDevice(relay(), alice, [])
    const devices = [alice, phone, bob, carol]
    const shownIds = new Map(devices.map((d) => [d, [] as string[]]))
    for (const device of devices) {
      device.node.rooms.addEventListener('room:message', (event) => {
        if (event.detail.roomId === roomId) shownIds.get(device)!.push(event.detail.id)
      })
    }
    await waitUntil(
      watched(devices),
      () =>
        members.every(
          (m) =>
            m.node.rooms.writesFor(roomId, phone.publicKey) === alice.publicKey &&
            m.node.rooms.senderKeyIds(roomId, phone.publicKey).length > 0,
        ) &&
        members.every(
          (m) => phone.node.rooms.senderKeyIds(roomId, m.publicKey).length > 0 || m === alice,
        ) &&
        phone.node.rooms.senderKeyIds(roomId, alice.publicKey).length > 0,
      'the phone enrolled and every device holds every other device’s chain',
      60_000,
    )
    expect(phone.node.rooms.listRooms().map((room) => room.roomId)).toEqual([roomId])
    expect(phone.node.rooms.listRooms()[0].role).toBe('owner')

    // Six messages from every device, each seen everywhere before the next.
    const script: Array<[FriendNode, string]> = [
      [bob, 'bob 1'],
      [phone, 'phone 1'],
      [carol, 'carol 1'],
      [alice, 'laptop 1'],
      [phone, 'phone 2'],
      [bob, 'bob 2'],
    ]
    const sent: string[] = []
    for (const [from, text] of script) {
      sent.push((await from.node.rooms.send(roomId, text)).id)
      await waitUntil(
        watched(devices),
        () => devices.every((d) => shownIds.get(d)!.includes(sent.at(-1)!)),
        `"${text}" seen on every device`,
        30_000,
      )
    }
    const expected = script.map(([from, text]) => ({
      author: from === phone ? alice.publicKey : from.publicKey,
      text,
    }))
    for (const device of devices) {
      expect(shown(device.node, roomId)).toEqual(expected)
      // Exactly once each, in order (the sender shows its own as it sends it).
      expect(shownIds.get(device)).toEqual(sent)
    }
    // The phone's messages are alice's own on her laptop.
    const onLaptop = alice.node.rooms.history(roomId).messages
    expect(onLaptop.filter((m) => m.text.startsWith('phone')).every((m) => m.mine)).toBe(true)

    // The laptop edits what the phone wrote: it is alice's message, every device shows the edit.
    const phoneFirst = sent[script.findIndex(([, text]) => text === 'phone 1')]
    await alice.node.rooms.act(roomId, phoneFirst, { type: 'edit', text: 'phone 1, edited' })
    await waitUntil(
      watched(devices),
      () =>
        devices.every((d) =>
          d.node.rooms
            .history(roomId)
            .messages.some((m) => m.id === phoneFirst && m.text === 'phone 1, edited'),
        ),
      'the edit shown on every device',
      30_000,
    )

    // A room joined on the phone is the account's, and reaches the laptop.
    const second = await carol.node.rooms.create('joined on the phone')
    await phone.node.rooms.join(second.invite)
    await waitUntil(
      watched(devices),
      () =>
        alice.node.rooms.listRooms().some((room) => room.roomId === second.roomId) &&
        carol.node.rooms.senderKeyIds(second.roomId, alice.publicKey).length > 0 &&
        alice.node.rooms.senderKeyIds(second.roomId, carol.publicKey).length > 0,
      'the room joined on the phone is on the laptop, keys handed both ways',
      60_000,
    )
    const members2 = carol.node.rooms.members(second.roomId).members.map((m) => m.publicKey)
    expect(members2.sort()).toEqual([alice.publicKey, carol.publicKey].sort())
    expect(carol.node.rooms.writesFor(second.roomId, phone.publicKey)).toBe(alice.publicKey)
    const hello = await carol.node.rooms.send(second.roomId, 'hello alice')
    await waitUntil(
      watched(devices),
      () =>
        [alice, phone].every((d) =>
          d.node.rooms.history(second.roomId).messages.some((m) => m.id === hello.id),
        ),
      'carol’s message on both of alice’s devices',
      30_000,
    )

    // Alice revokes the phone: every remaining device keys it out.
    await alice.node.devices.revoke('phone')
    await waitUntil(
      watched(members),
      () =>
        devices.every((m) => m.node.rooms.writesFor(roomId, phone.publicKey) == null) &&
        phone.node.rooms.listRooms().find((room) => room.roomId === roomId)?.role === null,
      'the revocation reached the room, the phone included',
      30_000,
    )
    // The phone ignores the protocol and keeps listening on the topic.
    const topic = roomTopic(roomId)
    const captured: Uint8Array[] = []
    const pubsub = phone.node.host.services.pubsub
    pubsub.addEventListener('message', (evt) => {
      if (evt.detail.topic === topic) captured.push(evt.detail.data)
    })
    pubsub.subscribe(topic)
    await waitUntil(
      watched(members),
      () =>
        members.every((m) =>
          m.node.host.services.pubsub
            .getSubscribers(topic)
            .some((peer) => peer.toString() === phone.peerId),
        ),
      'the phone on the topic again',
      30_000,
    )
    const after = [
      await alice.node.rooms.send(roomId, 'after 1'),
      await bob.node.rooms.send(roomId, 'after 2'),
      await carol.node.rooms.send(roomId, 'after 3'),
    ]
    const capturedOf = (id: string) => captured.find((data) => toHex(eventIdOf(data)) === id)
    await waitUntil(
      watched(members),
      () =>
        after.every((m) => capturedOf(m.id) != null) &&
        members.every((m) =>
          after.every((a) => shown(m.node, roomId).some((s) => s.text === a.text)),
        ),
      'the members read what the phone captures',
      30_000,
    )
    for (const message of after) {
      const event = openRoomEvent(capturedOf(message.id)!)
      const keyId = toHex(event.event.message!.keyId)
      expect(phone.node.rooms.senderKeyIds(roomId, message.author)).not.toContain(keyId)
      const keys = heldKeys(phone.node, roomId, message.author)
      expect(keys.length).toBeGreaterThan(0)
      for (const key of keys) expect(() => decryptMessage(event, key)).toThrow()
    }
    expect(shown(phone.node, roomId).map((m) => m.text)).not.toContain('after 1')
  }, 240_000)
})
