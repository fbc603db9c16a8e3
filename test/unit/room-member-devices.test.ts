import { describe, expect, it } from 'vitest'
import { recoveryCommitment, signKeyRecovery } from '../../protocol/accounts/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { type Ed25519KeyPair, generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import {
  buildMessage,
  buildOp,
  createRoom,
  deviceCutsFor,
  openRoomEvent,
  RoomLog,
  RoomOpKind,
  SenderKeyChain,
  type SignedRoomEvent,
} from '../../protocol/rooms/index.ts'
import { backdatedMessage, deviceList } from '../helpers/room-fixtures.ts'

function setUp() {
  const alice = generateEd25519KeyPair()
  const bob = generateEd25519KeyPair()
  const phone = generateEd25519KeyPair()
  const log = new RoomLog(createRoom(alice, 'Lunch', false).genesis)
  const add = (event: SignedRoomEvent) => {
    const result = log.ingest(event)
    expect(result.status).toBe('added')
    return event
  }
  add(buildOp(bob, log, { kind: RoomOpKind.JOIN }))
  return { alice, bob, phone, log, add }
}

/** A new key for `bob`'s account and the statement of its recovery with `recovery`. */
function recoveredKey(recovery: Ed25519KeyPair, bob: Ed25519KeyPair) {
  const bob2 = generateEd25519KeyPair()
  const statement = signKeyRecovery(recovery, bob2, {
    oldKey: bob.publicKey,
    sequence: 1,
    atMs: 2,
    nextRecovery: recoveryCommitment(generateEd25519KeyPair().publicKey),
  })
  return { bob2, statement }
}

describe('a member on several devices', () => {
  it("a device enrolled by its own DEVICES op writes as its account; before that it is a stranger's", () => {
    const { alice, bob, phone, log, add } = setUp()
    const early = buildMessage(phone, log, SenderKeyChain.generate(), 'too early')
    expect(log.authorStanding(early)).toBe('outsider')
    // The account posts its list: the phone is listed (known) but not enrolled.
    add(
      buildOp(alice, log, { kind: RoomOpKind.DEVICES, deviceList: deviceList(alice, 2, [phone]) }),
    )
    expect(log.memberOf(toHex(phone.publicKey))).toBeUndefined()
    expect(log.authorStanding(buildMessage(phone, log, SenderKeyChain.generate(), 'x'))).toBe(
      'stranger',
    )
    // The phone enrols itself with the same list version.
    add(
      buildOp(phone, log, { kind: RoomOpKind.DEVICES, deviceList: deviceList(alice, 2, [phone]) }),
    )
    expect(log.memberOf(toHex(phone.publicKey))).toBe(toHex(alice.publicKey))
    expect(log.roleOf(toHex(phone.publicKey))).toBe('owner')
    const message = add(buildMessage(phone, log, SenderKeyChain.generate(), 'from the phone'))
    expect(log.authorStanding(message)).toBe('member')
    expect(log.isValidMessage(message)).toBe(true)
    expect(log.memberOf(toHex(bob.publicKey))).toBe(toHex(bob.publicKey))
  })

  it("a member cannot claim another account's device, nor a device post a list not naming it", () => {
    const { alice, bob, phone, log, add } = setUp()
    // Bob lists alice's phone in his own list: the phone never enrolled for bob.
    add(buildOp(bob, log, { kind: RoomOpKind.DEVICES, deviceList: deviceList(bob, 2, [phone]) }))
    expect(log.memberOf(toHex(phone.publicKey))).toBeUndefined()
    const stray = generateEd25519KeyPair()
    const refused = log.ingest(
      buildOp(stray, log, { kind: RoomOpKind.DEVICES, deviceList: deviceList(alice, 3, [phone]) }),
    )
    expect(refused).toMatchObject({ status: 'refused' })
    expect(
      log.ingest(
        buildOp(phone, log, { kind: RoomOpKind.DEVICES, deviceList: new Uint8Array([1, 2, 3]) }),
      ),
    ).toMatchObject({ status: 'refused' })
  })

  it('a newer list without the device revokes it from that op on; an older one changes nothing', () => {
    const { alice, phone, log, add } = setUp()
    add(
      buildOp(phone, log, { kind: RoomOpKind.DEVICES, deviceList: deviceList(alice, 2, [phone]) }),
    )
    const chain = SenderKeyChain.generate()
    const before = add(buildMessage(phone, log, chain, 'before'))
    const revoke = add(
      buildOp(alice, log, { kind: RoomOpKind.DEVICES, deviceList: deviceList(alice, 3, []) }),
    )
    expect(revoke.event.op?.kind).toBe(RoomOpKind.DEVICES)
    expect(log.memberOf(toHex(phone.publicKey))).toBeUndefined()
    const after = add(buildMessage(phone, log, chain, 'after'))
    expect(log.isValidMessage(before)).toBe(true)
    expect(log.isValidMessage(after)).toBe(false)
    // Replaying the old list (the phone still holds it) enrols nothing.
    const replay = add(
      buildOp(phone, log, { kind: RoomOpKind.DEVICES, deviceList: deviceList(alice, 2, [phone]) }),
    )
    expect(log.isEffectiveOp(replay.idHex)).toBe(false)
    expect(log.memberOf(toHex(phone.publicKey))).toBeUndefined()
  })

  describe('a device an op ends cannot write in the past', () => {
    /** Bob's phone enrolled with one message; `backdated` builds its next event placed before later ops. */
    function phoneWithHistory() {
      const { alice, bob, phone, log, add } = setUp()
      const enrol = add(
        buildOp(phone, log, { kind: RoomOpKind.DEVICES, deviceList: deviceList(bob, 2, [phone]) }),
      )
      const chain = SenderKeyChain.generate()
      const sent = add(buildMessage(phone, log, chain, 'before'))
      // Its next message, linked only to its enrolment: it sorts before what came after that.
      const backdated = () => backdatedMessage(phone, log, chain, sent, enrol)
      const phoneCuts = () =>
        deviceCutsFor(log.membership(), toHex(bob.publicKey), (key) => log.lastSeqOf(key))
      return { alice, bob, phone, log, add, sent, backdated, phoneCuts }
    }

    it('revoked by a newer list with its cut: its later events placed before are void', () => {
      const { bob, phone, log, add, sent, backdated, phoneCuts } = phoneWithHistory()
      const cuts = phoneCuts()
      expect(cuts).toEqual([{ device: phone.publicKey, seq: sent.event.seq }])
      add(
        buildOp(bob, log, {
          kind: RoomOpKind.DEVICES,
          deviceList: deviceList(bob, 3, []),
          deviceCuts: cuts,
        }),
      )
      const late = add(backdated())
      expect(log.isValidMessage(sent)).toBe(true)
      expect(log.isValidMessage(late)).toBe(false)
    })

    type Phone = ReturnType<typeof phoneWithHistory>
    type Cuts = ReturnType<Phone['phoneCuts']>
    /** Ops that end bob's phone with its account; an older node's carry no device cuts. */
    const endings: Record<string, (phone: Phone, deviceCuts: Cuts) => void> = {
      'removed with its account': ({ alice, bob, log, add }, deviceCuts) => {
        const cutSeq = log.lastSeqOf(toHex(bob.publicKey))
        add(
          buildOp(alice, log, {
            kind: RoomOpKind.REMOVE,
            target: bob.publicKey,
            cutSeq,
            deviceCuts,
          }),
        )
      },
      "its account's key moved": ({ bob, phone, log, add }, deviceCuts) => {
        // Bob's list pins his recovery commitment; his recovery moves him to a new key.
        const recovery = generateEd25519KeyPair()
        const commitment = recoveryCommitment(recovery.publicKey)
        const list = deviceList(bob, 3, [phone], commitment)
        add(buildOp(bob, log, { kind: RoomOpKind.DEVICES, deviceList: list }))
        const { bob2, statement } = recoveredKey(recovery, bob)
        const cutSeq = log.lastSeqOf(toHex(bob.publicKey))
        add(
          buildOp(bob2, log, {
            kind: RoomOpKind.MOVE_KEY,
            recoveries: [statement],
            cutSeq,
            deviceCuts,
          }),
        )
        expect(log.roleOf(toHex(bob2.publicKey))).toBe('member')
      },
    }

    it.each([
      ['removed with its account', true, false],
      ['removed with its account', false, true],
      ["its account's key moved", true, false],
      ["its account's key moved", false, true],
    ])('%s (device cuts: %s): the backdated event is valid: %s', (ending, cut, valid) => {
      const phone = phoneWithHistory()
      endings[ending]!(phone, cut ? phone.phoneCuts() : [])
      expect(phone.log.isValidMessage(phone.add(phone.backdated()))).toBe(valid)
    })

    it('an op that leaves the device writing cannot cut it', () => {
      const { alice, log, add, backdated, phoneCuts } = phoneWithHistory()
      const carol = generateEd25519KeyPair()
      add(buildOp(carol, log, { kind: RoomOpKind.JOIN }))
      // Alice removes carol, naming bob's phone with a cut of 0.
      add(
        buildOp(alice, log, {
          kind: RoomOpKind.REMOVE,
          target: carol.publicKey,
          deviceCuts: phoneCuts().map((cut) => ({ ...cut, seq: 0 })),
        }),
      )
      expect(log.isValidMessage(add(backdated()))).toBe(true)
    })

    it('device cuts ride only on REMOVE, LEAVE, DEVICES and MOVE_KEY', () => {
      const { bob, log, phoneCuts } = phoneWithHistory()
      expect(() =>
        openRoomEvent(
          buildOp(bob, log, { kind: RoomOpKind.RENAME, name: 'x', deviceCuts: phoneCuts() }).bytes,
        ),
      ).toThrow(/device cuts/)
    })
  })

  it('a linked device joins for its account: the account is the member, the device enrolled', () => {
    const { alice, log, add } = setUp()
    const carol = generateEd25519KeyPair()
    const carolPhone = generateEd25519KeyPair()
    add(
      buildOp(carolPhone, log, {
        kind: RoomOpKind.JOIN,
        deviceList: deviceList(carol, 2, [carolPhone]),
      }),
    )
    const state = log.membership()
    expect(state.members.get(toHex(carol.publicKey))?.role).toBe('member')
    expect(state.members.has(toHex(carolPhone.publicKey))).toBe(false)
    expect(log.memberOf(toHex(carolPhone.publicKey))).toBe(toHex(carol.publicKey))
    // A list that does not name the joining device is refused.
    const stray = generateEd25519KeyPair()
    expect(
      log.ingest(
        buildOp(stray, log, { kind: RoomOpKind.JOIN, deviceList: deviceList(alice, 2, []) }),
      ),
    ).toMatchObject({ status: 'refused' })
  })

  it('the same events in another order give the same devices', () => {
    const { alice, phone, log, add } = setUp()
    const events = [
      add(
        buildOp(phone, log, {
          kind: RoomOpKind.DEVICES,
          deviceList: deviceList(alice, 2, [phone]),
        }),
      ),
      add(buildOp(alice, log, { kind: RoomOpKind.DEVICES, deviceList: deviceList(alice, 3, []) })),
    ]
    const other = new RoomLog(log.genesis)
    for (const event of [...log.ordered()].filter((e) => e !== log.genesis).reverse()) {
      other.ingest(event)
    }
    expect(events).toHaveLength(2)
    expect([...other.membership().devices]).toEqual([...log.membership().devices])
    expect(other.membership().deviceLists.get(toHex(alice.publicKey))?.version).toBe(3)
  })

  it("pins a member's recovery commitment from its first DEVICES op, when its JOIN carried none", () => {
    const alice = generateEd25519KeyPair()
    const bob = generateEd25519KeyPair()
    const log = new RoomLog(createRoom(alice, 'Lunch club', false).genesis)
    log.ingest(buildOp(bob, log, { kind: RoomOpKind.JOIN }))
    const recovery = generateEd25519KeyPair()
    const commitment = recoveryCommitment(recovery.publicKey)
    const list = deviceList(bob, 2, [], commitment)
    log.ingest(buildOp(bob, log, { kind: RoomOpKind.DEVICES, deviceList: list }))
    expect(log.membership().members.get(toHex(bob.publicKey))?.account?.commitment).toBe(
      toHex(commitment),
    )
    // A later list naming another commitment (a thief holding bob's key) changes nothing.
    const thiefs = recoveryCommitment(generateEd25519KeyPair().publicKey)
    log.ingest(
      buildOp(bob, log, { kind: RoomOpKind.DEVICES, deviceList: deviceList(bob, 3, [], thiefs) }),
    )
    expect(log.membership().members.get(toHex(bob.publicKey))?.account?.commitment).toBe(
      toHex(commitment),
    )
    // So bob's recovery with the phrase, with no rotation before it, keeps him a member.
    const { bob2, statement } = recoveredKey(recovery, bob)
    const move = buildOp(bob2, log, { kind: RoomOpKind.MOVE_KEY, recoveries: [statement] })
    expect(log.ingest(move)).toMatchObject({ status: 'added', membershipChanged: true })
    expect(log.roleOf(toHex(bob2.publicKey))).toBe('member')
  })
})
