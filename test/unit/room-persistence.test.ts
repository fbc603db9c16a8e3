import { describe, expect, it } from 'vitest'
import { RoomPersistence, restoreRoom } from '../../node/rooms/room-persistence.ts'
import { RoomRegistry } from '../../node/rooms/room-registry.ts'
import { RoomStore, type StoredRoom } from '../../node/rooms/room-store.ts'
import { toHex } from '../../protocol/bytes.ts'
import {
  buildMessage,
  ReceivedSenderKey,
  SenderKeyChain,
  serializeSenderKey,
} from '../../protocol/rooms/index.ts'
import { member, newRoom, RecordingStore, recordingLogger } from '../helpers/room-fixtures.ts'
import { withTimeout } from '../helpers/wait.ts'

function setUp() {
  const owner = member()
  const { genesis, log } = newRoom(owner)
  const rooms = new RoomRegistry(owner.hex)
  const room = rooms.add(log, { roomId: genesis.idHex, joined: true, readLamport: 0 })
  const store = new RecordingStore()
  const logger = recordingLogger()
  return {
    owner,
    genesis,
    rooms,
    room,
    store,
    logger,
    persistence: new RoomPersistence(store, logger),
  }
}

describe('room persistence', () => {
  it('lands a room’s writes in order; a failed one is logged and the next still lands', async () => {
    const { room, store, logger, persistence } = setUp()
    store.failing.add('b')
    const release = store.hold('a')
    void persistence.persist(room, [{ type: 'put', key: 'a', value: new Uint8Array(1) }])
    void persistence.persist(room, [{ type: 'put', key: 'b', value: new Uint8Array(1) }])
    const last = persistence.persist(room, [{ type: 'del', key: 'c' }])
    release()
    await last
    expect(store.keys()).toEqual(['a', 'c'])
    expect(logger.errors).toEqual([`room ${room.log.roomIdHex}: write failed: disk full`])
  })

  it('an own write rejects when it fails, and never waits behind the background queue', async () => {
    const { room, store, persistence } = setUp()
    store.failing.add('mine')
    await expect(
      persistence.persistOwn(room, [{ type: 'put', key: 'mine', value: new Uint8Array(1) }]),
    ).rejects.toThrow('disk full')
    // A background write that does not finish does not hold up our own.
    const release = store.hold('theirs')
    const stalled = persistence.persist(room, [{ type: 'del', key: 'theirs' }])
    await withTimeout(
      persistence.persistOwn(room, [{ type: 'del', key: 'next' }]),
      2_000,
      'own write behind a stalled one',
    )
    expect(store.keys()).toEqual(['next'])
    release()
    await stalled
    await persistence.settled(room)
    expect(store.keys().sort()).toEqual(['next', 'theirs'])
  })

  it('saveChains writes the received chains that advanced, once', async () => {
    const { owner, room, store, persistence } = setUp()
    const chain = SenderKeyChain.generate()
    const key = new ReceivedSenderKey(chain.state())
    const keyIdHex = toHex(chain.keyId)
    room.received.set(owner.hex, new Map([[keyIdHex, key]]))
    room.dirtyKeys.add(`${owner.hex}:${keyIdHex}`)
    persistence.saveChains(room)
    persistence.saveChains(room)
    await persistence.settled(room)
    expect(store.batches).toHaveLength(1)
    expect(store.keys()).toEqual([
      RoomStore.receivedKey(room.log.roomIdHex, owner.hex, key.toJSON()).key,
    ])
    expect(room.dirtyKeys.size).toBe(0)
  })
})

describe('restoring a room', () => {
  function stored(overrides: Partial<StoredRoom>, genesisBytes: Uint8Array, roomId: string) {
    return {
      meta: { roomId, joined: true, readLamport: 0 },
      events: [genesisBytes],
      texts: new Map(),
      extras: new Map(),
      receivedKeys: [],
      outgoing: [],
      ...overrides,
    } satisfies StoredRoom
  }

  it('moves our chain past its reservation and marks an unclean stop as recovering', () => {
    const { owner, genesis, log } = { owner: member(), ...newRoom(member()) }
    const chain = SenderKeyChain.generate()
    const room = restoreRoom(
      stored(
        {
          chain: { ...serializeSenderKey(chain.state()), reservedUntil: 64 },
          reservation: { seqReservedUntil: 64, cleanStop: false },
        },
        genesis.bytes,
        genesis.idHex,
      ),
      [genesis],
      new RoomRegistry(owner.hex),
      owner.hex,
      recordingLogger(),
    )
    expect(room?.chain?.index).toBe(64)
    expect(room?.recovering).toBe(true)
    expect(log.size).toBe(1)
  })

  it('after a clean stop nothing is recovering; bundles and chains come back', () => {
    const owner = member()
    const { genesis, log } = newRoom(owner)
    const chain = SenderKeyChain.generate()
    const message = buildMessage(owner.key, log, chain, 'hi')
    const rooms = new RoomRegistry(owner.hex)
    const room = restoreRoom(
      stored(
        {
          events: [genesis.bytes, message.bytes],
          reservation: { seqReservedUntil: 64, cleanStop: true },
          receivedKeys: [{ author: owner.hex, key: new ReceivedSenderKey(chain.state()).toJSON() }],
          outgoing: [{ member: 'ab', keyId: 'cd', bytes: new Uint8Array([1]) }],
        },
        genesis.bytes,
        genesis.idHex,
      ),
      [genesis, message],
      rooms,
      owner.hex,
      recordingLogger(),
    )
    expect(room?.recovering).toBe(false)
    expect(room?.log.size).toBe(2)
    expect([...(room?.received.get(owner.hex)?.keys() ?? [])]).toEqual([toHex(chain.keyId)])
    expect(room?.outgoing.get('ab')?.get('cd')).toEqual(new Uint8Array([1]))
    expect(rooms.forTopic(room!.topic)).toBe(room)
  })

  it('skips a room whose CREATE event is missing', () => {
    const owner = member()
    const { genesis } = newRoom(owner)
    const rooms = new RoomRegistry(owner.hex)
    const logger = recordingLogger()
    expect(
      restoreRoom(stored({}, genesis.bytes, 'ff'.repeat(32)), [genesis], rooms, owner.hex, logger),
    ).toBeUndefined()
    expect([...rooms.all()]).toEqual([])
    expect(logger.lines[0]).toContain('no CREATE event')
  })
})

describe('the room registry', () => {
  it('finds rooms in any case, and names what is missing with a typed error', () => {
    const { rooms, room, genesis } = setUp()
    expect(rooms.require(genesis.idHex.toUpperCase())).toBe(room)
    expect(() => rooms.require('00'.repeat(32))).toThrow(
      expect.objectContaining({ name: 'RoomNotFoundError' }),
    )
    const stranger = new RoomRegistry(member().hex)
    stranger.add(room.log, room.meta)
    expect(() => stranger.requireMember(genesis.idHex)).toThrow(
      expect.objectContaining({ name: 'NotRoomMemberError' }),
    )
    expect(rooms.requireMember(genesis.idHex)).toBe(room)
  })
})
