import { afterEach, describe, expect, it } from 'vitest'
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
})
