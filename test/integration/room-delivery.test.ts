import { afterEach, describe, expect, it } from 'vitest'
import { historyIds, keysSettled, meshFormed, RoomNetwork, waitUntil } from './room-network.ts'

const network = new RoomNetwork()
afterEach(() => network.stopAll())

describe('room delivery', () => {
  it('20 members: every message reaches every member, in the same order', async () => {
    const owner = await network.start()
    const { roomId, invite } = await owner.rooms.create('twenty')
    const members = [owner]
    for (let i = 1; i < 20; i++) {
      const member = await network.start()
      await member.rooms.join(invite)
      members.push(member)
    }
    await waitUntil(members, () => keysSettled(members, roomId, 20), 'keys settled', 40_000)
    await waitUntil(members, () => meshFormed(members, roomId), 'mesh formed')

    await Promise.all(
      members.flatMap((member, i) => [
        member.rooms.send(roomId, `hello from ${i}`),
        member.rooms.send(roomId, `second from ${i}`),
      ]),
    )
    await waitUntil(
      members,
      () => members.every((m) => historyIds(m, roomId).length === 40),
      'all 40 messages everywhere',
    )
    const reference = historyIds(owner, roomId)
    for (const member of members) expect(historyIds(member, roomId)).toEqual(reference)
    const texts = owner.rooms.history(roomId).messages.map((m) => m.text)
    expect(new Set(texts).size).toBe(40)
    expect(texts).toContain('second from 19')
  })
})
