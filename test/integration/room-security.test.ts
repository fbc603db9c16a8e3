import { afterEach, describe, expect, it } from 'vitest'
import { toHex } from '../../protocol/bytes.ts'
import {
  buildMessage,
  decryptMessage,
  eventIdOf,
  openRoomEvent,
  RoomLog,
  roomTopic,
  SenderKeyChain,
} from '../../protocol/rooms/index.ts'
import {
  historyIds,
  keysSettled,
  meshFormed,
  RoomNetwork,
  type RoomPeer,
  waitUntil,
} from './room-network.ts'

const network = new RoomNetwork()

/** Gossipsub's score of `peerId` at `at` (getScore is on the implementation, not the interface). */
function scoreOf(at: RoomPeer, peerId: string): number {
  return (at.host.services.pubsub as unknown as { getScore(peer: string): number }).getScore(peerId)
}
afterEach(() => network.stopAll())

describe('room security', () => {
  it('a removed member cannot read anything sent after its removal', async () => {
    const owner = await network.start()
    const { roomId, invite } = await owner.rooms.create('removal')
    const alice = await network.start()
    const carol = await network.start()
    for (const member of [alice, carol]) await member.rooms.join(invite)
    const everyone = [owner, alice, carol]
    await waitUntil(everyone, () => keysSettled(everyone, roomId, 3), 'keys settled')
    await waitUntil(everyone, () => meshFormed(everyone, roomId, 1), 'mesh formed')
    await owner.rooms.send(roomId, 'carol can read this')
    await waitUntil(everyone, () => historyIds(carol, roomId).length === 1, 'carol reads')

    const oldKeys = owner.rooms.senderKeyIds(roomId, owner.keyHex)
    await owner.rooms.remove(roomId, carol.host.peerId.toString())
    await waitUntil(
      everyone,
      () =>
        [owner, alice, carol].every((peer) => peer.rooms.members(roomId).members.length === 2) &&
        alice.rooms.senderKeyIds(roomId, owner.keyHex).length === 2,
      'removal seen and owner rekeyed',
    )
    expect(carol.rooms.listRooms()[0].role).toBeNull()
    await expect(carol.rooms.join(invite)).rejects.toMatchObject({ name: 'RoomPermissionError' })

    // Carol ignores the protocol and keeps listening on the topic.
    const topic = roomTopic(roomId)
    const captured: Uint8Array[] = []
    carol.host.services.pubsub.addEventListener('message', (evt) => {
      if (evt.detail.topic === topic) captured.push(evt.detail.data)
    })
    carol.host.services.pubsub.subscribe(topic)
    await waitUntil(
      everyone,
      () =>
        owner.host.services.pubsub.getSubscribers(topic).some((p) => p.equals(carol.host.peerId)),
      'carol subscribed again',
    )
    const secret = await owner.rooms.send(roomId, 'not for carol')
    await waitUntil(
      everyone,
      () =>
        historyIds(alice, roomId).includes(secret.id) &&
        captured.some((data) => toHex(eventIdOf(data)) === secret.id),
      'alice reads it, carol captures the ciphertext',
    )
    const event = openRoomEvent(captured.find((data) => toHex(eventIdOf(data)) === secret.id)!)
    const keyId = toHex(event.event.message!.keyId)
    expect(oldKeys).not.toContain(keyId)
    expect(carol.rooms.senderKeyIds(roomId, owner.keyHex)).not.toContain(keyId)
    expect(historyIds(carol, roomId)).not.toContain(secret.id)
    // Every key carol holds fails on it.
    const carolKeys = (
      carol.rooms as unknown as {
        rooms: Map<string, { received: Map<string, Map<string, never>> }>
      }
    ).rooms
      .get(roomId)!
      .received.get(owner.keyHex)!
    expect(carolKeys.size).toBeGreaterThan(0)
    for (const key of carolKeys.values()) expect(() => decryptMessage(event, key)).toThrow()
  })

  it('a non-member publishing on the topic is rejected at every member and scored down', async () => {
    const owner = await network.start()
    const { roomId, invite } = await owner.rooms.create('closed door')
    const alice = await network.start()
    const bob = await network.start()
    for (const member of [alice, bob]) await member.rooms.join(invite)
    const members = [owner, alice, bob]
    await waitUntil(members, () => keysSettled(members, roomId, 3), 'keys settled')

    const outsider = await network.start()
    const topic = roomTopic(roomId)
    for (const member of members) await outsider.host.dial(member.host.peerId)
    outsider.host.services.pubsub.subscribe(topic)
    await waitUntil(
      members,
      () =>
        members.every((m) =>
          m.host.services.pubsub.getSubscribers(topic).some((p) => p.equals(outsider.host.peerId)),
        ),
      'members see the outsider on the topic',
    )
    // A well-formed, correctly signed event, but its author was never in the room.
    const copy = new RoomLog(owner.rooms.heldEvents(roomId)[0])
    for (const event of owner.rooms.heldEvents(roomId)) copy.ingest(event)
    for (let i = 0; i < 3; i++) {
      const forged = buildMessage(outsider.identity, copy, SenderKeyChain.generate(), `spam ${i}`)
      copy.ingest(forged)
      await outsider.host.services.pubsub.publish(topic, forged.bytes)
    }
    const outsiderId = outsider.host.peerId.toString()
    await waitUntil(
      members,
      () =>
        members.every((m) => m.rooms.rejectedBy(outsiderId) === 3 && scoreOf(m, outsiderId) < 0),
      'every member rejected the outsider and scored it down',
    )
    for (const member of members) {
      expect(member.rooms.heldEvents(roomId).some((e) => e.authorHex === outsider.keyHex)).toBe(
        false,
      )
      expect(scoreOf(member, outsiderId)).toBeLessThan(-10)
      // Honest members keep a non-negative standing with each other.
      for (const other of members) {
        if (other !== member) {
          expect(scoreOf(member, other.host.peerId.toString())).toBeGreaterThanOrEqual(0)
        }
      }
    }
  })

  it('a replayed old event is rejected at every member and scored down', async () => {
    // Any copy of a held event counts as a replay here, so the test needs no clock games.
    const init = { replayAgeMs: 0 }
    const owner = await network.start({ init })
    const { roomId, invite } = await owner.rooms.create('no replays')
    const alice = await network.start({ init })
    await alice.rooms.join(invite)
    const members = [owner, alice]
    await waitUntil(members, () => keysSettled(members, roomId, 2), 'keys settled')

    // Mallory got the room's CREATE event (an open room serves it to anyone) and plays it
    // back on the topic. Nobody's gossip seen-cache knows it: both took it by sync or wrote it.
    const mallory = await network.start()
    const topic = roomTopic(roomId)
    for (const member of members) await mallory.host.dial(member.host.peerId)
    mallory.host.services.pubsub.subscribe(topic)
    // Both ways: mallory's publish goes only to peers it knows are on the topic.
    await waitUntil(
      members,
      () =>
        members.every(
          (m) =>
            m.host.services.pubsub
              .getSubscribers(topic)
              .some((p) => p.equals(mallory.host.peerId)) &&
            mallory.host.services.pubsub.getSubscribers(topic).some((p) => p.equals(m.host.peerId)),
        ),
      'members and mallory see each other on the topic',
    )
    const genesis = owner.rooms.heldEvents(roomId)[0]
    await mallory.host.services.pubsub.publish(topic, genesis.bytes)
    const malloryId = mallory.host.peerId.toString()
    await waitUntil(
      members,
      () => members.every((m) => m.rooms.rejectedBy(malloryId) === 1 && scoreOf(m, malloryId) < 0),
      'every member rejected the replay',
    )
    expect(owner.rooms.heldEvents(roomId)).toHaveLength(alice.rooms.heldEvents(roomId).length)
  })
})
