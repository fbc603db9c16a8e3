import { describe, expect, it } from 'vitest'
import { encodeMessage } from '../../protocol/codec.ts'
import { randomBytes } from '../../protocol/crypto/index.ts'
import { decodeDeviceSync, encodeDeviceSync } from '../../protocol/device-sync.ts'
import { decodeInnerMessage, encodeInnerMessage } from '../../protocol/messaging.ts'
import { DmContent, DmContentKind } from '../../protocol/proto/dm.ts'
import { DeviceSync, DeviceSyncKind, FriendSyncState } from '../../protocol/proto/social.ts'
import { decodeFriendMessage, encodeFriendMessage } from '../../protocol/social.ts'

const peer = randomBytes(32)
const upTo = randomBytes(16)

function raw(fields: Partial<DeviceSync>): Uint8Array {
  return encodeMessage(DeviceSync, fields, { maxSize: 10_000, what: 'test' })
}

describe('own-device sync on the wire', () => {
  it('round-trips a read mark, a cleared mark (with and without a record) and a list', () => {
    for (const value of [
      { kind: 'read' as const, peer, upTo },
      { kind: 'cleared' as const, peer, upTo },
      { kind: 'cleared' as const, peer },
      { kind: 'list' as const, deviceList: randomBytes(300) },
      { kind: 'deleted' as const, peer, ids: [upTo, randomBytes(16)] },
      { kind: 'room-read' as const, room: randomBytes(32), lamport: 42 },
    ]) {
      expect(decodeDeviceSync(encodeDeviceSync(value))).toEqual(value)
    }
  })

  it('round-trips a friend entry in each state, within the bounds of a friend request', () => {
    const requestId = randomBytes(16)
    const none = new Uint8Array(0)
    const base = { note: '', name: '', claim: '', atMs: 1_700_000_000_000 }
    for (const entry of [
      { ...base, state: 'incoming' as const, requestId, note: 'hi', claim: 'carol@relay' },
      { ...base, state: 'outgoing' as const, requestId, note: 'n'.repeat(200), name: 'dave@r' },
      { ...base, state: 'friend' as const, requestId, name: 'bob@relay' },
      { ...base, state: 'blocked' as const, requestId: none },
      { ...base, state: 'none' as const, requestId: none, atMs: 0 },
      { ...base, state: 'none' as const, requestId: none, byPeer: true },
    ]) {
      const value = { kind: 'friend' as const, peer, entry }
      expect(decodeDeviceSync(encodeDeviceSync(value))).toEqual(value)
    }
    const friend = (fields: Record<string, unknown>) =>
      raw({ kind: DeviceSyncKind.DEVICE_SYNC_FRIEND, peer, ...fields } as Partial<DeviceSync>)
    const cases: Array<[Uint8Array, RegExp]> = [
      [friend({ friendState: FriendSyncState.FRIEND_SYNC_FRIEND }), /16-byte request id/],
      [
        friend({ friendState: FriendSyncState.FRIEND_SYNC_BLOCKED, requestId }),
        /16-byte request id/,
      ],
      [
        friend({ friendState: FriendSyncState.FRIEND_SYNC_FRIEND, requestId, note: 'x' }),
        /only a request carries a note/,
      ],
      [
        friend({
          friendState: FriendSyncState.FRIEND_SYNC_INCOMING,
          requestId,
          note: 'n'.repeat(201),
        }),
        /at most 200 characters/,
      ],
      [
        friend({ friendState: FriendSyncState.FRIEND_SYNC_OUTGOING, requestId, claim: 'x' }),
        /only an incoming request carries a claimed name/,
      ],
      [
        friend({
          friendState: FriendSyncState.FRIEND_SYNC_FRIEND,
          requestId,
          name: 'n'.repeat(129),
        }),
        /at most 128 characters/,
      ],
      [friend({ friendState: FriendSyncState.FRIEND_SYNC_NONE, upTo }), /names no text/],
      [
        friend({ friendState: FriendSyncState.FRIEND_SYNC_FRIEND, requestId, byPeer: true }),
        /only an entry that ended says the peer ended it/,
      ],
      [
        raw({
          kind: DeviceSyncKind.DEVICE_SYNC_FRIEND,
          friendState: FriendSyncState.FRIEND_SYNC_NONE,
        }),
        /32-byte peer/,
      ],
      [
        raw({
          kind: DeviceSyncKind.DEVICE_SYNC_READ,
          peer,
          upTo,
          note: 'x',
        } as Partial<DeviceSync>),
        /only a friend sync carries a friend entry/,
      ],
    ]
    for (const [bytes, error] of cases)
      expect(() => decodeDeviceSync(bytes), String(error)).toThrow(error)
  })

  it('travels as a device-sync friend message, and only that kind carries one', () => {
    const deviceSync = encodeDeviceSync({ kind: 'read', peer, upTo })
    const base = { requestId: new Uint8Array(16), note: '', name: '' }
    const message = encodeFriendMessage({ ...base, type: 'device-sync', deviceSync })
    expect(decodeFriendMessage(message).deviceSync).toEqual(deviceSync)
    expect(() => encodeFriendMessage({ ...base, type: 'remove', deviceSync })).toThrow(
      /only it, carries a device sync/,
    )
    expect(() => encodeFriendMessage({ ...base, type: 'device-sync' })).toThrow(
      /only it, carries a device sync/,
    )
  })

  it('refuses what a well-behaved device never writes', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ kind: DeviceSyncKind.DEVICE_SYNC_READ, peer, upTo: new Uint8Array(0) }, /16-byte text id/],
      [{ kind: DeviceSyncKind.DEVICE_SYNC_READ, peer: randomBytes(31), upTo }, /32-byte peer/],
      [
        { kind: DeviceSyncKind.DEVICE_SYNC_CLEARED, peer, upTo: randomBytes(8) },
        /16-byte id or none/,
      ],
      [
        { kind: DeviceSyncKind.DEVICE_SYNC_LIST, peer, deviceList: randomBytes(10) },
        /names no conversation/,
      ],
      [{ kind: DeviceSyncKind.DEVICE_SYNC_LIST }, /device list is 1\.\./],
      [{ kind: DeviceSyncKind.DEVICE_SYNC_DELETED, peer }, /names 1\.\.256 message ids/],
      [
        { kind: DeviceSyncKind.DEVICE_SYNC_DELETED, peer, ids: [randomBytes(15)] },
        /16-byte message ids/,
      ],
      [{ kind: DeviceSyncKind.DEVICE_SYNC_READ, peer, upTo, ids: [upTo] }, /only a deletion sync/],
      [
        { kind: DeviceSyncKind.DEVICE_SYNC_READ, peer, upTo, deviceList: randomBytes(4) },
        /only a device list sync/,
      ],
      [
        { kind: DeviceSyncKind.DEVICE_SYNC_ROOM_READ, room: randomBytes(31), lamport: 3n },
        /32-byte room/,
      ],
      [{ kind: DeviceSyncKind.DEVICE_SYNC_ROOM_READ, room: randomBytes(32) }, /Lamport time of 1/],
      [
        { kind: DeviceSyncKind.DEVICE_SYNC_ROOM_READ, room: randomBytes(32), lamport: 2n ** 60n },
        /Lamport time of 1/,
      ],
      [
        { kind: DeviceSyncKind.DEVICE_SYNC_ROOM_READ, peer, room: randomBytes(32), lamport: 3n },
        /names no conversation/,
      ],
      [
        { kind: DeviceSyncKind.DEVICE_SYNC_READ, peer, upTo, room: randomBytes(32) },
        /only a room read mark/,
      ],
      [
        { kind: DeviceSyncKind.DEVICE_SYNC_LIST, deviceList: randomBytes(4), lamport: 1n },
        /only a room read mark/,
      ],
    ]
    for (const [fields, error] of cases) {
      expect(() => decodeDeviceSync(raw(fields as Partial<DeviceSync>)), String(error)).toThrow(
        error,
      )
    }
  })

  it('a copy names the text it copies, by a 16-byte id, and only a text does', () => {
    const messageId = randomBytes(16)
    const text = {
      kind: 'text' as const,
      messageId,
      seq: 1,
      sentAtMs: 1,
      text: 'hi',
      resolvedBelow: 1,
      copyOf: upTo,
    }
    expect(decodeInnerMessage(encodeInnerMessage(text))).toMatchObject({ copyOf: upTo })
    const bad = (fields: Record<string, unknown>) =>
      encodeMessage(DmContent, { messageId, ...fields } as DmContent, { maxSize: 1000, what: 't' })
    expect(() =>
      decodeInnerMessage(
        bad({
          kind: DmContentKind.TEXT,
          seq: 1,
          resolvedBelow: 1,
          text: 'x',
          copyOf: randomBytes(8),
        }),
      ),
    ).toThrow(/names the text it copies/)
    expect(() =>
      decodeInnerMessage(bad({ kind: DmContentKind.SOCIAL, social: randomBytes(4), copyOf: upTo })),
    ).toThrow(/names the text it copies/)
  })
})
