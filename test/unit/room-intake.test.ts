import { describe, expect, it } from 'vitest'
import { openEvents, RoomIntake } from '../../node/rooms/room-intake.ts'
import { RoomPersistence } from '../../node/rooms/room-persistence.ts'
import { RoomRegistry } from '../../node/rooms/room-registry.ts'
import { RoomViews } from '../../node/rooms/room-views.ts'
import { toHex } from '../../protocol/bytes.ts'
import type { RoomMessageView } from '../../protocol/local-api.ts'
import {
  buildMessage,
  buildOp,
  type MembershipState,
  ReceivedSenderKey,
  RoomLog,
  RoomOpKind,
  SenderKeyChain,
} from '../../protocol/rooms/index.ts'
import { member, newRoom, RecordingStore, recordingLogger } from '../helpers/room-fixtures.ts'

/** Bob joins alice's room and writes two messages; alice's node takes them in. */
function setUp() {
  const alice = member()
  const bob = member()
  const { genesis, log: written } = newRoom(alice)
  const join = buildOp(bob.key, written, { kind: RoomOpKind.JOIN })
  written.ingest(join)
  const chain = SenderKeyChain.generate()
  const bobKey = chain.state()
  const first = buildMessage(bob.key, written, chain, 'one')
  written.ingest(first)
  const second = buildMessage(bob.key, written, chain, 'two')
  written.ingest(second)

  const room = new RoomRegistry(alice.hex).add(new RoomLog(genesis), {
    roomId: genesis.idHex,
    joined: true,
    readLamport: 0,
  })
  const store = new RecordingStore()
  const shown: RoomMessageView[] = []
  const changes: Array<{ before: MembershipState; after: MembershipState }> = []
  const logger = recordingLogger()
  const intake = new RoomIntake({
    selfHex: alice.hex,
    views: new RoomViews(alice.hex),
    persistence: new RoomPersistence(store, logger),
    log: logger,
    membershipChanged: (_room, before, after) => changes.push({ before, after }),
    show: (message) => shown.push(message),
  })
  const giveKey = () => {
    room.received.set(bob.hex, new Map([[toHex(bobKey.keyId), new ReceivedSenderKey(bobKey)]]))
  }
  return { bob, room, store, shown, changes, logger, intake, join, first, second, giveKey }
}

describe('room intake', () => {
  it('shows a batch in total order, once, and stores each new event once', async () => {
    const { bob, room, store, shown, changes, intake, join, first, second, giveKey } = setUp()
    giveKey()
    intake.ingest(room, [second, first, join])
    expect(shown.map((message) => message.text)).toEqual(['one', 'two'])
    expect(changes).toHaveLength(1)
    expect(changes[0].before.members.has(bob.hex)).toBe(false)
    expect(changes[0].after.members.has(bob.hex)).toBe(true)
    intake.ingest(room, [first, second, join])
    expect(shown).toHaveLength(2)
    expect(changes).toHaveLength(1)
    await room.writes
    const stored = store.keys().filter((key) => key.includes('!e!'))
    expect(stored).toHaveLength(3)
    expect(room.dirtyKeys).toEqual(new Set([`${bob.hex}:${toHex(first.event.message!.keyId)}`]))
  })

  it('holds messages without a key, then shows them oldest first when the key arrives', () => {
    const { room, shown, intake, join, first, second, giveKey } = setUp()
    intake.ingest(room, [join, second, first])
    expect(shown).toEqual([])
    expect(room.locked.size).toBe(1)
    giveKey()
    intake.unlock(room, second.authorHex, toHex(second.event.message!.keyId))
    expect(shown.map((message) => message.text)).toEqual(['one', 'two'])
    expect(room.locked.size).toBe(0)
  })

  it('a message that does not decrypt with the key held is logged and changes nothing', () => {
    const { bob, room, shown, logger, intake, join, first } = setUp()
    const wrong = SenderKeyChain.generate().state()
    // The right key id, another chain: authentication fails.
    const keyIdHex = toHex(first.event.message!.keyId)
    room.received.set(
      bob.hex,
      new Map([[keyIdHex, new ReceivedSenderKey({ ...wrong, keyId: first.event.message!.keyId })]]),
    )
    intake.ingest(room, [join, first])
    expect(shown).toEqual([])
    expect(room.texts.size).toBe(0)
    expect(room.dirtyKeys.size).toBe(0)
    expect(logger.lines.some((line) => line.includes('not readable'))).toBe(true)
  })

  it('replay after a restore marks what is visible as shown without showing it again', () => {
    const { room, shown, intake, join, first, second, giveKey } = setUp()
    giveKey()
    for (const event of [join, first, second]) room.log.ingest(event)
    intake.replay(room)
    expect(shown).toEqual([])
    expect(room.shown).toEqual(new Set([first.idHex, second.idHex]))
    intake.showNew(room, [first.idHex, second.idHex])
    expect(shown).toEqual([])
  })

  it('opening drops and logs bytes that are not a signed event', () => {
    const { first } = setUp()
    const logger = recordingLogger()
    const damaged = Uint8Array.from(first.bytes)
    damaged[damaged.length - 1] ^= 1
    expect(openEvents([damaged, first.bytes, new Uint8Array([1, 2])], logger)).toHaveLength(1)
    expect(logger.lines).toHaveLength(2)
  })
})
