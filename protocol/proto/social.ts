import { decodeMessage, encodeMessage, enumeration, message, streamMessage } from 'protons-runtime'
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
}

enum __FriendMessageTypeValues {
  FRIEND_REQUEST = 0,
  FRIEND_ACCEPT = 1,
  FRIEND_REJECT = 2,
  FRIEND_REMOVE = 3,
  FRIEND_KEY_ROTATION = 4,
  FRIEND_DEVICE_LIST = 5,
  FRIEND_KEY_RECOVERY = 6,
}

export namespace FriendMessageType {
  export const codec = (): Codec<FriendMessageType> => {
    return enumeration<FriendMessageType>(__FriendMessageTypeValues)
  }
}

export interface FriendMessage {
  type: FriendMessageType
  requestId: Uint8Array<ArrayBuffer>
  note: string
  name: string
  keyStatement: Uint8Array<ArrayBuffer>
  deviceList: Uint8Array<ArrayBuffer>
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
  > {
    return streamMessage(buf, FriendMessage.codec(), opts)
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
  > {
    return streamMessage(buf, PresenceHeartbeat.codec(), opts)
  }
}
