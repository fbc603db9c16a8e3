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
})
