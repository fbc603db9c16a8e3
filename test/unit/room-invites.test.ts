import { describe, expect, it } from 'vitest'
import { peerIdOf } from '../../node/identity/index.ts'
import { checkMayJoin, inviteCode, readJoinTicket } from '../../node/rooms/room-invites.ts'
import { RoomRegistry } from '../../node/rooms/room-registry.ts'
import { mayEnter } from '../../node/rooms/room-runtime.ts'
import { toHex } from '../../protocol/bytes.ts'
import { buildOp, decodeInvite, RoomOpKind } from '../../protocol/rooms/index.ts'
import { member, newRoom } from '../helpers/room-fixtures.ts'

/** Alice's invite-only room, bob added, as alice's node holds it. */
function setUp(inviteOnly = true) {
  const [alice, bob] = [member(), member()]
  const { genesis, log, inviteSeed } = newRoom(alice, inviteOnly)
  log.ingest(buildOp(alice.key, log, { kind: RoomOpKind.ADD, target: bob.key.publicKey }))
  const rooms = new RoomRegistry(alice.hex)
  const room = rooms.add(log, {
    roomId: genesis.idHex,
    joined: true,
    readLamport: 0,
    inviteSeed: inviteSeed == null ? undefined : Buffer.from(inviteSeed).toString('base64'),
  })
  return { alice, bob, genesis, rooms, room }
}

describe('room invites', () => {
  it('an owner’s invite to an invite-only room gives a joiner a proof good for it alone', () => {
    const { alice, room, genesis } = setUp()
    const code = inviteCode(room, alice.key.publicKey, alice.hex)
    expect(toHex(decodeInvite(code).inviter!)).toBe(alice.hex)
    const carol = member()
    const ticket = readJoinTicket(code, carol.key.publicKey)
    expect(ticket.roomIdHex).toBe(genesis.idHex)
    expect(mayEnter(room, carol.key.publicKey, ticket.proof!)).toBe(true)
    expect(mayEnter(room, member().key.publicKey, ticket.proof!)).toBe(false)
  })

  it('a plain member hands out no invite to an invite-only room; a room id carries no proof', () => {
    const { bob, room, genesis } = setUp()
    expect(() => inviteCode(room, bob.key.publicKey, bob.hex)).toThrow(
      expect.objectContaining({ name: 'RoomPermissionError' }),
    )
    const ticket = readJoinTicket(genesis.idHex, bob.key.publicKey)
    expect(ticket.proof).toBeUndefined()
    expect(ticket.inviter).toBeUndefined()
  })

  it('refuses to join an invite-only room without an invite, and a banned key at all', () => {
    const { alice, bob, room, genesis } = setUp()
    const carol = member()
    expect(() =>
      checkMayJoin(room, readJoinTicket(genesis.idHex, carol.key.publicKey), carol.hex),
    ).toThrow(expect.objectContaining({ name: 'InviteRequiredError' }))
    // A member already in needs no invite.
    checkMayJoin(room, readJoinTicket(genesis.idHex, bob.key.publicKey), bob.hex)
    room.log.ingest(
      buildOp(alice.key, room.log, {
        kind: RoomOpKind.REMOVE,
        target: bob.key.publicKey,
        cutSeq: 0,
      }),
    )
    const invite = readJoinTicket(
      inviteCode(room, alice.key.publicKey, alice.hex),
      bob.key.publicKey,
    )
    expect(() => checkMayJoin(room, invite, bob.hex)).toThrow(
      expect.objectContaining({ name: 'RoomPermissionError' }),
    )
  })
})

describe('naming members', () => {
  it('takes a member by hex key in any case or by peer id, and names the missing one', () => {
    const { bob, rooms, room } = setUp(false)
    expect(rooms.memberKey(room, bob.hex.toUpperCase())).toBe(bob.hex)
    expect(rooms.memberKey(room, peerIdOf({ publicKey: bob.key.publicKey }).toString())).toBe(
      bob.hex,
    )
    for (const name of [member().hex, 'not-a-peer']) {
      expect(() => rooms.memberKey(room, name)).toThrow(
        expect.objectContaining({ name: 'MemberNotFoundError' }),
      )
    }
  })
})
