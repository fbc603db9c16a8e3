/**
 * The MOVE_KEY a node hands over when its account's key rotates (node/rooms/room-key-moves.ts),
 * with stubs around a real room log: it carries where each device enrolled for the old key
 * stopped writing, so none of them can write "in the past" of the move afterwards.
 */
import { describe, expect, it } from 'vitest'
import { RoomKeyMoves, type RoomKeyMovesComponents } from '../../node/rooms/room-key-moves.ts'
import type { RoomRuntime } from '../../node/rooms/room-runtime.ts'
import { recoveryCommitment, signKeyRotation } from '../../protocol/accounts/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import {
  buildMessage,
  buildOp,
  createRoom,
  RoomLog,
  RoomOpKind,
  SenderKeyChain,
  type SignedRoomEvent,
} from '../../protocol/rooms/index.ts'
import { backdatedMessage, deviceList } from '../helpers/room-fixtures.ts'
import { testLogger } from '../helpers/test-logger.ts'

describe('a key hand-over in a room', () => {
  it("ends the old key's devices with their cuts: a device's backdated event is void", async () => {
    const alice = generateEd25519KeyPair()
    const bob = generateEd25519KeyPair()
    const phone = generateEd25519KeyPair()
    const log = new RoomLog(createRoom(alice, 'Lunch', false).genesis)
    const add = (event: SignedRoomEvent) => {
      expect(log.ingest(event).status).toBe('added')
      return event
    }
    add(buildOp(bob, log, { kind: RoomOpKind.JOIN }))
    const enrol = add(
      buildOp(phone, log, { kind: RoomOpKind.DEVICES, deviceList: deviceList(bob, 2, [phone]) }),
    )
    const chain = SenderKeyChain.generate()
    const sent = add(buildMessage(phone, log, chain, 'from the phone'))

    const published: SignedRoomEvent[] = []
    const room = { log, meta: { joined: true }, outgoing: new Map() } as unknown as RoomRuntime
    const components = {
      selfHex: toHex(bob.publicKey),
      rooms: { all: () => [room] },
      persistence: { persistOwn: async () => {} },
      gossip: {
        publish: async (_room: RoomRuntime, event: SignedRoomEvent) => published.push(event),
      },
      keys: { drop: () => {}, rekey: () => {} },
      log: testLogger,
    } as unknown as RoomKeyMovesComponents
    const bob2 = generateEd25519KeyPair()
    const nextRecovery = recoveryCommitment(generateEd25519KeyPair().publicKey)
    const moved = await new RoomKeyMoves(components).handOver(bob2, {
      rotations: [signKeyRotation(bob, bob2, { sequence: 1, atMs: 1, nextRecovery })],
      recoveries: [],
      retired: [bob.publicKey],
      account: bob.publicKey,
    })
    expect(moved).toEqual([log.roomIdHex])
    expect(log.roleOf(toHex(bob2.publicKey))).toBe('member')
    expect(published[0]!.event.op!.deviceCuts).toEqual([
      { device: phone.publicKey, seq: sent.event.seq },
    ])

    // The phone's next message, linked only to its enrolment: it sorts before the move.
    const backdated = backdatedMessage(phone, log, chain, sent, enrol)
    add(backdated)
    expect(log.isValidMessage(sent)).toBe(true)
    expect(log.isValidMessage(backdated)).toBe(false)
  })
})
