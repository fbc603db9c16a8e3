import { describe, expect, it } from 'vitest'
import {
  recoveryCommitment,
  signKeyRecovery,
  signKeyRotation,
} from '../../protocol/accounts/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { type Ed25519KeyPair, generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import {
  buildMessage,
  buildOp,
  checkKeyMove,
  createRoom,
  InvalidKeyMoveError,
  RoomLog,
  RoomOpKind,
  resolveKeyMove,
  SenderKeyChain,
} from '../../protocol/rooms/index.ts'

const recovery = generateEd25519KeyPair()
const commitment = recoveryCommitment(recovery.publicKey)

function rotation(from: Ed25519KeyPair, to: Ed25519KeyPair, sequence = 1): Uint8Array {
  return signKeyRotation(from, to, { sequence, atMs: 1, nextRecovery: commitment })
}

/** The owner's recovery of `from`'s account onto `to`, signed with the recovery key. */
function recover(from: Ed25519KeyPair, to: Ed25519KeyPair, key = recovery): Uint8Array {
  return signKeyRecovery(key, to, {
    oldKey: from.publicKey,
    sequence: 1,
    atMs: 2,
    nextRecovery: recoveryCommitment(generateEd25519KeyPair().publicKey),
  })
}

/** A room owned by alice, with bob as a member. */
function aliceAndBob() {
  const alice = generateEd25519KeyPair()
  const bob = generateEd25519KeyPair()
  const log = new RoomLog(createRoom(alice, 'Lunch club', false).genesis)
  expect(log.ingest(buildOp(bob, log, { kind: RoomOpKind.JOIN })).status).toBe('added')
  return { alice, bob, log }
}

describe('MOVE_KEY', () => {
  it("moves the member's role (owner included) to the new key and bans the old one", () => {
    const { alice, bob, log } = aliceAndBob()
    const chain = SenderKeyChain.generate()
    const before = buildMessage(alice, log, chain, 'before the rotation')
    log.ingest(before)
    const since = log.membership().members.get(toHex(alice.publicKey))!.since
    const alice2 = generateEd25519KeyPair()
    const move = buildOp(alice2, log, {
      kind: RoomOpKind.MOVE_KEY,
      rotations: [rotation(alice, alice2)],
      cutSeq: log.lastSeqOf(toHex(alice.publicKey)),
    })
    const result = log.ingest(move)
    expect(result.status === 'added' && result.membershipChanged).toBe(true)
    const state = log.membership()
    expect(state.members.get(toHex(alice2.publicKey))).toMatchObject({ role: 'owner', since })
    expect(state.members.has(toHex(alice.publicKey))).toBe(false)
    expect(state.owner).toBe(toHex(alice2.publicKey))
    expect(state.banned.has(toHex(alice.publicKey))).toBe(true)
    // What the old key wrote before stays; what it writes after the move is void.
    expect(log.isValidMessage(before)).toBe(true)
    const after = buildMessage(alice, log, chain, 'from a copy of the old key')
    log.ingest(after)
    expect(log.isValidMessage(after)).toBe(false)
    // The old key cannot come back into the open room by joining.
    const rejoin = buildOp(alice, log, { kind: RoomOpKind.JOIN })
    log.ingest(rejoin)
    expect(log.isEffectiveOp(rejoin.idHex)).toBe(false)
    expect(log.membership().members.has(toHex(bob.publicKey))).toBe(true)
  })

  it("follows a chain of rotations, whichever of the account's keys is the member", () => {
    const { alice, log } = aliceAndBob()
    const alice2 = generateEd25519KeyPair()
    const alice3 = generateEd25519KeyPair()
    const move = buildOp(alice3, log, {
      kind: RoomOpKind.MOVE_KEY,
      rotations: [rotation(alice2, alice3, 2), rotation(alice, alice2)],
    })
    expect(resolveKeyMove(alice3.publicKey, move.event.op!)?.retired).toEqual([
      toHex(alice2.publicKey),
      toHex(alice.publicKey),
    ])
    log.ingest(move)
    expect(log.roleOf(toHex(alice3.publicKey))).toBe('owner')
  })

  it('refuses statements that do not end at the author, and moves nobody who is no member', () => {
    const { alice, log } = aliceAndBob()
    const alice2 = generateEd25519KeyPair()
    const mallory = generateEd25519KeyPair()
    const stolen = buildOp(mallory, log, {
      kind: RoomOpKind.MOVE_KEY,
      rotations: [rotation(alice, alice2)],
    })
    expect(log.ingest(stolen)).toMatchObject({ status: 'refused' })
    expect(() => checkKeyMove(mallory.publicKey, stolen.event.op!)).toThrow(InvalidKeyMoveError)
    const tampered = rotation(alice, alice2)
    tampered[tampered.length - 1] ^= 1
    const forged = buildOp(alice2, log, { kind: RoomOpKind.MOVE_KEY, rotations: [tampered] })
    expect(log.ingest(forged)).toMatchObject({ status: 'refused' })
    // A valid account that was never in the room: the op stays in the log and does nothing.
    const carol = generateEd25519KeyPair()
    const carol2 = generateEd25519KeyPair()
    const stranger = buildOp(carol2, log, {
      kind: RoomOpKind.MOVE_KEY,
      rotations: [rotation(carol, carol2)],
    })
    expect(log.ingest(stranger)).toMatchObject({ status: 'added', membershipChanged: false })
    expect(log.membership().members.has(toHex(carol2.publicKey))).toBe(false)
  })

  it("a recovery anchored by the first key's rotation undoes a thief's move", () => {
    const { alice, log } = aliceAndBob()
    const thief = generateEd25519KeyPair()
    const theft = rotation(alice, thief)
    log.ingest(buildOp(thief, log, { kind: RoomOpKind.MOVE_KEY, rotations: [theft] }))
    expect(log.roleOf(toHex(thief.publicKey))).toBe('owner')
    const recovered = generateEd25519KeyPair()
    const next = recoveryCommitment(generateEd25519KeyPair().publicKey)
    const recoveryStatement = signKeyRecovery(recovery, recovered, {
      oldKey: alice.publicKey,
      sequence: 1,
      atMs: 2,
      nextRecovery: next,
    })
    const move = buildOp(recovered, log, {
      kind: RoomOpKind.MOVE_KEY,
      rotations: [theft],
      recoveries: [recoveryStatement],
    })
    log.ingest(move)
    expect(log.roleOf(toHex(recovered.publicKey))).toBe('owner')
    expect(log.roleOf(toHex(thief.publicKey))).toBeUndefined()
    expect(log.membership().banned.has(toHex(thief.publicKey))).toBe(true)
    // A recovery alone, by someone else's key, takes nobody's place.
    const alone = buildOp(generateEd25519KeyPair(), log, {
      kind: RoomOpKind.MOVE_KEY,
      recoveries: [recoveryStatement],
    })
    expect(log.ingest(alone)).toMatchObject({ status: 'refused' })
  })

  it('a recovery without any rotation moves a member whose JOIN pinned its commitment', () => {
    const alice = generateEd25519KeyPair()
    const bob = generateEd25519KeyPair()
    const log = new RoomLog(createRoom(alice, 'Lunch club', false).genesis)
    log.ingest(buildOp(bob, log, { kind: RoomOpKind.JOIN, recoveryCommitment: commitment }))
    const bob2 = generateEd25519KeyPair()
    const move = buildOp(bob2, log, {
      kind: RoomOpKind.MOVE_KEY,
      recoveries: [recover(bob, bob2)],
    })
    expect(log.ingest(move)).toMatchObject({ status: 'added', membershipChanged: true })
    expect(log.roleOf(toHex(bob2.publicKey))).toBe('member')
    expect(log.membership().banned.has(toHex(bob.publicKey))).toBe(true)
    // Someone else's recovery key, naming bob2's key: the pinned commitment refuses it.
    const carol = generateEd25519KeyPair()
    const impostor = generateEd25519KeyPair()
    const forged = signKeyRecovery(generateEd25519KeyPair(), impostor, {
      oldKey: bob.publicKey,
      sequence: 1,
      atMs: 3,
      nextRecovery: recoveryCommitment(carol.publicKey),
    })
    const taken = buildOp(impostor, log, { kind: RoomOpKind.MOVE_KEY, recoveries: [forged] })
    expect(log.ingest(taken)).toMatchObject({ status: 'added', membershipChanged: false })
    expect(log.roleOf(toHex(bob2.publicKey))).toBe('member')
  })

  it("the owner's recovery takes back what a thief moved, even without the thief's rotation", () => {
    const alice = generateEd25519KeyPair()
    const log = new RoomLog(createRoom(alice, 'Lunch club', false, commitment).genesis)
    const thief = generateEd25519KeyPair()
    log.ingest(
      buildOp(thief, log, { kind: RoomOpKind.MOVE_KEY, rotations: [rotation(alice, thief)] }),
    )
    expect(log.roleOf(toHex(thief.publicKey))).toBe('owner')
    // A thief who rotates with a commitment of its own, and recovers with its own key: no place.
    const thief2 = generateEd25519KeyPair()
    const own = generateEd25519KeyPair()
    const ownCommitment = recoveryCommitment(own.publicKey)
    const faked = buildOp(thief2, log, {
      kind: RoomOpKind.MOVE_KEY,
      rotations: [
        signKeyRotation(alice, generateEd25519KeyPair(), {
          sequence: 1,
          atMs: 1,
          nextRecovery: ownCommitment,
        }),
      ],
      recoveries: [recover(alice, thief2, own)],
    })
    expect(log.ingest(faked)).toMatchObject({ status: 'added', membershipChanged: false })
    const recovered = generateEd25519KeyPair()
    const move = buildOp(recovered, log, {
      kind: RoomOpKind.MOVE_KEY,
      recoveries: [recover(alice, recovered)],
    })
    expect(log.ingest(move)).toMatchObject({ status: 'added', membershipChanged: true })
    expect(log.roleOf(toHex(recovered.publicKey))).toBe('owner')
    expect(log.membership().owner).toBe(toHex(recovered.publicKey))
    expect(log.membership().banned.has(toHex(thief.publicKey))).toBe(true)
    // The thief's next rotation, from the key the recovery retired, moves nothing.
    const thief3 = generateEd25519KeyPair()
    const again = buildOp(thief3, log, {
      kind: RoomOpKind.MOVE_KEY,
      rotations: [rotation(alice, thief), rotation(thief, thief3, 2)],
    })
    expect(log.ingest(again)).toMatchObject({ status: 'added', membershipChanged: false })
    expect(log.roleOf(toHex(recovered.publicKey))).toBe('owner')
  })

  it('only MOVE_KEY carries key statements, and it carries at least one', () => {
    const { alice, log } = aliceAndBob()
    const alice2 = generateEd25519KeyPair()
    expect(() => buildOp(alice2, log, { kind: RoomOpKind.MOVE_KEY })).toThrow(/key statements/)
    expect(() =>
      buildOp(alice, log, { kind: RoomOpKind.LEAVE, rotations: [rotation(alice, alice2)] }),
    ).toThrow(/key statements/)
  })
})
