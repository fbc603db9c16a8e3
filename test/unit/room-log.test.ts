import { describe, expect, it } from 'vitest'
import { toHex } from '../../protocol/bytes.ts'
import { ed25519KeyPairFromSeed, generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import {
  buildMessage,
  buildOp,
  createRoom,
  decodeInvite,
  decodeSyncFrame,
  decodeSyncRequest,
  decryptMessage,
  encodeInvite,
  encodeSyncFrame,
  encodeSyncRequest,
  headsFromWire,
  headsToWire,
  makeInviteProof,
  openKeyBundle,
  openRoomEvent,
  ReceivedSenderKey,
  RoomLog,
  RoomOpKind,
  SenderKeyChain,
  sealKeyBundle,
} from '../../protocol/rooms/index.ts'

function room(inviteOnly = false) {
  const owner = generateEd25519KeyPair()
  const created = createRoom(owner, 'Lunch club', inviteOnly)
  return { owner, ...created, log: new RoomLog(created.genesis) }
}

describe('room events', () => {
  it('the room id is the hash of the signed CREATE event, and events round-trip', () => {
    const { genesis, owner } = room()
    expect(genesis.idHex).toMatch(/^[0-9a-f]{64}$/)
    const reopened = openRoomEvent(genesis.bytes)
    expect(reopened.idHex).toBe(genesis.idHex)
    expect(reopened.authorHex).toBe(toHex(owner.publicKey))
    const tampered = Uint8Array.from(genesis.bytes)
    tampered[10] ^= 1
    expect(() => openRoomEvent(tampered)).toThrow()
  })

  it('encrypts a message that only a holder of the sender key reads', () => {
    const { owner, log } = room()
    const chain = SenderKeyChain.generate()
    const receiver = new ReceivedSenderKey(chain.state())
    const event = buildMessage(owner, log, chain, 'hello room')
    expect(Buffer.from(event.bytes).includes(Buffer.from('hello room'))).toBe(false)
    expect(decryptMessage(event, receiver)).toEqual({ text: 'hello room' })
    const stranger = new ReceivedSenderKey(SenderKeyChain.generate().state())
    expect(() => decryptMessage(event, stranger)).toThrow(
      expect.objectContaining({ name: 'DecryptionError' }),
    )
  })
})

describe('room log order', () => {
  it('orders by lamport, then author, then id, and links what each author had seen', () => {
    const { owner, log, genesis } = room()
    const bob = generateEd25519KeyPair()
    const carol = generateEd25519KeyPair()
    for (const key of [bob, carol]) {
      log.ingest(buildOp(owner, log, { kind: RoomOpKind.ADD, target: key.publicKey }))
    }
    const bobView = new RoomLog(genesis)
    const carolView = new RoomLog(genesis)
    for (const e of log.ordered()) {
      bobView.ingest(e)
      carolView.ingest(e)
    }
    const chain = SenderKeyChain.generate()
    // Concurrent: same lamport, order falls to the author key.
    const fromBob = buildMessage(bob, bobView, chain, 'b')
    const fromCarol = buildMessage(carol, carolView, chain, 'c')
    expect(fromBob.event.lamport).toBe(fromCarol.event.lamport)
    const reply = (() => {
      bobView.ingest(fromBob)
      bobView.ingest(fromCarol)
      return buildMessage(bob, bobView, chain, 'reply')
    })()
    const latestOp = log.ordered().at(-1)!
    // The latest op is always linked, beside the tips the author had seen.
    expect(reply.event.deps.map(toHex).sort()).toEqual(
      [fromBob.idHex, fromCarol.idHex, latestOp.idHex].sort(),
    )
    for (const order of [
      [reply, fromCarol, fromBob],
      [fromBob, reply, fromCarol],
    ]) {
      const view = new RoomLog(genesis)
      for (const e of log.ordered()) view.ingest(e)
      for (const e of order) view.ingest(e)
      const shown = view.ordered().slice(-3)
      const [first, second] = [fromBob, fromCarol].sort((a, b) =>
        Buffer.compare(a.event.author, b.event.author),
      )
      expect(shown.map((e) => e.idHex)).toEqual([first.idHex, second.idHex, reply.idHex])
      expect(view.heldCount()).toBe(0)
    }
  })

  it('holds an event until everything it links is here', () => {
    const { owner, log, genesis } = room()
    const chain = SenderKeyChain.generate()
    const first = buildMessage(owner, log, chain, '1')
    log.ingest(first)
    const second = buildMessage(owner, log, chain, '2')
    const view = new RoomLog(genesis)
    view.ingest(second)
    expect(view.isReady(second.idHex)).toBe(false)
    expect(view.heldCount()).toBe(1)
    view.ingest(first)
    expect(view.isReady(second.idHex)).toBe(true)
    expect(view.heldCount()).toBe(0)
  })

  it('refuses a second seq from one author, another room, and a join without invite', () => {
    const { owner, log, genesis } = room(true)
    const chain = SenderKeyChain.generate()
    const a = buildMessage(owner, log, chain, 'a')
    const b = buildMessage(owner, log, chain, 'b')
    expect(log.ingest(a).status).toBe('added')
    expect(log.ingest(a).status).toBe('duplicate')
    expect(log.ingest(b).status).toBe('conflict')
    const other = room()
    expect(log.ingest(buildMessage(other.owner, other.log, chain, 'x')).status).toBe('refused')
    const joiner = generateEd25519KeyPair()
    expect(log.ingest(buildOp(joiner, log, { kind: RoomOpKind.JOIN })).status).toBe('refused')
    expect(genesis.event.op?.inviteOnly).toBe(true)
  })

  it('admits a joiner with an invite proof; an outsider stays an outsider', () => {
    const { log, inviteSeed, genesis } = room(true)
    const invite = ed25519KeyPairFromSeed(inviteSeed!)
    const joiner = generateEd25519KeyPair()
    const join = buildOp(joiner, log, {
      kind: RoomOpKind.JOIN,
      inviteProof: makeInviteProof(invite, genesis.id, joiner.publicKey),
    })
    expect(log.ingest(join).status).toBe('added')
    expect(log.roleOf(toHex(joiner.publicKey))).toBe('member')
    const outsider = generateEd25519KeyPair()
    const forged = buildMessage(outsider, log, SenderKeyChain.generate(), 'spam')
    expect(log.authorStanding(forged)).toBe('outsider')
    log.ingest(forged)
    expect(log.isValidMessage(forged)).toBe(false)
  })

  it("serves the events beyond a peer's heads, first in order", () => {
    const { owner, log, genesis } = room()
    const chain = SenderKeyChain.generate()
    for (let i = 0; i < 5; i++) log.ingest(buildMessage(owner, log, chain, `${i}`))
    const view = new RoomLog(genesis)
    for (const e of log.ordered().slice(0, 3)) view.ingest(e)
    const heads = headsFromWire(headsToWire(view.heads()))
    expect(log.lacksAnyOf(heads)).toBe(false)
    expect(view.lacksAnyOf(headsFromWire(headsToWire(log.heads())))).toBe(true)
    const missing = log.eventsAfter(heads, 2)
    expect(missing.map((e) => e.event.seq)).toEqual([4, 5])
    expect(log.eventsAfter(heads, 10).map((e) => e.event.seq)).toEqual([4, 5, 6])
  })
})

describe('room wire formats', () => {
  it('invite codes round-trip and refuse damage', () => {
    const { genesis, inviteSeed, owner } = room(true)
    const code = encodeInvite({ roomId: genesis.id, secret: inviteSeed, inviter: owner.publicKey })
    expect(code).toMatch(/^[A-Za-z0-9_-]+$/)
    const back = decodeInvite(code)
    expect(toHex(back.roomId)).toBe(genesis.idHex)
    expect(toHex(back.secret!)).toBe(toHex(inviteSeed!))
    expect(toHex(back.inviter!)).toBe(toHex(owner.publicKey))
    expect(decodeInvite(encodeInvite({ roomId: genesis.id })).secret).toBeUndefined()
    expect(() => decodeInvite(code.slice(0, -4))).toThrow(
      expect.objectContaining({ name: 'InvalidInviteError' }),
    )
    expect(() => decodeInvite('not an invite!')).toThrow(
      expect.objectContaining({ name: 'InvalidInviteError' }),
    )
  })

  it('a key bundle opens only for its recipient, signed by its sender', () => {
    const sender = generateEd25519KeyPair()
    const recipient = generateEd25519KeyPair()
    const other = generateEd25519KeyPair()
    const senderKey = SenderKeyChain.generate().state()
    const roomId = new Uint8Array(32).fill(7)
    const sealed = sealKeyBundle(sender, { roomId, recipient: recipient.publicKey, senderKey })
    const opened = openKeyBundle(recipient, sealed)
    expect(toHex(opened.sender)).toBe(toHex(sender.publicKey))
    expect(toHex(opened.senderKey.chainKey)).toBe(toHex(senderKey.chainKey))
    expect(() => openKeyBundle(other, sealed)).toThrow(
      expect.objectContaining({ name: 'DecryptionError' }),
    )
    const flipped = Uint8Array.from(sealed)
    flipped[flipped.length - 1] ^= 1
    expect(() => openKeyBundle(recipient, flipped)).toThrow()
  })

  it('sync frames round-trip and cap the limit', () => {
    const roomId = new Uint8Array(32).fill(1)
    const author = new Uint8Array(32).fill(2)
    const request = decodeSyncRequest(
      encodeSyncRequest({ roomId, heads: [{ author, seq: 4 }], limit: 1_000_000 }),
    )
    expect(request.limit).toBe(500)
    expect(headsFromWire(request.heads).get(toHex(author))).toBe(4)
    const frame = decodeSyncFrame(encodeSyncFrame({ done: true, complete: true }))
    expect(frame.done).toBe(true)
    expect(() => decodeSyncRequest(encodeSyncRequest({ roomId: new Uint8Array(3) }))).toThrow(
      expect.objectContaining({ name: 'MalformedMessageError' }),
    )
  })
})
