import {
  decodeMessage,
  encodeMessage,
  enumeration,
  MaxLengthError,
  message,
  streamMessage,
} from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export enum FriendMessageType {
  FRIEND_REQUEST = 'FRIEND_REQUEST',
  FRIEND_ACCEPT = 'FRIEND_ACCEPT',
  FRIEND_REJECT = 'FRIEND_REJECT',
  FRIEND_REMOVE = 'FRIEND_REMOVE',
  FRIEND_KEY_ROTATION = 'FRIEND_KEY_ROTATION',
  FRIEND_DEVICE_LIST = 'FRIEND_DEVICE_LIST',
  FRIEND_KEY_RECOVERY = 'FRIEND_KEY_RECOVERY',
  FRIEND_RECOVERY_SHARE = 'FRIEND_RECOVERY_SHARE',
  FRIEND_RECOVERY_REQUEST = 'FRIEND_RECOVERY_REQUEST',
  FRIEND_RECOVERY_RELEASE = 'FRIEND_RECOVERY_RELEASE',
  FRIEND_RECOVERY_DECLINE = 'FRIEND_RECOVERY_DECLINE',
  FRIEND_DEVICE_SYNC = 'FRIEND_DEVICE_SYNC',
  FRIEND_PROFILE = 'FRIEND_PROFILE',
}

enum __FriendMessageTypeValues {
  FRIEND_REQUEST = 0,
  FRIEND_ACCEPT = 1,
  FRIEND_REJECT = 2,
  FRIEND_REMOVE = 3,
  FRIEND_KEY_ROTATION = 4,
  FRIEND_DEVICE_LIST = 5,
  FRIEND_KEY_RECOVERY = 6,
  FRIEND_RECOVERY_SHARE = 7,
  FRIEND_RECOVERY_REQUEST = 8,
  FRIEND_RECOVERY_RELEASE = 9,
  FRIEND_RECOVERY_DECLINE = 10,
  FRIEND_DEVICE_SYNC = 11,
  FRIEND_PROFILE = 12,
}

export namespace FriendMessageType {
  export const codec = (): Codec<FriendMessageType> => {
    return enumeration<FriendMessageType>(__FriendMessageTypeValues)
  }
}

export enum DeviceSyncKind {
  DEVICE_SYNC_READ = 'DEVICE_SYNC_READ',
  DEVICE_SYNC_CLEARED = 'DEVICE_SYNC_CLEARED',
  DEVICE_SYNC_LIST = 'DEVICE_SYNC_LIST',
  DEVICE_SYNC_DELETED = 'DEVICE_SYNC_DELETED',
  DEVICE_SYNC_PROFILE = 'DEVICE_SYNC_PROFILE',
  DEVICE_SYNC_ROOM_READ = 'DEVICE_SYNC_ROOM_READ',
  DEVICE_SYNC_FRIEND = 'DEVICE_SYNC_FRIEND',
}

enum __DeviceSyncKindValues {
  DEVICE_SYNC_READ = 0,
  DEVICE_SYNC_CLEARED = 1,
  DEVICE_SYNC_LIST = 2,
  DEVICE_SYNC_DELETED = 3,
  DEVICE_SYNC_PROFILE = 4,
  DEVICE_SYNC_ROOM_READ = 5,
  DEVICE_SYNC_FRIEND = 6,
}

export namespace DeviceSyncKind {
  export const codec = (): Codec<DeviceSyncKind> => {
    return enumeration<DeviceSyncKind>(__DeviceSyncKindValues)
  }
}

export enum FriendSyncState {
  FRIEND_SYNC_NONE = 'FRIEND_SYNC_NONE',
  FRIEND_SYNC_FRIEND = 'FRIEND_SYNC_FRIEND',
  FRIEND_SYNC_INCOMING = 'FRIEND_SYNC_INCOMING',
  FRIEND_SYNC_OUTGOING = 'FRIEND_SYNC_OUTGOING',
  FRIEND_SYNC_BLOCKED = 'FRIEND_SYNC_BLOCKED',
}

enum __FriendSyncStateValues {
  FRIEND_SYNC_NONE = 0,
  FRIEND_SYNC_FRIEND = 1,
  FRIEND_SYNC_INCOMING = 2,
  FRIEND_SYNC_OUTGOING = 3,
  FRIEND_SYNC_BLOCKED = 4,
}

export namespace FriendSyncState {
  export const codec = (): Codec<FriendSyncState> => {
    return enumeration<FriendSyncState>(__FriendSyncStateValues)
  }
}

export interface DeviceSync {
  kind: DeviceSyncKind
  peer: Uint8Array<ArrayBuffer>
  upTo: Uint8Array<ArrayBuffer>
  deviceList: Uint8Array<ArrayBuffer>
  ids: Uint8Array<ArrayBuffer>[]
  profile: Uint8Array<ArrayBuffer>
  room: Uint8Array<ArrayBuffer>
  lamport: bigint
  friendState: FriendSyncState
  requestId: Uint8Array<ArrayBuffer>
  note: string
  name: string
  claim: string
  atMs: number
  byPeer: boolean
}

export namespace DeviceSync {
  let _codec: Codec<DeviceSync>

  export const codec = (): Codec<DeviceSync> => {
    if (_codec == null) {
      _codec = message<DeviceSync>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.kind != null && __DeviceSyncKindValues[obj.kind] !== 0) {
            w.uint32(8)
            DeviceSyncKind.codec().encode(obj.kind, w)
          }

          if (obj.peer != null && obj.peer.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.peer)
          }

          if (obj.upTo != null && obj.upTo.byteLength > 0) {
            w.uint32(26)
            w.bytes(obj.upTo)
          }

          if (obj.deviceList != null && obj.deviceList.byteLength > 0) {
            w.uint32(34)
            w.bytes(obj.deviceList)
          }

          if (obj.ids != null && obj.ids.length > 0) {
            for (const value of obj.ids) {
              w.uint32(42)
              w.bytes(value)
            }
          }

          if (obj.profile != null && obj.profile.byteLength > 0) {
            w.uint32(50)
            w.bytes(obj.profile)
          }

          if (obj.room != null && obj.room.byteLength > 0) {
            w.uint32(58)
            w.bytes(obj.room)
          }

          if (obj.lamport != null && obj.lamport !== 0n) {
            w.uint32(64)
            w.uint64(obj.lamport)
          }

          if (obj.friendState != null && __FriendSyncStateValues[obj.friendState] !== 0) {
            w.uint32(72)
            FriendSyncState.codec().encode(obj.friendState, w)
          }

          if (obj.requestId != null && obj.requestId.byteLength > 0) {
            w.uint32(82)
            w.bytes(obj.requestId)
          }

          if (obj.note != null && obj.note !== '') {
            w.uint32(90)
            w.string(obj.note)
          }

          if (obj.name != null && obj.name !== '') {
            w.uint32(98)
            w.string(obj.name)
          }

          if (obj.claim != null && obj.claim !== '') {
            w.uint32(106)
            w.string(obj.claim)
          }

          if (obj.atMs != null && obj.atMs !== 0) {
            w.uint32(112)
            w.uint64Number(obj.atMs)
          }

          if (obj.byPeer != null && obj.byPeer !== false) {
            w.uint32(120)
            w.bool(obj.byPeer)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            kind: DeviceSyncKind.DEVICE_SYNC_READ,
            peer: uint8ArrayAlloc(0),
            upTo: uint8ArrayAlloc(0),
            deviceList: uint8ArrayAlloc(0),
            ids: [],
            profile: uint8ArrayAlloc(0),
            room: uint8ArrayAlloc(0),
            lamport: 0n,
            friendState: FriendSyncState.FRIEND_SYNC_NONE,
            requestId: uint8ArrayAlloc(0),
            note: '',
            name: '',
            claim: '',
            atMs: 0,
            byPeer: false,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.kind = DeviceSyncKind.codec().decode(reader)
                break
              }
              case 2: {
                obj.peer = reader.bytes()
                break
              }
              case 3: {
                obj.upTo = reader.bytes()
                break
              }
              case 4: {
                obj.deviceList = reader.bytes()
                break
              }
              case 5: {
                if (opts.limits?.ids != null && obj.ids.length === opts.limits.ids) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "ids" had too many elements',
                  )
                }

                obj.ids.push(reader.bytes())
                break
              }
              case 6: {
                obj.profile = reader.bytes()
                break
              }
              case 7: {
                obj.room = reader.bytes()
                break
              }
              case 8: {
                obj.lamport = reader.uint64()
                break
              }
              case 9: {
                obj.friendState = FriendSyncState.codec().decode(reader)
                break
              }
              case 10: {
                obj.requestId = reader.bytes()
                break
              }
              case 11: {
                obj.note = reader.string()
                break
              }
              case 12: {
                obj.name = reader.string()
                break
              }
              case 13: {
                obj.claim = reader.string()
                break
              }
              case 14: {
                obj.atMs = reader.uint64Number()
                break
              }
              case 15: {
                obj.byPeer = reader.bool()
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }

          return obj
        },
        function* (reader, length, prefix, opts = {}) {
          const obj = {
            ids: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.kind`,
                  value: DeviceSyncKind.codec().decode(reader),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.peer`,
                  value: reader.bytes(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.upTo`,
                  value: reader.bytes(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.deviceList`,
                  value: reader.bytes(),
                }
                break
              }
              case 5: {
                if (opts.limits?.ids != null && obj.ids === opts.limits.ids) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "ids" had too many elements',
                  )
                }

                yield {
                  field: `${prefix}.ids[]`,
                  index: obj.ids,
                  value: reader.bytes(),
                }

                obj.ids++

                break
              }
              case 6: {
                yield {
                  field: `${prefix}.profile`,
                  value: reader.bytes(),
                }
                break
              }
              case 7: {
                yield {
                  field: `${prefix}.room`,
                  value: reader.bytes(),
                }
                break
              }
              case 8: {
                yield {
                  field: `${prefix}.lamport`,
                  value: reader.uint64(),
                }
                break
              }
              case 9: {
                yield {
                  field: `${prefix}.friendState`,
                  value: FriendSyncState.codec().decode(reader),
                }
                break
              }
              case 10: {
                yield {
                  field: `${prefix}.requestId`,
                  value: reader.bytes(),
                }
                break
              }
              case 11: {
                yield {
                  field: `${prefix}.note`,
                  value: reader.string(),
                }
                break
              }
              case 12: {
                yield {
                  field: `${prefix}.name`,
                  value: reader.string(),
                }
                break
              }
              case 13: {
                yield {
                  field: `${prefix}.claim`,
                  value: reader.string(),
                }
                break
              }
              case 14: {
                yield {
                  field: `${prefix}.atMs`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 15: {
                yield {
                  field: `${prefix}.byPeer`,
                  value: reader.bool(),
                }
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }
        },
      )
    }

    return _codec
  }

  export interface DeviceSyncKindFieldEvent {
    field: '$.kind'
    value: DeviceSyncKind
  }

  export interface DeviceSyncPeerFieldEvent {
    field: '$.peer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeviceSyncUpToFieldEvent {
    field: '$.upTo'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeviceSyncDeviceListFieldEvent {
    field: '$.deviceList'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeviceSyncIdsFieldEvent {
    field: '$.ids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeviceSyncProfileFieldEvent {
    field: '$.profile'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeviceSyncRoomFieldEvent {
    field: '$.room'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeviceSyncLamportFieldEvent {
    field: '$.lamport'
    value: bigint
  }

  export interface DeviceSyncFriendStateFieldEvent {
    field: '$.friendState'
    value: FriendSyncState
  }

  export interface DeviceSyncRequestIdFieldEvent {
    field: '$.requestId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeviceSyncNoteFieldEvent {
    field: '$.note'
    value: string
  }

  export interface DeviceSyncNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface DeviceSyncClaimFieldEvent {
    field: '$.claim'
    value: string
  }

  export interface DeviceSyncAtMsFieldEvent {
    field: '$.atMs'
    value: number
  }

  export interface DeviceSyncByPeerFieldEvent {
    field: '$.byPeer'
    value: boolean
  }

  export function encode(obj: Partial<DeviceSync>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DeviceSync.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DeviceSync>,
  ): DeviceSync {
    return decodeMessage(buf, DeviceSync.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DeviceSync>,
  ): Generator<
    | DeviceSyncKindFieldEvent
    | DeviceSyncPeerFieldEvent
    | DeviceSyncUpToFieldEvent
    | DeviceSyncDeviceListFieldEvent
    | DeviceSyncIdsFieldEvent
    | DeviceSyncProfileFieldEvent
    | DeviceSyncRoomFieldEvent
    | DeviceSyncLamportFieldEvent
    | DeviceSyncFriendStateFieldEvent
    | DeviceSyncRequestIdFieldEvent
    | DeviceSyncNoteFieldEvent
    | DeviceSyncNameFieldEvent
    | DeviceSyncClaimFieldEvent
    | DeviceSyncAtMsFieldEvent
    | DeviceSyncByPeerFieldEvent
  > {
    return streamMessage(buf, DeviceSync.codec(), opts)
  }
}

export interface RecoveryShare {
  account: Uint8Array<ArrayBuffer>
  threshold: number
  share: Uint8Array<ArrayBuffer>
  epochSequence: number
  recoveries: number
  commitment: Uint8Array<ArrayBuffer>
}

export namespace RecoveryShare {
  let _codec: Codec<RecoveryShare>

  export const codec = (): Codec<RecoveryShare> => {
    if (_codec == null) {
      _codec = message<RecoveryShare>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.account != null && obj.account.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.account)
          }

          if (obj.threshold != null && obj.threshold !== 0) {
            w.uint32(16)
            w.uint32(obj.threshold)
          }

          if (obj.share != null && obj.share.byteLength > 0) {
            w.uint32(26)
            w.bytes(obj.share)
          }

          if (obj.epochSequence != null && obj.epochSequence !== 0) {
            w.uint32(32)
            w.uint32(obj.epochSequence)
          }

          if (obj.recoveries != null && obj.recoveries !== 0) {
            w.uint32(40)
            w.uint32(obj.recoveries)
          }

          if (obj.commitment != null && obj.commitment.byteLength > 0) {
            w.uint32(50)
            w.bytes(obj.commitment)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            account: uint8ArrayAlloc(0),
            threshold: 0,
            share: uint8ArrayAlloc(0),
            epochSequence: 0,
            recoveries: 0,
            commitment: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.account = reader.bytes()
                break
              }
              case 2: {
                obj.threshold = reader.uint32()
                break
              }
              case 3: {
                obj.share = reader.bytes()
                break
              }
              case 4: {
                obj.epochSequence = reader.uint32()
                break
              }
              case 5: {
                obj.recoveries = reader.uint32()
                break
              }
              case 6: {
                obj.commitment = reader.bytes()
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }

          return obj
        },
        function* (reader, length, prefix, opts = {}) {
          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.account`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.threshold`,
                  value: reader.uint32(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.share`,
                  value: reader.bytes(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.epochSequence`,
                  value: reader.uint32(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.recoveries`,
                  value: reader.uint32(),
                }
                break
              }
              case 6: {
                yield {
                  field: `${prefix}.commitment`,
                  value: reader.bytes(),
                }
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }
        },
      )
    }

    return _codec
  }

  export interface RecoveryShareAccountFieldEvent {
    field: '$.account'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RecoveryShareThresholdFieldEvent {
    field: '$.threshold'
    value: number
  }

  export interface RecoveryShareShareFieldEvent {
    field: '$.share'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RecoveryShareEpochSequenceFieldEvent {
    field: '$.epochSequence'
    value: number
  }

  export interface RecoveryShareRecoveriesFieldEvent {
    field: '$.recoveries'
    value: number
  }

  export interface RecoveryShareCommitmentFieldEvent {
    field: '$.commitment'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<RecoveryShare>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RecoveryShare.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RecoveryShare>,
  ): RecoveryShare {
    return decodeMessage(buf, RecoveryShare.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RecoveryShare>,
  ): Generator<
    | RecoveryShareAccountFieldEvent
    | RecoveryShareThresholdFieldEvent
    | RecoveryShareShareFieldEvent
    | RecoveryShareEpochSequenceFieldEvent
    | RecoveryShareRecoveriesFieldEvent
    | RecoveryShareCommitmentFieldEvent
  > {
    return streamMessage(buf, RecoveryShare.codec(), opts)
  }
}

export interface FriendMessage {
  type: FriendMessageType
  requestId: Uint8Array<ArrayBuffer>
  note: string
  name: string
  keyStatement: Uint8Array<ArrayBuffer>
  deviceList: Uint8Array<ArrayBuffer>
  recovery: Uint8Array<ArrayBuffer>
  deviceSync: Uint8Array<ArrayBuffer>
  profile: Uint8Array<ArrayBuffer>
}

export namespace FriendMessage {
  let _codec: Codec<FriendMessage>

  export const codec = (): Codec<FriendMessage> => {
    if (_codec == null) {
      _codec = message<FriendMessage>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.type != null && __FriendMessageTypeValues[obj.type] !== 0) {
            w.uint32(8)
            FriendMessageType.codec().encode(obj.type, w)
          }

          if (obj.requestId != null && obj.requestId.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.requestId)
          }

          if (obj.note != null && obj.note !== '') {
            w.uint32(26)
            w.string(obj.note)
          }

          if (obj.name != null && obj.name !== '') {
            w.uint32(34)
            w.string(obj.name)
          }

          if (obj.keyStatement != null && obj.keyStatement.byteLength > 0) {
            w.uint32(42)
            w.bytes(obj.keyStatement)
          }

          if (obj.deviceList != null && obj.deviceList.byteLength > 0) {
            w.uint32(50)
            w.bytes(obj.deviceList)
          }

          if (obj.recovery != null && obj.recovery.byteLength > 0) {
            w.uint32(58)
            w.bytes(obj.recovery)
          }

          if (obj.deviceSync != null && obj.deviceSync.byteLength > 0) {
            w.uint32(66)
            w.bytes(obj.deviceSync)
          }

          if (obj.profile != null && obj.profile.byteLength > 0) {
            w.uint32(74)
            w.bytes(obj.profile)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            type: FriendMessageType.FRIEND_REQUEST,
            requestId: uint8ArrayAlloc(0),
            note: '',
            name: '',
            keyStatement: uint8ArrayAlloc(0),
            deviceList: uint8ArrayAlloc(0),
            recovery: uint8ArrayAlloc(0),
            deviceSync: uint8ArrayAlloc(0),
            profile: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.type = FriendMessageType.codec().decode(reader)
                break
              }
              case 2: {
                obj.requestId = reader.bytes()
                break
              }
              case 3: {
                obj.note = reader.string()
                break
              }
              case 4: {
                obj.name = reader.string()
                break
              }
              case 5: {
                obj.keyStatement = reader.bytes()
                break
              }
              case 6: {
                obj.deviceList = reader.bytes()
                break
              }
              case 7: {
                obj.recovery = reader.bytes()
                break
              }
              case 8: {
                obj.deviceSync = reader.bytes()
                break
              }
              case 9: {
                obj.profile = reader.bytes()
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }

          return obj
        },
        function* (reader, length, prefix, opts = {}) {
          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.type`,
                  value: FriendMessageType.codec().decode(reader),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.requestId`,
                  value: reader.bytes(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.note`,
                  value: reader.string(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.name`,
                  value: reader.string(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.keyStatement`,
                  value: reader.bytes(),
                }
                break
              }
              case 6: {
                yield {
                  field: `${prefix}.deviceList`,
                  value: reader.bytes(),
                }
                break
              }
              case 7: {
                yield {
                  field: `${prefix}.recovery`,
                  value: reader.bytes(),
                }
                break
              }
              case 8: {
                yield {
                  field: `${prefix}.deviceSync`,
                  value: reader.bytes(),
                }
                break
              }
              case 9: {
                yield {
                  field: `${prefix}.profile`,
                  value: reader.bytes(),
                }
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }
        },
      )
    }

    return _codec
  }

  export interface FriendMessageTypeFieldEvent {
    field: '$.type'
    value: FriendMessageType
  }

  export interface FriendMessageRequestIdFieldEvent {
    field: '$.requestId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FriendMessageNoteFieldEvent {
    field: '$.note'
    value: string
  }

  export interface FriendMessageNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface FriendMessageKeyStatementFieldEvent {
    field: '$.keyStatement'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FriendMessageDeviceListFieldEvent {
    field: '$.deviceList'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FriendMessageRecoveryFieldEvent {
    field: '$.recovery'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FriendMessageDeviceSyncFieldEvent {
    field: '$.deviceSync'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FriendMessageProfileFieldEvent {
    field: '$.profile'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<FriendMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FriendMessage.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<FriendMessage>,
  ): FriendMessage {
    return decodeMessage(buf, FriendMessage.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<FriendMessage>,
  ): Generator<
    | FriendMessageTypeFieldEvent
    | FriendMessageRequestIdFieldEvent
    | FriendMessageNoteFieldEvent
    | FriendMessageNameFieldEvent
    | FriendMessageKeyStatementFieldEvent
    | FriendMessageDeviceListFieldEvent
    | FriendMessageRecoveryFieldEvent
    | FriendMessageDeviceSyncFieldEvent
    | FriendMessageProfileFieldEvent
  > {
    return streamMessage(buf, FriendMessage.codec(), opts)
  }
}

export interface FriendProfile {
  version: number
  displayName: string
  avatar: Uint8Array<ArrayBuffer>
}

export namespace FriendProfile {
  let _codec: Codec<FriendProfile>

  export const codec = (): Codec<FriendProfile> => {
    if (_codec == null) {
      _codec = message<FriendProfile>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.version != null && obj.version !== 0) {
            w.uint32(8)
            w.uint64Number(obj.version)
          }

          if (obj.displayName != null && obj.displayName !== '') {
            w.uint32(18)
            w.string(obj.displayName)
          }

          if (obj.avatar != null && obj.avatar.byteLength > 0) {
            w.uint32(26)
            w.bytes(obj.avatar)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            version: 0,
            displayName: '',
            avatar: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.version = reader.uint64Number()
                break
              }
              case 2: {
                obj.displayName = reader.string()
                break
              }
              case 3: {
                obj.avatar = reader.bytes()
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }

          return obj
        },
        function* (reader, length, prefix, opts = {}) {
          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.version`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.displayName`,
                  value: reader.string(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.avatar`,
                  value: reader.bytes(),
                }
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }
        },
      )
    }

    return _codec
  }

  export interface FriendProfileVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface FriendProfileDisplayNameFieldEvent {
    field: '$.displayName'
    value: string
  }

  export interface FriendProfileAvatarFieldEvent {
    field: '$.avatar'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<FriendProfile>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FriendProfile.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<FriendProfile>,
  ): FriendProfile {
    return decodeMessage(buf, FriendProfile.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<FriendProfile>,
  ): Generator<
    | FriendProfileVersionFieldEvent
    | FriendProfileDisplayNameFieldEvent
    | FriendProfileAvatarFieldEvent
  > {
    return streamMessage(buf, FriendProfile.codec(), opts)
  }
}

export enum PresenceStatus {
  ONLINE = 'ONLINE',
  OFFLINE = 'OFFLINE',
}

enum __PresenceStatusValues {
  ONLINE = 0,
  OFFLINE = 1,
}

export namespace PresenceStatus {
  export const codec = (): Codec<PresenceStatus> => {
    return enumeration<PresenceStatus>(__PresenceStatusValues)
  }
}

export interface PresenceHeartbeat {
  sender: Uint8Array<ArrayBuffer>
  recipient: Uint8Array<ArrayBuffer>
  counter: number
  sentAtMs: number
  status: PresenceStatus
  intervalMs: number
  typing: boolean
}

export namespace PresenceHeartbeat {
  let _codec: Codec<PresenceHeartbeat>

  export const codec = (): Codec<PresenceHeartbeat> => {
    if (_codec == null) {
      _codec = message<PresenceHeartbeat>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.sender != null && obj.sender.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.sender)
          }

          if (obj.recipient != null && obj.recipient.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.recipient)
          }

          if (obj.counter != null && obj.counter !== 0) {
            w.uint32(24)
            w.uint64Number(obj.counter)
          }

          if (obj.sentAtMs != null && obj.sentAtMs !== 0) {
            w.uint32(32)
            w.uint64Number(obj.sentAtMs)
          }

          if (obj.status != null && __PresenceStatusValues[obj.status] !== 0) {
            w.uint32(40)
            PresenceStatus.codec().encode(obj.status, w)
          }

          if (obj.intervalMs != null && obj.intervalMs !== 0) {
            w.uint32(48)
            w.uint32(obj.intervalMs)
          }

          if (obj.typing != null && obj.typing !== false) {
            w.uint32(56)
            w.bool(obj.typing)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            sender: uint8ArrayAlloc(0),
            recipient: uint8ArrayAlloc(0),
            counter: 0,
            sentAtMs: 0,
            status: PresenceStatus.ONLINE,
            intervalMs: 0,
            typing: false,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.sender = reader.bytes()
                break
              }
              case 2: {
                obj.recipient = reader.bytes()
                break
              }
              case 3: {
                obj.counter = reader.uint64Number()
                break
              }
              case 4: {
                obj.sentAtMs = reader.uint64Number()
                break
              }
              case 5: {
                obj.status = PresenceStatus.codec().decode(reader)
                break
              }
              case 6: {
                obj.intervalMs = reader.uint32()
                break
              }
              case 7: {
                obj.typing = reader.bool()
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }

          return obj
        },
        function* (reader, length, prefix, opts = {}) {
          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.sender`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.recipient`,
                  value: reader.bytes(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.counter`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.sentAtMs`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.status`,
                  value: PresenceStatus.codec().decode(reader),
                }
                break
              }
              case 6: {
                yield {
                  field: `${prefix}.intervalMs`,
                  value: reader.uint32(),
                }
                break
              }
              case 7: {
                yield {
                  field: `${prefix}.typing`,
                  value: reader.bool(),
                }
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }
        },
      )
    }

    return _codec
  }

  export interface PresenceHeartbeatSenderFieldEvent {
    field: '$.sender'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PresenceHeartbeatRecipientFieldEvent {
    field: '$.recipient'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PresenceHeartbeatCounterFieldEvent {
    field: '$.counter'
    value: number
  }

  export interface PresenceHeartbeatSentAtMsFieldEvent {
    field: '$.sentAtMs'
    value: number
  }

  export interface PresenceHeartbeatStatusFieldEvent {
    field: '$.status'
    value: PresenceStatus
  }

  export interface PresenceHeartbeatIntervalMsFieldEvent {
    field: '$.intervalMs'
    value: number
  }

  export interface PresenceHeartbeatTypingFieldEvent {
    field: '$.typing'
    value: boolean
  }

  export function encode(obj: Partial<PresenceHeartbeat>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PresenceHeartbeat.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<PresenceHeartbeat>,
  ): PresenceHeartbeat {
    return decodeMessage(buf, PresenceHeartbeat.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<PresenceHeartbeat>,
  ): Generator<
    | PresenceHeartbeatSenderFieldEvent
    | PresenceHeartbeatRecipientFieldEvent
    | PresenceHeartbeatCounterFieldEvent
    | PresenceHeartbeatSentAtMsFieldEvent
    | PresenceHeartbeatStatusFieldEvent
    | PresenceHeartbeatIntervalMsFieldEvent
    | PresenceHeartbeatTypingFieldEvent
  > {
    return streamMessage(buf, PresenceHeartbeat.codec(), opts)
  }
}
