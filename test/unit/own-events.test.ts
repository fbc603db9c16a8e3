import type { PeerId } from '@libp2p/interface'
import { describe, expect, it } from 'vitest'
import { peerIdOf } from '../../node/identity/index.ts'
import { OwnEvents, RESERVATION } from '../../node/rooms/own-events.ts'
import { RoomPersistence } from '../../node/rooms/room-persistence.ts'
import { RoomRegistry } from '../../node/rooms/room-registry.ts'
import type { RoomRuntime } from '../../node/rooms/room-runtime.ts'
import { RoomOpKind, SenderKeyChain } from '../../protocol/rooms/index.ts'
import { member, newRoom, RecordingStore, recordingLogger } from '../helpers/room-fixtures.ts'

/** Alice writing in her own room; every write and publish lands on one timeline. */
function setUp() {
  const alice = member()
  const { genesis, log } = newRoom(alice)
  const room = new RoomRegistry(alice.hex).add(log, {
    roomId: genesis.idHex,
    joined: true,
    readLamport: 0,
  })
  room.reservation = { seqReservedUntil: 1, cleanStop: false }
  const timeline: string[] = []
  const store = new RecordingStore()
  const write = store.write.bind(store)
  store.write = async (ops) => {
    await write(ops)
    for (const op of ops) timeline.push(`write ${op.key.split('!')[1]}`)
  }
  const peers = [member(), member(), member(), member()].map((m) =>
    peerIdOf({ publicKey: m.key.publicKey }),
  )
  const synced: PeerId[] = []
  let syncing: Promise<number> = Promise.resolve(0)
  const changes: number[] = []
  const shown: string[] = []
  const own = new OwnEvents({
    identity: alice.key,
    selfHex: alice.hex,
    persistence: new RoomPersistence(store, recordingLogger()),
    gossip: {
      publish: async (_room, event) => {
        timeline.push(`publish ${event.event.seq}`)
      },
    },
    keys: {
      rekey: (r: RoomRuntime) => {
        r.chain = SenderKeyChain.generate()
      },
    },
    intake: { showNew: (_room, ids) => shown.push(...ids) },
    membership: { changed: () => changes.push(1) },
    sync: {
      connectedMembers: () => peers,
      syncWith: async (_room, peer) => {
        synced.push(peer)
        return syncing
      },
    },
  })
  return {
    alice,
    room,
    store,
    timeline,
    own,
    peers,
    synced,
    changes,
    shown,
    holdSync: (p: Promise<number>) => {
      syncing = p
    },
  }
}

describe('our own events', () => {
  it('reserves chain positions and seqs on disk before the first publish, then once per 64', async () => {
    const { room, own, timeline, shown } = setUp()
    const first = await own.send(room, 'one')
    expect(timeline.slice(0, 3)).toEqual(['write chain', 'write reservation', 'publish 2'])
    expect(room.chainReservedUntil).toBe(RESERVATION)
    expect(room.reservation.seqReservedUntil).toBe(1 + RESERVATION)
    expect(shown).toEqual([first.idHex])
    for (let i = 1; i < RESERVATION; i++) await own.send(room, `m${i}`)
    const reservations = () => timeline.filter((line) => line === 'write chain').length
    expect(reservations()).toBe(1)
    await own.send(room, 'over the reservation')
    expect(reservations()).toBe(2)
    expect(timeline.filter((line) => line === 'write e')).toHaveLength(RESERVATION + 1)
  })

  it('publishes nothing when the reservation cannot be written', async () => {
    const { room, own, store, timeline } = setUp()
    store.failing.add(`${room.log.roomIdHex}!chain`)
    await expect(own.send(room, 'lost?')).rejects.toThrow('disk full')
    expect(timeline.some((line) => line.startsWith('publish'))).toBe(false)
  })

  it('after an unclean stop asks three members first, once for all sends, and skips reserved seqs', async () => {
    const { room, own, peers, synced, holdSync } = setUp()
    room.recovering = true
    room.reservation = { seqReservedUntil: 64, cleanStop: false }
    let release = (_: number) => {}
    holdSync(
      new Promise((resolve) => {
        release = resolve
      }),
    )
    const sends = [own.send(room, 'a'), own.send(room, 'b')]
    release(0)
    const [a, b] = await Promise.all(sends)
    expect(synced).toEqual(peers.slice(0, 3))
    expect([a.event.seq, b.event.seq].sort()).toEqual([65, 66])
    expect(room.recovering).toBe(false)
  })

  it('an op is stored before its publish and its membership change follows the publish', async () => {
    const { room, own, timeline, changes } = setUp()
    await own.publishOp(room, { kind: RoomOpKind.RENAME, name: 'new name' })
    expect(changes).toHaveLength(1)
    const publish = timeline.indexOf('publish 2')
    expect(timeline.indexOf('write e')).toBeLessThan(publish)
    expect(timeline.indexOf('write meta')).toBeLessThan(publish)
  })

  it('a clean stop is marked on disk, and cleared at the next start', async () => {
    const { room, own, store } = setUp()
    await own.markCleanStop(room)
    expect(room.reservation.cleanStop).toBe(true)
    await own.markRunning(room)
    expect(room.reservation.cleanStop).toBe(false)
    await own.markRunning(room)
    const marks = store.batches.flat().filter((op) => op.key.endsWith('!reservation'))
    expect(marks).toHaveLength(2)
  })
})
