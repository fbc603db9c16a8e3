/**
 * The membership CRDT converges: replicas that make concurrent ops on partial views end with
 * the same members, roles, name, order and valid messages once they hold the same events,
 * whatever order those events arrive in. Seeded, so a failure replays exactly.
 */
import { describe, expect, it } from 'vitest'
import { toHex } from '../../protocol/bytes.ts'
import { type Ed25519KeyPair, generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import {
  buildMessage,
  buildOp,
  createRoom,
  RoomLog,
  type RoomLog as RoomLogType,
  RoomOpKind,
  SenderKeyChain,
  type SignedRoomEvent,
} from '../../protocol/rooms/index.ts'
import { seededRandom } from '../../sim/random.ts'

interface Actor {
  key: Ed25519KeyPair
  hex: string
  log: RoomLogType
  chain: SenderKeyChain
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

function summary(log: RoomLogType) {
  const state = log.membership()
  return {
    name: state.name,
    owner: state.owner,
    members: [...state.members].map(([key, m]) => `${key}:${m.role}`).sort(),
    order: log.ordered().map((e) => e.idHex),
    valid: log
      .ordered()
      .filter((e) => e.event.message != null && log.isValidMessage(e))
      .map((e) => e.idHex),
    ready: log
      .ordered()
      .filter((e) => log.isReady(e.idHex))
      .map((e) => e.idHex),
  }
}

function simulate(seed: number) {
  const random = seededRandom(seed)
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]
  const owner = generateEd25519KeyPair()
  const { genesis } = createRoom(owner, 'converge', false)
  const actors: Actor[] = [owner, ...Array.from({ length: 6 }, generateEd25519KeyPair)].map(
    (key) => ({
      key,
      hex: toHex(key.publicKey),
      log: new RoomLog(genesis),
      chain: SenderKeyChain.generate(),
    }),
  )
  const publish = (actor: Actor, event: SignedRoomEvent) => {
    expect(actor.log.ingest(event).status).toBe('added')
  }
  const syncInto = (from: Actor, to: Actor) => {
    for (const event of shuffle([...from.log.ordered()], random)) to.log.ingest(event)
  }
  for (let step = 0; step < 120; step++) {
    const actor = pick(actors)
    const state = actor.log.membership()
    const me = state.members.get(actor.hex)
    const others = actors.filter((other) => other !== actor)
    const roll = random()
    if (roll < 0.25) {
      syncInto(pick(others), actor)
    } else if (me == null) {
      publish(actor, buildOp(actor.key, actor.log, { kind: RoomOpKind.JOIN }))
    } else if (roll < 0.6) {
      publish(actor, buildMessage(actor.key, actor.log, actor.chain, `m${step}`))
    } else {
      const target = pick(others)
      const kinds = [
        RoomOpKind.ADD,
        RoomOpKind.REMOVE,
        RoomOpKind.PROMOTE,
        RoomOpKind.DEMOTE,
        RoomOpKind.RENAME,
        RoomOpKind.LEAVE,
      ]
      const kind = pick(kinds)
      const op =
        kind === RoomOpKind.RENAME
          ? { kind, name: `name ${step}` }
          : kind === RoomOpKind.LEAVE
            ? { kind }
            : {
                kind,
                target: target.key.publicKey,
                cutSeq: kind === RoomOpKind.REMOVE ? actor.log.lastSeqOf(target.hex) : 0,
              }
      publish(actor, buildOp(actor.key, actor.log, op as never))
    }
  }
  return { genesis, actors, random }
}

describe('room membership CRDT', () => {
  for (const seed of [1, 2, 3, 42, 1234, 98765]) {
    it(`converges for any arrival order (seed ${seed})`, () => {
      const { genesis, actors, random } = simulate(seed)
      const all = new Map<string, SignedRoomEvent>()
      for (const actor of actors)
        for (const event of actor.log.ordered()) all.set(event.idHex, event)
      const reference = new RoomLog(genesis)
      for (const event of all.values()) reference.ingest(event)
      const expected = summary(reference)
      expect(expected.order.length).toBe(all.size)
      // Something happened: ops took effect and messages count.
      expect(expected.valid.length).toBeGreaterThan(0)
      const effectiveOps = reference
        .ordered()
        .filter((e) => e.event.op != null && reference.isEffectiveOp(e.idHex))
      expect(effectiveOps.length).toBeGreaterThan(3)
      for (let round = 0; round < 5; round++) {
        const log = new RoomLog(genesis)
        for (const event of shuffle([...all.values()], random)) log.ingest(event)
        expect(summary(log)).toEqual(expected)
      }
      // Replicas that exchange everything agree too.
      for (const actor of actors) {
        for (const event of all.values()) actor.log.ingest(event)
        expect(summary(actor.log)).toEqual(expected)
      }
    })
  }

  it('two admins removing each other at once: the first in total order wins', () => {
    const owner = generateEd25519KeyPair()
    const [a, b] = [generateEd25519KeyPair(), generateEd25519KeyPair()]
    const { genesis } = createRoom(owner, 'admins', false)
    const base = new RoomLog(genesis)
    for (const key of [a, b]) {
      base.ingest(buildOp(owner, base, { kind: RoomOpKind.ADD, target: key.publicKey } as never))
    }
    // Owner removes nobody; a and b are only members: promote both.
    for (const key of [a, b]) {
      base.ingest(
        buildOp(owner, base, { kind: RoomOpKind.PROMOTE, target: key.publicKey } as never),
      )
    }
    // Admins cannot remove admins (only the owner can): both removals are void.
    const aView = new RoomLog(genesis)
    const bView = new RoomLog(genesis)
    for (const event of base.ordered()) {
      aView.ingest(event)
      bView.ingest(event)
    }
    const aRemovesB = buildOp(a, aView, { kind: RoomOpKind.REMOVE, target: b.publicKey } as never)
    const bRemovesA = buildOp(b, bView, { kind: RoomOpKind.REMOVE, target: a.publicKey } as never)
    for (const log of [aView, bView]) {
      log.ingest(aRemovesB)
      log.ingest(bRemovesA)
    }
    expect(aView.membership().members.size).toBe(3)
    expect(summary(aView)).toEqual(summary(bView))
  })

  it('a removed member cannot write after its cut, even backdated', () => {
    const owner = generateEd25519KeyPair()
    const mallory = generateEd25519KeyPair()
    const { genesis } = createRoom(owner, 'cut', false)
    const log = new RoomLog(genesis)
    const malloryLog = new RoomLog(genesis)
    const chain = SenderKeyChain.generate()
    const join = buildOp(mallory, malloryLog, { kind: RoomOpKind.JOIN })
    malloryLog.ingest(join)
    log.ingest(join)
    const before = buildMessage(mallory, malloryLog, chain, 'seen before removal')
    malloryLog.ingest(before)
    log.ingest(before)
    // Mallory writes on a stale view: ordered before the removal, but past the cut.
    const backdated = buildMessage(mallory, malloryLog, chain, 'backdated')
    const removal = buildOp(owner, log, {
      kind: RoomOpKind.REMOVE,
      target: mallory.publicKey,
      cutSeq: log.lastSeqOf(toHex(mallory.publicKey)),
    } as never)
    log.ingest(removal)
    log.ingest(backdated)
    expect(log.membership().members.has(toHex(mallory.publicKey))).toBe(false)
    expect(log.isValidMessage(before)).toBe(true)
    expect(log.isValidMessage(backdated)).toBe(false)
    // Banned: joining again has no effect.
    const rejoin = buildOp(mallory, log, { kind: RoomOpKind.JOIN })
    expect(log.ingest(rejoin).status).toBe('added')
    expect(log.isEffectiveOp(rejoin.idHex)).toBe(false)
  })
})
