import { afterEach, describe, expect, it } from 'vitest'
import { keysSettled, meshFormed, RoomNetwork, type RoomPeer, waitUntil } from './room-network.ts'

const network = new RoomNetwork()
afterEach(() => network.stopAll())

function roster(peer: RoomPeer, roomId: string): string {
  return peer.rooms
    .members(roomId)
    .members.map((m) => `${m.publicKey}:${m.role}`)
    .join(',')
}

function eventIds(peer: RoomPeer, roomId: string): string {
  return peer.rooms
    .heldEvents(roomId)
    .map((e) => e.idHex)
    .join(',')
}

describe('room admins', () => {
  it('concurrent membership changes by two admins and the owner converge everywhere', async () => {
    const owner = await network.start()
    const { roomId, invite } = await owner.rooms.create('admins', { inviteOnly: true })
    const joiners: RoomPeer[] = []
    // One at a time: each new peer learns the addresses of those already started.
    for (let i = 0; i < 5; i++) joiners.push(await network.start())
    const [adminA, adminB, m1, m2, m3] = joiners
    for (const member of [adminA, adminB, m1, m2, m3]) await member.rooms.join(invite)
    const everyone = [owner, adminA, adminB, m1, m2, m3]
    await waitUntil(everyone, () => keysSettled(everyone, roomId, 6), 'keys settled')
    for (const admin of [adminA, adminB]) await owner.rooms.setRole(roomId, admin.keyHex, 'admin')
    await waitUntil(
      everyone,
      () =>
        everyone.every(
          (p) => p.rooms.members(roomId).members.filter((m) => m.role === 'admin').length === 2,
        ),
      'two admins everywhere',
    )
    await waitUntil(everyone, () => meshFormed(everyone, roomId, 2), 'mesh formed')

    // At once: each admin removes a member, and the owner demotes one of the admins.
    await Promise.all([
      adminA.rooms.remove(roomId, m1.keyHex),
      adminB.rooms.remove(roomId, m2.keyHex),
      owner.rooms.setRole(roomId, adminB.keyHex, 'member'),
    ])
    const stayers = [owner, adminA, adminB, m3]
    await waitUntil(
      everyone,
      () =>
        stayers.every(
          (p) =>
            eventIds(p, roomId) === eventIds(owner, roomId) &&
            roster(p, roomId) === roster(owner, roomId),
        ),
      'every remaining member holds the same ops and the same list',
    )
    const members = owner.rooms.members(roomId).members
    expect(members.map((m) => m.publicKey)).not.toContain(m1.keyHex)
    expect(members.find((m) => m.publicKey === adminB.keyHex)?.role).toBe('member')
    // adminB's removal of m2 counts only if it comes before the demotion in the total order;
    // either way every member agrees, and m2 agrees with them once it holds the same ops.
    const m2Kept = members.some((m) => m.publicKey === m2.keyHex)
    expect(members).toHaveLength(m2Kept ? 5 : 4)
    await waitUntil(
      everyone,
      () => roster(m1, roomId) === roster(owner, roomId) || m1.rooms.listRooms()[0].role === null,
      'm1 sees its removal',
    )
    expect(m1.rooms.listRooms()[0].role).toBeNull()
  })
})
