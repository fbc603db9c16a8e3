import { describe, expect, it } from 'vitest'
import type { OpFields } from '../../node/rooms/own-events.ts'
import { RoomDevices } from '../../node/rooms/room-devices.ts'
import { RoomRegistry } from '../../node/rooms/room-registry.ts'
import type { RoomRuntime } from '../../node/rooms/room-runtime.ts'
import { toHex } from '../../protocol/bytes.ts'
import type { Ed25519KeyPair } from '../../protocol/crypto/index.ts'
import { buildOp, RoomLog, RoomOpKind } from '../../protocol/rooms/index.ts'
import { deviceList, member, newRoom, recordingLogger } from '../helpers/room-fixtures.ts'

function list(account: Ed25519KeyPair, version: number, devices: Ed25519KeyPair[]) {
  const record = deviceList(account, version, devices)
  return { record, version, devices: [account, ...devices].map((d) => toHex(d.publicKey)) }
}

/** Alice's laptop (the account key) in a room with bob; `own` is the list the node holds. */
function setUp(self: 'laptop' | 'phone' = 'laptop') {
  const [alice, phone, bob] = [member(), member(), member()]
  const { genesis, log: written } = newRoom(alice)
  written.ingest(buildOp(bob.key, written, { kind: RoomOpKind.JOIN }))
  const selfHex = self === 'laptop' ? alice.hex : phone.hex
  const rooms = new RoomRegistry(selfHex)
  const room = rooms.add(new RoomLog(genesis), {
    roomId: genesis.idHex,
    joined: true,
    readLamport: 0,
  })
  for (const event of written.ordered()) room.log.ingest(event)
  let own = list(alice.key, 1, [])
  const published: OpFields[] = []
  const shared: string[][] = []
  const dropped: string[] = []
  let rekeys = 0
  const devices = new RoomDevices({
    selfHex,
    accountHex: alice.hex,
    ownList: () => own,
    rooms,
    own: {
      publishOp: async (_room: RoomRuntime, op: OpFields) => {
        published.push(op)
        return undefined as never
      },
    },
    keys: {
      share: (_room, to) => void shared.push(to),
      drop: (_room, device) => void dropped.push(device),
      rekey: () => void rekeys++,
    },
    gossip: { subscribe: () => {} },
    fetchRoom: async () => undefined,
    syncWith: async () => 0,
    sync: { dialMembers: async () => {}, connectedMembers: () => [] },
    rejoined: async () => {},
    log: recordingLogger(),
  })
  const setOwn = (version: number, listed: Ed25519KeyPair[]) => {
    own = list(alice.key, version, listed)
  }
  return {
    alice,
    phone,
    bob,
    room,
    devices,
    published,
    shared,
    dropped,
    setOwn,
    rekeys: () => rekeys,
  }
}

describe('RoomDevices: our account’s devices in our rooms', () => {
  it('a new device of ours gets our chain and the room our newer list; nothing when nothing changed', async () => {
    const { phone, devices, published, shared, setOwn } = setUp()
    await devices.listChanged()
    expect(published).toEqual([])
    setOwn(2, [phone.key])
    await devices.listChanged()
    expect(shared).toEqual([[phone.hex]])
    expect(published.map((op) => op.kind)).toEqual([RoomOpKind.DEVICES])
    expect(devices.ownDevices()).toEqual([phone.hex])
  })

  it('a revoked device is dropped and our chain renewed at once', async () => {
    const { phone, devices, dropped, setOwn, rekeys } = setUp()
    setOwn(2, [phone.key])
    await devices.listChanged()
    setOwn(3, [])
    await devices.listChanged()
    expect(dropped).toEqual([phone.hex])
    expect(rekeys()).toBe(1)
    expect(devices.ownDevices()).toEqual([])
  })

  it('a revoked device puts no list anywhere; a linked device joins with its list', async () => {
    const { alice, phone, devices, published, setOwn } = setUp('phone')
    setOwn(2, [phone.key])
    expect(devices.joinFields().deviceList).toBeInstanceOf(Uint8Array)
    expect(devices.ownDevices()).toEqual([alice.hex])
    setOwn(3, [])
    await devices.listChanged()
    expect(published).toEqual([])
    expect(devices.joinFields()).toEqual({})
    expect(devices.ownDevices()).toEqual([])
  })
})
