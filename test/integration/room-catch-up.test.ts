import type { Stream } from '@libp2p/interface'
import { afterEach, describe, expect, it } from 'vitest'
import { RoomStore } from '../../node/rooms/room-store.ts'
import { openStorage } from '../../node/storage.ts'
import { ROOM_SYNC_PROTOCOL } from '../../protocol/ids.ts'
import { historyIds, keysSettled, meshFormed, RoomNetwork, waitUntil } from './room-network.ts'

const network = new RoomNetwork()
afterEach(() => network.stopAll())

describe('room catch-up', () => {
  it('a member offline while 30 messages are sent gets all 30, in order, on return', async () => {
    const owner = await network.start()
    const { roomId, invite } = await owner.rooms.create('catch-up', { inviteOnly: true })
    const alice = await network.start()
    const bob = await network.start()
    const away = await network.start()
    for (const member of [alice, bob, away]) await member.rooms.join(invite)
    const everyone = [owner, alice, bob, away]
    await waitUntil(everyone, () => keysSettled(everyone, roomId, 4), 'keys settled')
    await waitUntil(everyone, () => meshFormed(everyone, roomId, 1), 'mesh formed')
    await owner.rooms.send(roomId, 'before the break')
    await waitUntil(everyone, () => historyIds(away, roomId).length === 1, 'first message')

    const { identity, dataDir } = away
    await away.stop()
    const senders = [owner, alice, bob]
    for (let i = 0; i < 30; i++) await senders[i % 3].rooms.send(roomId, `missed ${i}`)
    await waitUntil(
      senders,
      () => senders.every((peer) => historyIds(peer, roomId).length === 31),
      '30 messages among those online',
    )

    const back = await network.start({ identity, dataDir })
    expect(historyIds(back, roomId)).toHaveLength(1)
    await waitUntil(
      [...senders, back],
      () => historyIds(back, roomId).length === 31,
      'the returning member catches up',
    )
    expect(historyIds(back, roomId)).toEqual(historyIds(owner, roomId))
    const texts = back.rooms.history(roomId).messages.map((m) => m.text)
    expect(texts.filter((t) => t.startsWith('missed '))).toHaveLength(30)
    // Catching up counts as unread until read.
    expect(back.rooms.listRooms()[0].unread).toBe(31)
    expect(back.rooms.markRead(roomId).unread).toBe(0)
  })

  it('after a crash a member never reuses a message key or a seq', async () => {
    const owner = await network.start()
    const { roomId, invite } = await owner.rooms.create('crash')
    const alice = await network.start()
    await alice.rooms.join(invite)
    await waitUntil([owner, alice], () => keysSettled([owner, alice], roomId, 2), 'keys settled')
    for (let i = 0; i < 3; i++) await owner.rooms.send(roomId, `before ${i}`)
    await waitUntil([owner, alice], () => historyIds(alice, roomId).length === 3, 'three messages')
    const before = alice.rooms.heldEvents(roomId).filter((e) => e.authorHex === owner.keyHex)
    const lastSeq = Math.max(...before.map((e) => e.event.seq))

    const { identity, dataDir } = owner
    await network.crash(owner)
    const back = await network.start({ identity, dataDir })
    await waitUntil(
      [back, alice],
      () => back.host.getConnections(alice.host.peerId).length > 0,
      'reconnected',
    )
    const sent = await back.rooms.send(roomId, 'after the crash')
    await waitUntil([back, alice], () => historyIds(alice, roomId).includes(sent.id), 'delivered')
    const event = alice.rooms.heldEvents(roomId).find((e) => e.idHex === sent.id)!
    // Positions and seqs that may have been used before the crash are skipped, not reused.
    expect(event.event.message!.index).toBeGreaterThanOrEqual(64)
    expect(event.event.seq).toBeGreaterThan(lastSeq)
    expect(alice.rooms.history(roomId).messages.map((m) => m.text)).toEqual([
      'before 0',
      'before 1',
      'before 2',
      'after the crash',
    ])
  })

  it('sends racing the seq recovery after a crash never reuse a seq another member holds', async () => {
    const owner = await network.start()
    const { roomId, invite } = await owner.rooms.create('crash race')
    const alice = await network.start()
    await alice.rooms.join(invite)
    await waitUntil([owner, alice], () => keysSettled([owner, alice], roomId, 2), 'keys settled')
    const last = await owner.rooms.send(roomId, 'published, then lost with the crash')
    await waitUntil([owner, alice], () => historyIds(alice, roomId).includes(last.id), 'sent')
    const held = alice.rooms.heldEvents(roomId).filter((e) => e.authorHex === owner.keyHex)

    const { identity, dataDir } = owner
    await network.crash(owner)
    // The write of the last event never reached the disk: alice holds a seq the owner lacks.
    const storage = await openStorage(`${dataDir}/db`)
    await storage
      .sublevel('rooms')
      .batch(
        [
          RoomStore.event(roomId, last.id, new Uint8Array()),
          RoomStore.text(roomId, last.id, ''),
        ].map((write) => ({ type: 'del' as const, key: write.key })),
      )
    await storage.close()
    // Alice never answers a sync: the recovery's request is still waiting when the sends come.
    const syncs: Stream[] = []
    await alice.host.unhandle(ROOM_SYNC_PROTOCOL)
    await alice.host.handle(ROOM_SYNC_PROTOCOL, (stream) => {
      syncs.push(stream)
    })
    const back = await network.start({ identity, dataDir, init: { requestTimeoutMs: 1_000 } })
    // The sync that the reconnection starts times out first.
    await waitUntil(
      [back, alice],
      () => syncs.length > 0 && syncs[0].status !== 'open',
      'the first sync gave up',
    )
    const sent = await Promise.all([
      back.rooms.send(roomId, 'first after the crash'),
      back.rooms.send(roomId, 'second after the crash'),
    ])
    const seqs = sent.map(
      (message) => back.rooms.heldEvents(roomId).find((e) => e.idHex === message.id)!.event.seq,
    )
    const taken = new Set(held.map((e) => e.event.seq))
    expect(new Set(seqs).size).toBe(2)
    for (const seq of seqs) expect(taken.has(seq)).toBe(false)
    await waitUntil(
      [back, alice],
      () => sent.every((message) => historyIds(alice, roomId).includes(message.id)),
      'both delivered',
    )
    expect(alice.rooms.rejectedBy(back.host.peerId.toString())).toBe(0)
  })
})
