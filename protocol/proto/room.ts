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

export enum RoomOpKind {
  CREATE = 'CREATE',
  JOIN = 'JOIN',
  ADD = 'ADD',
  REMOVE = 'REMOVE',
  LEAVE = 'LEAVE',
  PROMOTE = 'PROMOTE',
  DEMOTE = 'DEMOTE',
  RENAME = 'RENAME',
  MOVE_KEY = 'MOVE_KEY',
  DEVICES = 'DEVICES',
  PROFILE = 'PROFILE',
}

enum __RoomOpKindValues {
  CREATE = 0,
  JOIN = 1,
  ADD = 2,
  REMOVE = 3,
  LEAVE = 4,
  PROMOTE = 5,
  DEMOTE = 6,
  RENAME = 7,
  MOVE_KEY = 8,
  DEVICES = 9,
  PROFILE = 10,
}

export namespace RoomOpKind {
  export const codec = (): Codec<RoomOpKind> => {
    return enumeration<RoomOpKind>(__RoomOpKindValues)
  }
}

export interface RoomOp {
  kind: RoomOpKind
  target: Uint8Array<ArrayBuffer>
  name: string
  inviteOnly: boolean
  inviteKey: Uint8Array<ArrayBuffer>
  inviteProof: Uint8Array<ArrayBuffer>
  cutSeq: number
  nonce: Uint8Array<ArrayBuffer>
  rotations: Uint8Array<ArrayBuffer>[]
  recoveries: Uint8Array<ArrayBuffer>[]
  deviceList: Uint8Array<ArrayBuffer>
  recoveryCommitment: Uint8Array<ArrayBuffer>
  deviceCuts: DeviceCut[]
  profile: Uint8Array<ArrayBuffer>
}

export namespace RoomOp {
  let _codec: Codec<RoomOp>

  export const codec = (): Codec<RoomOp> => {
    if (_codec == null) {
      _codec = message<RoomOp>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.kind != null && __RoomOpKindValues[obj.kind] !== 0) {
            w.uint32(8)
            RoomOpKind.codec().encode(obj.kind, w)
          }

          if (obj.target != null && obj.target.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.target)
          }

          if (obj.name != null && obj.name !== '') {
            w.uint32(26)
            w.string(obj.name)
          }

          if (obj.inviteOnly != null && obj.inviteOnly !== false) {
            w.uint32(32)
            w.bool(obj.inviteOnly)
          }

          if (obj.inviteKey != null && obj.inviteKey.byteLength > 0) {
            w.uint32(42)
            w.bytes(obj.inviteKey)
          }

          if (obj.inviteProof != null && obj.inviteProof.byteLength > 0) {
            w.uint32(50)
            w.bytes(obj.inviteProof)
          }

          if (obj.cutSeq != null && obj.cutSeq !== 0) {
            w.uint32(56)
            w.uint32(obj.cutSeq)
          }

          if (obj.nonce != null && obj.nonce.byteLength > 0) {
            w.uint32(66)
            w.bytes(obj.nonce)
          }

          if (obj.rotations != null && obj.rotations.length > 0) {
            for (const value of obj.rotations) {
              w.uint32(74)
              w.bytes(value)
            }
          }

          if (obj.recoveries != null && obj.recoveries.length > 0) {
            for (const value of obj.recoveries) {
              w.uint32(82)
              w.bytes(value)
            }
          }

          if (obj.deviceList != null && obj.deviceList.byteLength > 0) {
            w.uint32(90)
            w.bytes(obj.deviceList)
          }

          if (obj.recoveryCommitment != null && obj.recoveryCommitment.byteLength > 0) {
            w.uint32(98)
            w.bytes(obj.recoveryCommitment)
          }

          if (obj.deviceCuts != null && obj.deviceCuts.length > 0) {
            for (const value of obj.deviceCuts) {
              w.uint32(106)
              DeviceCut.codec().encode(value, w)
            }
          }

          if (obj.profile != null && obj.profile.byteLength > 0) {
            w.uint32(114)
            w.bytes(obj.profile)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            kind: RoomOpKind.CREATE,
            target: uint8ArrayAlloc(0),
            name: '',
            inviteOnly: false,
            inviteKey: uint8ArrayAlloc(0),
            inviteProof: uint8ArrayAlloc(0),
            cutSeq: 0,
            nonce: uint8ArrayAlloc(0),
            rotations: [],
            recoveries: [],
            deviceList: uint8ArrayAlloc(0),
            recoveryCommitment: uint8ArrayAlloc(0),
            deviceCuts: [],
            profile: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.kind = RoomOpKind.codec().decode(reader)
                break
              }
              case 2: {
                obj.target = reader.bytes()
                break
              }
              case 3: {
                obj.name = reader.string()
                break
              }
              case 4: {
                obj.inviteOnly = reader.bool()
                break
              }
              case 5: {
                obj.inviteKey = reader.bytes()
                break
              }
              case 6: {
                obj.inviteProof = reader.bytes()
                break
              }
              case 7: {
                obj.cutSeq = reader.uint32()
                break
              }
              case 8: {
                obj.nonce = reader.bytes()
                break
              }
              case 9: {
                if (
                  opts.limits?.rotations != null &&
                  obj.rotations.length === opts.limits.rotations
                ) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "rotations" had too many elements',
                  )
                }

                obj.rotations.push(reader.bytes())
                break
              }
              case 10: {
                if (
                  opts.limits?.recoveries != null &&
                  obj.recoveries.length === opts.limits.recoveries
                ) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "recoveries" had too many elements',
                  )
                }

                obj.recoveries.push(reader.bytes())
                break
              }
              case 11: {
                obj.deviceList = reader.bytes()
                break
              }
              case 12: {
                obj.recoveryCommitment = reader.bytes()
                break
              }
              case 13: {
                if (
                  opts.limits?.deviceCuts != null &&
                  obj.deviceCuts.length === opts.limits.deviceCuts
                ) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "deviceCuts" had too many elements',
                  )
                }

                obj.deviceCuts.push(
                  DeviceCut.codec().decode(reader, reader.uint32(), {
                    limits: opts.limits?.deviceCuts$,
                  }),
                )
                break
              }
              case 14: {
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
          const obj = {
            rotations: 0,
            recoveries: 0,
            deviceCuts: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.kind`,
                  value: RoomOpKind.codec().decode(reader),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.target`,
                  value: reader.bytes(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.name`,
                  value: reader.string(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.inviteOnly`,
                  value: reader.bool(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.inviteKey`,
                  value: reader.bytes(),
                }
                break
              }
              case 6: {
                yield {
                  field: `${prefix}.inviteProof`,
                  value: reader.bytes(),
                }
                break
              }
              case 7: {
                yield {
                  field: `${prefix}.cutSeq`,
                  value: reader.uint32(),
                }
                break
              }
              case 8: {
                yield {
                  field: `${prefix}.nonce`,
                  value: reader.bytes(),
                }
                break
              }
              case 9: {
                if (opts.limits?.rotations != null && obj.rotations === opts.limits.rotations) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "rotations" had too many elements',
                  )
                }

                yield {
                  field: `${prefix}.rotations[]`,
                  index: obj.rotations,
                  value: reader.bytes(),
                }

                obj.rotations++

                break
              }
              case 10: {
                if (opts.limits?.recoveries != null && obj.recoveries === opts.limits.recoveries) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "recoveries" had too many elements',
                  )
                }

                yield {
                  field: `${prefix}.recoveries[]`,
                  index: obj.recoveries,
                  value: reader.bytes(),
                }

                obj.recoveries++

                break
              }
              case 11: {
                yield {
                  field: `${prefix}.deviceList`,
                  value: reader.bytes(),
                }
                break
              }
              case 12: {
                yield {
                  field: `${prefix}.recoveryCommitment`,
                  value: reader.bytes(),
                }
                break
              }
              case 13: {
                if (opts.limits?.deviceCuts != null && obj.deviceCuts === opts.limits.deviceCuts) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "deviceCuts" had too many elements',
                  )
                }

                for (const evt of DeviceCut.codec().stream(
                  reader,
                  reader.uint32(),
                  `${prefix}.deviceCuts[]`,
                  {
                    limits: opts.limits?.deviceCuts$,
                  },
                )) {
                  yield {
                    ...evt,
                    index: obj.deviceCuts,
                  }
                }

                obj.deviceCuts++

                break
              }
              case 14: {
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

  export interface RoomOpKindFieldEvent {
    field: '$.kind'
    value: RoomOpKind
  }

  export interface RoomOpTargetFieldEvent {
    field: '$.target'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomOpNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface RoomOpInviteOnlyFieldEvent {
    field: '$.inviteOnly'
    value: boolean
  }

  export interface RoomOpInviteKeyFieldEvent {
    field: '$.inviteKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomOpInviteProofFieldEvent {
    field: '$.inviteProof'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomOpCutSeqFieldEvent {
    field: '$.cutSeq'
    value: number
  }

  export interface RoomOpNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomOpRotationsFieldEvent {
    field: '$.rotations[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomOpRecoveriesFieldEvent {
    field: '$.recoveries[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomOpDeviceListFieldEvent {
    field: '$.deviceList'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomOpRecoveryCommitmentFieldEvent {
    field: '$.recoveryCommitment'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomOpDeviceCutsDeviceFieldEvent {
    field: '$.deviceCuts[].device'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RoomOpDeviceCutsSeqFieldEvent {
    field: '$.deviceCuts[].seq'
    value: number
    index: number
  }

  export interface RoomOpProfileFieldEvent {
    field: '$.profile'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<RoomOp>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RoomOp.codec())
  }

  export function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RoomOp>): RoomOp {
    return decodeMessage(buf, RoomOp.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RoomOp>,
  ): Generator<
    | RoomOpKindFieldEvent
    | RoomOpTargetFieldEvent
    | RoomOpNameFieldEvent
    | RoomOpInviteOnlyFieldEvent
    | RoomOpInviteKeyFieldEvent
    | RoomOpInviteProofFieldEvent
    | RoomOpCutSeqFieldEvent
    | RoomOpNonceFieldEvent
    | RoomOpRotationsFieldEvent
    | RoomOpRecoveriesFieldEvent
    | RoomOpDeviceListFieldEvent
    | RoomOpRecoveryCommitmentFieldEvent
    | RoomOpDeviceCutsDeviceFieldEvent
    | RoomOpDeviceCutsSeqFieldEvent
    | RoomOpProfileFieldEvent
  > {
    return streamMessage(buf, RoomOp.codec(), opts)
  }
}

export interface DeviceCut {
  device: Uint8Array<ArrayBuffer>
  seq: number
}

export namespace DeviceCut {
  let _codec: Codec<DeviceCut>

  export const codec = (): Codec<DeviceCut> => {
    if (_codec == null) {
      _codec = message<DeviceCut>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.device != null && obj.device.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.device)
          }

          if (obj.seq != null && obj.seq !== 0) {
            w.uint32(16)
            w.uint32(obj.seq)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            device: uint8ArrayAlloc(0),
            seq: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.device = reader.bytes()
                break
              }
              case 2: {
                obj.seq = reader.uint32()
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
                  field: `${prefix}.device`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.seq`,
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

  export interface DeviceCutDeviceFieldEvent {
    field: '$.device'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeviceCutSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export function encode(obj: Partial<DeviceCut>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DeviceCut.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DeviceCut>,
  ): DeviceCut {
    return decodeMessage(buf, DeviceCut.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DeviceCut>,
  ): Generator<DeviceCutDeviceFieldEvent | DeviceCutSeqFieldEvent> {
    return streamMessage(buf, DeviceCut.codec(), opts)
  }
}

export interface RoomCiphertext {
  keyId: Uint8Array<ArrayBuffer>
  index: number
  ciphertext: Uint8Array<ArrayBuffer>
}

export namespace RoomCiphertext {
  let _codec: Codec<RoomCiphertext>

  export const codec = (): Codec<RoomCiphertext> => {
    if (_codec == null) {
      _codec = message<RoomCiphertext>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.keyId != null && obj.keyId.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.keyId)
          }

          if (obj.index != null && obj.index !== 0) {
            w.uint32(16)
            w.uint32(obj.index)
          }

          if (obj.ciphertext != null && obj.ciphertext.byteLength > 0) {
            w.uint32(26)
            w.bytes(obj.ciphertext)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            keyId: uint8ArrayAlloc(0),
            index: 0,
            ciphertext: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.keyId = reader.bytes()
                break
              }
              case 2: {
                obj.index = reader.uint32()
                break
              }
              case 3: {
                obj.ciphertext = reader.bytes()
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
                  field: `${prefix}.keyId`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.index`,
                  value: reader.uint32(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.ciphertext`,
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

  export interface RoomCiphertextKeyIdFieldEvent {
    field: '$.keyId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomCiphertextIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export interface RoomCiphertextCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<RoomCiphertext>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RoomCiphertext.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RoomCiphertext>,
  ): RoomCiphertext {
    return decodeMessage(buf, RoomCiphertext.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RoomCiphertext>,
  ): Generator<
    | RoomCiphertextKeyIdFieldEvent
    | RoomCiphertextIndexFieldEvent
    | RoomCiphertextCiphertextFieldEvent
  > {
    return streamMessage(buf, RoomCiphertext.codec(), opts)
  }
}

export interface RoomEvent {
  roomId: Uint8Array<ArrayBuffer>
  author: Uint8Array<ArrayBuffer>
  seq: number
  lamport: number
  sentAtMs: number
  deps: Uint8Array<ArrayBuffer>[]
  op?: RoomOp
  message?: RoomCiphertext
}

export namespace RoomEvent {
  let _codec: Codec<RoomEvent>

  export const codec = (): Codec<RoomEvent> => {
    if (_codec == null) {
      _codec = message<RoomEvent>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.roomId != null && obj.roomId.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.roomId)
          }

          if (obj.author != null && obj.author.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.author)
          }

          if (obj.seq != null && obj.seq !== 0) {
            w.uint32(24)
            w.uint32(obj.seq)
          }

          if (obj.lamport != null && obj.lamport !== 0) {
            w.uint32(32)
            w.uint64Number(obj.lamport)
          }

          if (obj.sentAtMs != null && obj.sentAtMs !== 0) {
            w.uint32(40)
            w.uint64Number(obj.sentAtMs)
          }

          if (obj.deps != null && obj.deps.length > 0) {
            for (const value of obj.deps) {
              w.uint32(50)
              w.bytes(value)
            }
          }

          if (obj.op != null) {
            w.uint32(58)
            RoomOp.codec().encode(obj.op, w)
          }

          if (obj.message != null) {
            w.uint32(66)
            RoomCiphertext.codec().encode(obj.message, w)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            roomId: uint8ArrayAlloc(0),
            author: uint8ArrayAlloc(0),
            seq: 0,
            lamport: 0,
            sentAtMs: 0,
            deps: [],
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.roomId = reader.bytes()
                break
              }
              case 2: {
                obj.author = reader.bytes()
                break
              }
              case 3: {
                obj.seq = reader.uint32()
                break
              }
              case 4: {
                obj.lamport = reader.uint64Number()
                break
              }
              case 5: {
                obj.sentAtMs = reader.uint64Number()
                break
              }
              case 6: {
                if (opts.limits?.deps != null && obj.deps.length === opts.limits.deps) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "deps" had too many elements',
                  )
                }

                obj.deps.push(reader.bytes())
                break
              }
              case 7: {
                obj.op = RoomOp.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.op,
                })
                break
              }
              case 8: {
                obj.message = RoomCiphertext.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.message,
                })
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
            deps: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.roomId`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.author`,
                  value: reader.bytes(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.seq`,
                  value: reader.uint32(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.lamport`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.sentAtMs`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 6: {
                if (opts.limits?.deps != null && obj.deps === opts.limits.deps) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "deps" had too many elements',
                  )
                }

                yield {
                  field: `${prefix}.deps[]`,
                  index: obj.deps,
                  value: reader.bytes(),
                }

                obj.deps++

                break
              }
              case 7: {
                yield* RoomOp.codec().stream(reader, reader.uint32(), `${prefix}.op`, {
                  limits: opts.limits?.op,
                })

                break
              }
              case 8: {
                yield* RoomCiphertext.codec().stream(reader, reader.uint32(), `${prefix}.message`, {
                  limits: opts.limits?.message,
                })

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

  export interface RoomEventRoomIdFieldEvent {
    field: '$.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomEventAuthorFieldEvent {
    field: '$.author'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomEventSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface RoomEventLamportFieldEvent {
    field: '$.lamport'
    value: number
  }

  export interface RoomEventSentAtMsFieldEvent {
    field: '$.sentAtMs'
    value: number
  }

  export interface RoomEventDepsFieldEvent {
    field: '$.deps[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomEventOpKindFieldEvent {
    field: '$.op.kind'
    value: RoomOpKind
  }

  export interface RoomEventOpTargetFieldEvent {
    field: '$.op.target'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomEventOpNameFieldEvent {
    field: '$.op.name'
    value: string
  }

  export interface RoomEventOpInviteOnlyFieldEvent {
    field: '$.op.inviteOnly'
    value: boolean
  }

  export interface RoomEventOpInviteKeyFieldEvent {
    field: '$.op.inviteKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomEventOpInviteProofFieldEvent {
    field: '$.op.inviteProof'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomEventOpCutSeqFieldEvent {
    field: '$.op.cutSeq'
    value: number
  }

  export interface RoomEventOpNonceFieldEvent {
    field: '$.op.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomEventOpRotationsFieldEvent {
    field: '$.op.rotations[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomEventOpRecoveriesFieldEvent {
    field: '$.op.recoveries[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomEventOpDeviceListFieldEvent {
    field: '$.op.deviceList'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomEventOpRecoveryCommitmentFieldEvent {
    field: '$.op.recoveryCommitment'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomEventOpDeviceCutsDeviceFieldEvent {
    field: '$.op.deviceCuts[].device'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RoomEventOpDeviceCutsSeqFieldEvent {
    field: '$.op.deviceCuts[].seq'
    value: number
    index: number
  }

  export interface RoomEventOpProfileFieldEvent {
    field: '$.op.profile'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomEventMessageKeyIdFieldEvent {
    field: '$.message.keyId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomEventMessageIndexFieldEvent {
    field: '$.message.index'
    value: number
  }

  export interface RoomEventMessageCiphertextFieldEvent {
    field: '$.message.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<RoomEvent>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RoomEvent.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RoomEvent>,
  ): RoomEvent {
    return decodeMessage(buf, RoomEvent.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RoomEvent>,
  ): Generator<
    | RoomEventRoomIdFieldEvent
    | RoomEventAuthorFieldEvent
    | RoomEventSeqFieldEvent
    | RoomEventLamportFieldEvent
    | RoomEventSentAtMsFieldEvent
    | RoomEventDepsFieldEvent
    | RoomEventOpKindFieldEvent
    | RoomEventOpTargetFieldEvent
    | RoomEventOpNameFieldEvent
    | RoomEventOpInviteOnlyFieldEvent
    | RoomEventOpInviteKeyFieldEvent
    | RoomEventOpInviteProofFieldEvent
    | RoomEventOpCutSeqFieldEvent
    | RoomEventOpNonceFieldEvent
    | RoomEventOpRotationsFieldEvent
    | RoomEventOpRecoveriesFieldEvent
    | RoomEventOpDeviceListFieldEvent
    | RoomEventOpRecoveryCommitmentFieldEvent
    | RoomEventOpDeviceCutsDeviceFieldEvent
    | RoomEventOpDeviceCutsSeqFieldEvent
    | RoomEventOpProfileFieldEvent
    | RoomEventMessageKeyIdFieldEvent
    | RoomEventMessageIndexFieldEvent
    | RoomEventMessageCiphertextFieldEvent
  > {
    return streamMessage(buf, RoomEvent.codec(), opts)
  }
}

export interface RoomContent {
  text: string
  replyTo: Uint8Array<ArrayBuffer>
  action?: RoomAction
  forwarded: boolean
  style: Uint8Array<ArrayBuffer>
  attachment: Uint8Array<ArrayBuffer>
  mentions: Uint8Array<ArrayBuffer>[]
}

export namespace RoomContent {
  let _codec: Codec<RoomContent>

  export const codec = (): Codec<RoomContent> => {
    if (_codec == null) {
      _codec = message<RoomContent>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.text != null && obj.text !== '') {
            w.uint32(10)
            w.string(obj.text)
          }

          if (obj.replyTo != null && obj.replyTo.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.replyTo)
          }

          if (obj.action != null) {
            w.uint32(26)
            RoomAction.codec().encode(obj.action, w)
          }

          if (obj.forwarded != null && obj.forwarded !== false) {
            w.uint32(32)
            w.bool(obj.forwarded)
          }

          if (obj.style != null && obj.style.byteLength > 0) {
            w.uint32(42)
            w.bytes(obj.style)
          }

          if (obj.attachment != null && obj.attachment.byteLength > 0) {
            w.uint32(50)
            w.bytes(obj.attachment)
          }

          if (obj.mentions != null && obj.mentions.length > 0) {
            for (const value of obj.mentions) {
              w.uint32(58)
              w.bytes(value)
            }
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            text: '',
            replyTo: uint8ArrayAlloc(0),
            forwarded: false,
            style: uint8ArrayAlloc(0),
            attachment: uint8ArrayAlloc(0),
            mentions: [],
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.text = reader.string()
                break
              }
              case 2: {
                obj.replyTo = reader.bytes()
                break
              }
              case 3: {
                obj.action = RoomAction.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.action,
                })
                break
              }
              case 4: {
                obj.forwarded = reader.bool()
                break
              }
              case 5: {
                obj.style = reader.bytes()
                break
              }
              case 6: {
                obj.attachment = reader.bytes()
                break
              }
              case 7: {
                if (opts.limits?.mentions != null && obj.mentions.length === opts.limits.mentions) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "mentions" had too many elements',
                  )
                }

                obj.mentions.push(reader.bytes())
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
            mentions: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.text`,
                  value: reader.string(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.replyTo`,
                  value: reader.bytes(),
                }
                break
              }
              case 3: {
                yield* RoomAction.codec().stream(reader, reader.uint32(), `${prefix}.action`, {
                  limits: opts.limits?.action,
                })

                break
              }
              case 4: {
                yield {
                  field: `${prefix}.forwarded`,
                  value: reader.bool(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.style`,
                  value: reader.bytes(),
                }
                break
              }
              case 6: {
                yield {
                  field: `${prefix}.attachment`,
                  value: reader.bytes(),
                }
                break
              }
              case 7: {
                if (opts.limits?.mentions != null && obj.mentions === opts.limits.mentions) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "mentions" had too many elements',
                  )
                }

                yield {
                  field: `${prefix}.mentions[]`,
                  index: obj.mentions,
                  value: reader.bytes(),
                }

                obj.mentions++

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

  export interface RoomContentTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface RoomContentReplyToFieldEvent {
    field: '$.replyTo'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomContentActionTargetFieldEvent {
    field: '$.action.target'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomContentActionTypeFieldEvent {
    field: '$.action.type'
    value: RoomActionType
  }

  export interface RoomContentActionEmojiFieldEvent {
    field: '$.action.emoji'
    value: string
  }

  export interface RoomContentForwardedFieldEvent {
    field: '$.forwarded'
    value: boolean
  }

  export interface RoomContentStyleFieldEvent {
    field: '$.style'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomContentAttachmentFieldEvent {
    field: '$.attachment'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomContentMentionsFieldEvent {
    field: '$.mentions[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<RoomContent>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RoomContent.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RoomContent>,
  ): RoomContent {
    return decodeMessage(buf, RoomContent.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RoomContent>,
  ): Generator<
    | RoomContentTextFieldEvent
    | RoomContentReplyToFieldEvent
    | RoomContentActionTargetFieldEvent
    | RoomContentActionTypeFieldEvent
    | RoomContentActionEmojiFieldEvent
    | RoomContentForwardedFieldEvent
    | RoomContentStyleFieldEvent
    | RoomContentAttachmentFieldEvent
    | RoomContentMentionsFieldEvent
  > {
    return streamMessage(buf, RoomContent.codec(), opts)
  }
}

export enum RoomActionType {
  ROOM_EDIT = 'ROOM_EDIT',
  ROOM_RECALL = 'ROOM_RECALL',
  ROOM_REACT = 'ROOM_REACT',
}

enum __RoomActionTypeValues {
  ROOM_EDIT = 0,
  ROOM_RECALL = 1,
  ROOM_REACT = 2,
}

export namespace RoomActionType {
  export const codec = (): Codec<RoomActionType> => {
    return enumeration<RoomActionType>(__RoomActionTypeValues)
  }
}

export interface RoomAction {
  target: Uint8Array<ArrayBuffer>
  type: RoomActionType
  emoji: string
}

export namespace RoomAction {
  let _codec: Codec<RoomAction>

  export const codec = (): Codec<RoomAction> => {
    if (_codec == null) {
      _codec = message<RoomAction>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.target != null && obj.target.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.target)
          }

          if (obj.type != null && __RoomActionTypeValues[obj.type] !== 0) {
            w.uint32(16)
            RoomActionType.codec().encode(obj.type, w)
          }

          if (obj.emoji != null && obj.emoji !== '') {
            w.uint32(26)
            w.string(obj.emoji)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            target: uint8ArrayAlloc(0),
            type: RoomActionType.ROOM_EDIT,
            emoji: '',
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.target = reader.bytes()
                break
              }
              case 2: {
                obj.type = RoomActionType.codec().decode(reader)
                break
              }
              case 3: {
                obj.emoji = reader.string()
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
                  field: `${prefix}.target`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.type`,
                  value: RoomActionType.codec().decode(reader),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.emoji`,
                  value: reader.string(),
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

  export interface RoomActionTargetFieldEvent {
    field: '$.target'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomActionTypeFieldEvent {
    field: '$.type'
    value: RoomActionType
  }

  export interface RoomActionEmojiFieldEvent {
    field: '$.emoji'
    value: string
  }

  export function encode(obj: Partial<RoomAction>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RoomAction.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RoomAction>,
  ): RoomAction {
    return decodeMessage(buf, RoomAction.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RoomAction>,
  ): Generator<RoomActionTargetFieldEvent | RoomActionTypeFieldEvent | RoomActionEmojiFieldEvent> {
    return streamMessage(buf, RoomAction.codec(), opts)
  }
}

export interface RoomKeyBundle {
  roomId: Uint8Array<ArrayBuffer>
  recipient: Uint8Array<ArrayBuffer>
  keyId: Uint8Array<ArrayBuffer>
  index: number
  chainKey: Uint8Array<ArrayBuffer>
  inviteSeed: Uint8Array<ArrayBuffer>
}

export namespace RoomKeyBundle {
  let _codec: Codec<RoomKeyBundle>

  export const codec = (): Codec<RoomKeyBundle> => {
    if (_codec == null) {
      _codec = message<RoomKeyBundle>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.roomId != null && obj.roomId.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.roomId)
          }

          if (obj.recipient != null && obj.recipient.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.recipient)
          }

          if (obj.keyId != null && obj.keyId.byteLength > 0) {
            w.uint32(26)
            w.bytes(obj.keyId)
          }

          if (obj.index != null && obj.index !== 0) {
            w.uint32(32)
            w.uint32(obj.index)
          }

          if (obj.chainKey != null && obj.chainKey.byteLength > 0) {
            w.uint32(42)
            w.bytes(obj.chainKey)
          }

          if (obj.inviteSeed != null && obj.inviteSeed.byteLength > 0) {
            w.uint32(50)
            w.bytes(obj.inviteSeed)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            roomId: uint8ArrayAlloc(0),
            recipient: uint8ArrayAlloc(0),
            keyId: uint8ArrayAlloc(0),
            index: 0,
            chainKey: uint8ArrayAlloc(0),
            inviteSeed: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.roomId = reader.bytes()
                break
              }
              case 2: {
                obj.recipient = reader.bytes()
                break
              }
              case 3: {
                obj.keyId = reader.bytes()
                break
              }
              case 4: {
                obj.index = reader.uint32()
                break
              }
              case 5: {
                obj.chainKey = reader.bytes()
                break
              }
              case 6: {
                obj.inviteSeed = reader.bytes()
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
                  field: `${prefix}.roomId`,
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
                  field: `${prefix}.keyId`,
                  value: reader.bytes(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.index`,
                  value: reader.uint32(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.chainKey`,
                  value: reader.bytes(),
                }
                break
              }
              case 6: {
                yield {
                  field: `${prefix}.inviteSeed`,
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

  export interface RoomKeyBundleRoomIdFieldEvent {
    field: '$.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomKeyBundleRecipientFieldEvent {
    field: '$.recipient'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomKeyBundleKeyIdFieldEvent {
    field: '$.keyId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomKeyBundleIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export interface RoomKeyBundleChainKeyFieldEvent {
    field: '$.chainKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomKeyBundleInviteSeedFieldEvent {
    field: '$.inviteSeed'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<RoomKeyBundle>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RoomKeyBundle.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RoomKeyBundle>,
  ): RoomKeyBundle {
    return decodeMessage(buf, RoomKeyBundle.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RoomKeyBundle>,
  ): Generator<
    | RoomKeyBundleRoomIdFieldEvent
    | RoomKeyBundleRecipientFieldEvent
    | RoomKeyBundleKeyIdFieldEvent
    | RoomKeyBundleIndexFieldEvent
    | RoomKeyBundleChainKeyFieldEvent
    | RoomKeyBundleInviteSeedFieldEvent
  > {
    return streamMessage(buf, RoomKeyBundle.codec(), opts)
  }
}

export interface SealedBox {
  ephemeralKey: Uint8Array<ArrayBuffer>
  ciphertext: Uint8Array<ArrayBuffer>
}

export namespace SealedBox {
  let _codec: Codec<SealedBox>

  export const codec = (): Codec<SealedBox> => {
    if (_codec == null) {
      _codec = message<SealedBox>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.ephemeralKey != null && obj.ephemeralKey.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.ephemeralKey)
          }

          if (obj.ciphertext != null && obj.ciphertext.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.ciphertext)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            ephemeralKey: uint8ArrayAlloc(0),
            ciphertext: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.ephemeralKey = reader.bytes()
                break
              }
              case 2: {
                obj.ciphertext = reader.bytes()
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
                  field: `${prefix}.ephemeralKey`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.ciphertext`,
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

  export interface SealedBoxEphemeralKeyFieldEvent {
    field: '$.ephemeralKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SealedBoxCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<SealedBox>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SealedBox.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<SealedBox>,
  ): SealedBox {
    return decodeMessage(buf, SealedBox.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<SealedBox>,
  ): Generator<SealedBoxEphemeralKeyFieldEvent | SealedBoxCiphertextFieldEvent> {
    return streamMessage(buf, SealedBox.codec(), opts)
  }
}

export interface RoomHead {
  author: Uint8Array<ArrayBuffer>
  seq: number
}

export namespace RoomHead {
  let _codec: Codec<RoomHead>

  export const codec = (): Codec<RoomHead> => {
    if (_codec == null) {
      _codec = message<RoomHead>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.author != null && obj.author.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.author)
          }

          if (obj.seq != null && obj.seq !== 0) {
            w.uint32(16)
            w.uint32(obj.seq)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            author: uint8ArrayAlloc(0),
            seq: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.author = reader.bytes()
                break
              }
              case 2: {
                obj.seq = reader.uint32()
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
                  field: `${prefix}.author`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.seq`,
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

  export interface RoomHeadAuthorFieldEvent {
    field: '$.author'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomHeadSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export function encode(obj: Partial<RoomHead>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RoomHead.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RoomHead>,
  ): RoomHead {
    return decodeMessage(buf, RoomHead.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RoomHead>,
  ): Generator<RoomHeadAuthorFieldEvent | RoomHeadSeqFieldEvent> {
    return streamMessage(buf, RoomHead.codec(), opts)
  }
}

export interface RoomSyncRequest {
  roomId: Uint8Array<ArrayBuffer>
  heads: RoomHead[]
  limit: number
  inviteProof: Uint8Array<ArrayBuffer>
}

export namespace RoomSyncRequest {
  let _codec: Codec<RoomSyncRequest>

  export const codec = (): Codec<RoomSyncRequest> => {
    if (_codec == null) {
      _codec = message<RoomSyncRequest>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.roomId != null && obj.roomId.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.roomId)
          }

          if (obj.heads != null && obj.heads.length > 0) {
            for (const value of obj.heads) {
              w.uint32(18)
              RoomHead.codec().encode(value, w)
            }
          }

          if (obj.limit != null && obj.limit !== 0) {
            w.uint32(24)
            w.uint32(obj.limit)
          }

          if (obj.inviteProof != null && obj.inviteProof.byteLength > 0) {
            w.uint32(34)
            w.bytes(obj.inviteProof)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            roomId: uint8ArrayAlloc(0),
            heads: [],
            limit: 0,
            inviteProof: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.roomId = reader.bytes()
                break
              }
              case 2: {
                if (opts.limits?.heads != null && obj.heads.length === opts.limits.heads) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "heads" had too many elements',
                  )
                }

                obj.heads.push(
                  RoomHead.codec().decode(reader, reader.uint32(), {
                    limits: opts.limits?.heads$,
                  }),
                )
                break
              }
              case 3: {
                obj.limit = reader.uint32()
                break
              }
              case 4: {
                obj.inviteProof = reader.bytes()
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
            heads: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.roomId`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                if (opts.limits?.heads != null && obj.heads === opts.limits.heads) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "heads" had too many elements',
                  )
                }

                for (const evt of RoomHead.codec().stream(
                  reader,
                  reader.uint32(),
                  `${prefix}.heads[]`,
                  {
                    limits: opts.limits?.heads$,
                  },
                )) {
                  yield {
                    ...evt,
                    index: obj.heads,
                  }
                }

                obj.heads++

                break
              }
              case 3: {
                yield {
                  field: `${prefix}.limit`,
                  value: reader.uint32(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.inviteProof`,
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

  export interface RoomSyncRequestRoomIdFieldEvent {
    field: '$.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomSyncRequestHeadsAuthorFieldEvent {
    field: '$.heads[].author'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RoomSyncRequestHeadsSeqFieldEvent {
    field: '$.heads[].seq'
    value: number
    index: number
  }

  export interface RoomSyncRequestLimitFieldEvent {
    field: '$.limit'
    value: number
  }

  export interface RoomSyncRequestInviteProofFieldEvent {
    field: '$.inviteProof'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<RoomSyncRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RoomSyncRequest.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RoomSyncRequest>,
  ): RoomSyncRequest {
    return decodeMessage(buf, RoomSyncRequest.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RoomSyncRequest>,
  ): Generator<
    | RoomSyncRequestRoomIdFieldEvent
    | RoomSyncRequestHeadsAuthorFieldEvent
    | RoomSyncRequestHeadsSeqFieldEvent
    | RoomSyncRequestLimitFieldEvent
    | RoomSyncRequestInviteProofFieldEvent
  > {
    return streamMessage(buf, RoomSyncRequest.codec(), opts)
  }
}

export enum RoomSyncStatus {
  OK = 'OK',
  UNKNOWN_ROOM = 'UNKNOWN_ROOM',
  REFUSED = 'REFUSED',
}

enum __RoomSyncStatusValues {
  OK = 0,
  UNKNOWN_ROOM = 1,
  REFUSED = 2,
}

export namespace RoomSyncStatus {
  export const codec = (): Codec<RoomSyncStatus> => {
    return enumeration<RoomSyncStatus>(__RoomSyncStatusValues)
  }
}

export interface RoomSyncFrame {
  event: Uint8Array<ArrayBuffer>
  done: boolean
  status: RoomSyncStatus
  complete: boolean
  heads: RoomHead[]
}

export namespace RoomSyncFrame {
  let _codec: Codec<RoomSyncFrame>

  export const codec = (): Codec<RoomSyncFrame> => {
    if (_codec == null) {
      _codec = message<RoomSyncFrame>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.event != null && obj.event.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.event)
          }

          if (obj.done != null && obj.done !== false) {
            w.uint32(16)
            w.bool(obj.done)
          }

          if (obj.status != null && __RoomSyncStatusValues[obj.status] !== 0) {
            w.uint32(24)
            RoomSyncStatus.codec().encode(obj.status, w)
          }

          if (obj.complete != null && obj.complete !== false) {
            w.uint32(32)
            w.bool(obj.complete)
          }

          if (obj.heads != null && obj.heads.length > 0) {
            for (const value of obj.heads) {
              w.uint32(42)
              RoomHead.codec().encode(value, w)
            }
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            event: uint8ArrayAlloc(0),
            done: false,
            status: RoomSyncStatus.OK,
            complete: false,
            heads: [],
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.event = reader.bytes()
                break
              }
              case 2: {
                obj.done = reader.bool()
                break
              }
              case 3: {
                obj.status = RoomSyncStatus.codec().decode(reader)
                break
              }
              case 4: {
                obj.complete = reader.bool()
                break
              }
              case 5: {
                if (opts.limits?.heads != null && obj.heads.length === opts.limits.heads) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "heads" had too many elements',
                  )
                }

                obj.heads.push(
                  RoomHead.codec().decode(reader, reader.uint32(), {
                    limits: opts.limits?.heads$,
                  }),
                )
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
            heads: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.event`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.done`,
                  value: reader.bool(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.status`,
                  value: RoomSyncStatus.codec().decode(reader),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.complete`,
                  value: reader.bool(),
                }
                break
              }
              case 5: {
                if (opts.limits?.heads != null && obj.heads === opts.limits.heads) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "heads" had too many elements',
                  )
                }

                for (const evt of RoomHead.codec().stream(
                  reader,
                  reader.uint32(),
                  `${prefix}.heads[]`,
                  {
                    limits: opts.limits?.heads$,
                  },
                )) {
                  yield {
                    ...evt,
                    index: obj.heads,
                  }
                }

                obj.heads++

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

  export interface RoomSyncFrameEventFieldEvent {
    field: '$.event'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomSyncFrameDoneFieldEvent {
    field: '$.done'
    value: boolean
  }

  export interface RoomSyncFrameStatusFieldEvent {
    field: '$.status'
    value: RoomSyncStatus
  }

  export interface RoomSyncFrameCompleteFieldEvent {
    field: '$.complete'
    value: boolean
  }

  export interface RoomSyncFrameHeadsAuthorFieldEvent {
    field: '$.heads[].author'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RoomSyncFrameHeadsSeqFieldEvent {
    field: '$.heads[].seq'
    value: number
    index: number
  }

  export function encode(obj: Partial<RoomSyncFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RoomSyncFrame.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RoomSyncFrame>,
  ): RoomSyncFrame {
    return decodeMessage(buf, RoomSyncFrame.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RoomSyncFrame>,
  ): Generator<
    | RoomSyncFrameEventFieldEvent
    | RoomSyncFrameDoneFieldEvent
    | RoomSyncFrameStatusFieldEvent
    | RoomSyncFrameCompleteFieldEvent
    | RoomSyncFrameHeadsAuthorFieldEvent
    | RoomSyncFrameHeadsSeqFieldEvent
  > {
    return streamMessage(buf, RoomSyncFrame.codec(), opts)
  }
}

export interface RoomKeyFrame {
  sealed: Uint8Array<ArrayBuffer>
  ack: boolean
}

export namespace RoomKeyFrame {
  let _codec: Codec<RoomKeyFrame>

  export const codec = (): Codec<RoomKeyFrame> => {
    if (_codec == null) {
      _codec = message<RoomKeyFrame>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.sealed != null && obj.sealed.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.sealed)
          }

          if (obj.ack != null && obj.ack !== false) {
            w.uint32(16)
            w.bool(obj.ack)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            sealed: uint8ArrayAlloc(0),
            ack: false,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.sealed = reader.bytes()
                break
              }
              case 2: {
                obj.ack = reader.bool()
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
                  field: `${prefix}.sealed`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.ack`,
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

  export interface RoomKeyFrameSealedFieldEvent {
    field: '$.sealed'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoomKeyFrameAckFieldEvent {
    field: '$.ack'
    value: boolean
  }

  export function encode(obj: Partial<RoomKeyFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RoomKeyFrame.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RoomKeyFrame>,
  ): RoomKeyFrame {
    return decodeMessage(buf, RoomKeyFrame.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RoomKeyFrame>,
  ): Generator<RoomKeyFrameSealedFieldEvent | RoomKeyFrameAckFieldEvent> {
    return streamMessage(buf, RoomKeyFrame.codec(), opts)
  }
}
