import { afterEach, describe, expect, it } from 'vitest'
import { historyIds, keysSettled, meshFormed, RoomNetwork, waitUntil } from './room-network.ts'

const network = new RoomNetwork()
afterEach(() => network.stopAll())

describe('room delivery', () => {
  it('20 members: every message reaches every member, in the same order', async () => {
    const members = [await network.start()]
    for (let i = 1; i < 20; i++) members.push(await network.start())
    const [owner, ...joiners] = members
    const { roomId, invite } = await owner.rooms.create('twenty')
    // One after another, as people do; each join sets off key deliveries to and from it.
    for (const member of joiners) await member.rooms.join(invite)
    await waitUntil(members, () => keysSettled(members, roomId, 20), 'keys settled', 35_000)
    await waitUntil(members, () => meshFormed(members, roomId), 'mesh formed')

    await Promise.all(
      members.flatMap((member, i) => [
        member.rooms.send(roomId, `hello from ${i}`),
        member.rooms.send(roomId, `second from ${i}`),
      ]),
    )
    await waitUntil(
      members,
      () => members.every((m) => m.received.length === 40),
      'all 40 messages everywhere',
    )
    const reference = historyIds(owner, roomId)
    for (const member of members) expect(historyIds(member, roomId)).toEqual(reference)
    const texts = owner.rooms.history(roomId).messages.map((m) => m.text)
    expect(new Set(texts).size).toBe(40)
    expect(texts).toContain('second from 19')
    // About 15 s on an idle 2-core machine; the margin is for a loaded one.
  }, 90_000)
})
