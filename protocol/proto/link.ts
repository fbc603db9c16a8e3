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

export interface LinkCode {
  device: Uint8Array<ArrayBuffer>
  addresses: Uint8Array<ArrayBuffer>[]
  secret: Uint8Array<ArrayBuffer>
  expiresMs: number
}

export namespace LinkCode {
  let _codec: Codec<LinkCode>

  export const codec = (): Codec<LinkCode> => {
    if (_codec == null) {
      _codec = message<LinkCode>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.device != null && obj.device.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.device)
          }

          if (obj.addresses != null && obj.addresses.length > 0) {
            for (const value of obj.addresses) {
              w.uint32(18)
              w.bytes(value)
            }
          }

          if (obj.secret != null && obj.secret.byteLength > 0) {
            w.uint32(26)
            w.bytes(obj.secret)
          }

          if (obj.expiresMs != null && obj.expiresMs !== 0) {
            w.uint32(32)
            w.uint64Number(obj.expiresMs)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            device: uint8ArrayAlloc(0),
            addresses: [],
            secret: uint8ArrayAlloc(0),
            expiresMs: 0,
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
                if (
                  opts.limits?.addresses != null &&
                  obj.addresses.length === opts.limits.addresses
                ) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "addresses" had too many elements',
                  )
                }

                obj.addresses.push(reader.bytes())
                break
              }
              case 3: {
                obj.secret = reader.bytes()
                break
              }
              case 4: {
                obj.expiresMs = reader.uint64Number()
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
            addresses: 0,
          }

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
                if (opts.limits?.addresses != null && obj.addresses === opts.limits.addresses) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "addresses" had too many elements',
                  )
                }

                yield {
                  field: `${prefix}.addresses[]`,
                  index: obj.addresses,
                  value: reader.bytes(),
                }

                obj.addresses++

                break
              }
              case 3: {
                yield {
                  field: `${prefix}.secret`,
                  value: reader.bytes(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.expiresMs`,
                  value: reader.uint64Number(),
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

  export interface LinkCodeDeviceFieldEvent {
    field: '$.device'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LinkCodeAddressesFieldEvent {
    field: '$.addresses[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface LinkCodeSecretFieldEvent {
    field: '$.secret'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LinkCodeExpiresMsFieldEvent {
    field: '$.expiresMs'
    value: number
  }

  export function encode(obj: Partial<LinkCode>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LinkCode.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<LinkCode>,
  ): LinkCode {
    return decodeMessage(buf, LinkCode.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<LinkCode>,
  ): Generator<
    | LinkCodeDeviceFieldEvent
    | LinkCodeAddressesFieldEvent
    | LinkCodeSecretFieldEvent
    | LinkCodeExpiresMsFieldEvent
  > {
    return streamMessage(buf, LinkCode.codec(), opts)
  }
}

export enum LinkFrameKind {
  HELLO = 'HELLO',
  ACCEPTED = 'ACCEPTED',
  REFUSED = 'REFUSED',
  CONFIRMED = 'CONFIRMED',
  HANDOVER = 'HANDOVER',
  DONE = 'DONE',
}

enum __LinkFrameKindValues {
  HELLO = 0,
  ACCEPTED = 1,
  REFUSED = 2,
  CONFIRMED = 3,
  HANDOVER = 4,
  DONE = 5,
}

export namespace LinkFrameKind {
  export const codec = (): Codec<LinkFrameKind> => {
    return enumeration<LinkFrameKind>(__LinkFrameKindValues)
  }
}

export interface LinkFrame {
  kind: LinkFrameKind
  proof: Uint8Array<ArrayBuffer>
  deviceName: string
  error: string
  sealedAccountKey: Uint8Array<ArrayBuffer>
  certificate: Uint8Array<ArrayBuffer>
  deviceList: Uint8Array<ArrayBuffer>
  state?: LinkState
}

export namespace LinkFrame {
  let _codec: Codec<LinkFrame>

  export const codec = (): Codec<LinkFrame> => {
    if (_codec == null) {
      _codec = message<LinkFrame>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.kind != null && __LinkFrameKindValues[obj.kind] !== 0) {
            w.uint32(8)
            LinkFrameKind.codec().encode(obj.kind, w)
          }

          if (obj.proof != null && obj.proof.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.proof)
          }

          if (obj.deviceName != null && obj.deviceName !== '') {
            w.uint32(26)
            w.string(obj.deviceName)
          }

          if (obj.error != null && obj.error !== '') {
            w.uint32(34)
            w.string(obj.error)
          }

          if (obj.sealedAccountKey != null && obj.sealedAccountKey.byteLength > 0) {
            w.uint32(42)
            w.bytes(obj.sealedAccountKey)
          }

          if (obj.certificate != null && obj.certificate.byteLength > 0) {
            w.uint32(50)
            w.bytes(obj.certificate)
          }

          if (obj.deviceList != null && obj.deviceList.byteLength > 0) {
            w.uint32(58)
            w.bytes(obj.deviceList)
          }

          if (obj.state != null) {
            w.uint32(66)
            LinkState.codec().encode(obj.state, w)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            kind: LinkFrameKind.HELLO,
            proof: uint8ArrayAlloc(0),
            deviceName: '',
            error: '',
            sealedAccountKey: uint8ArrayAlloc(0),
            certificate: uint8ArrayAlloc(0),
            deviceList: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.kind = LinkFrameKind.codec().decode(reader)
                break
              }
              case 2: {
                obj.proof = reader.bytes()
                break
              }
              case 3: {
                obj.deviceName = reader.string()
                break
              }
              case 4: {
                obj.error = reader.string()
                break
              }
              case 5: {
                obj.sealedAccountKey = reader.bytes()
                break
              }
              case 6: {
                obj.certificate = reader.bytes()
                break
              }
              case 7: {
                obj.deviceList = reader.bytes()
                break
              }
              case 8: {
                obj.state = LinkState.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.state,
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
          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.kind`,
                  value: LinkFrameKind.codec().decode(reader),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.proof`,
                  value: reader.bytes(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.deviceName`,
                  value: reader.string(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.error`,
                  value: reader.string(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.sealedAccountKey`,
                  value: reader.bytes(),
                }
                break
              }
              case 6: {
                yield {
                  field: `${prefix}.certificate`,
                  value: reader.bytes(),
                }
                break
              }
              case 7: {
                yield {
                  field: `${prefix}.deviceList`,
                  value: reader.bytes(),
                }
                break
              }
              case 8: {
                yield* LinkState.codec().stream(reader, reader.uint32(), `${prefix}.state`, {
                  limits: opts.limits?.state,
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

  export interface LinkFrameKindFieldEvent {
    field: '$.kind'
    value: LinkFrameKind
  }

  export interface LinkFrameProofFieldEvent {
    field: '$.proof'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LinkFrameDeviceNameFieldEvent {
    field: '$.deviceName'
    value: string
  }

  export interface LinkFrameErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export interface LinkFrameSealedAccountKeyFieldEvent {
    field: '$.sealedAccountKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LinkFrameCertificateFieldEvent {
    field: '$.certificate'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LinkFrameDeviceListFieldEvent {
    field: '$.deviceList'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LinkFrameStateFriendsKeyFieldEvent {
    field: '$.state.friends[].key'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface LinkFrameStateFriendsNameFieldEvent {
    field: '$.state.friends[].name'
    value: string
    index: number
  }

  export interface LinkFrameStateRelaysFieldEvent {
    field: '$.state.relays[]'
    index: number
    value: string
  }

  export function encode(obj: Partial<LinkFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LinkFrame.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<LinkFrame>,
  ): LinkFrame {
    return decodeMessage(buf, LinkFrame.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<LinkFrame>,
  ): Generator<
    | LinkFrameKindFieldEvent
    | LinkFrameProofFieldEvent
    | LinkFrameDeviceNameFieldEvent
    | LinkFrameErrorFieldEvent
    | LinkFrameSealedAccountKeyFieldEvent
    | LinkFrameCertificateFieldEvent
    | LinkFrameDeviceListFieldEvent
    | LinkFrameStateFriendsKeyFieldEvent
    | LinkFrameStateFriendsNameFieldEvent
    | LinkFrameStateRelaysFieldEvent
  > {
    return streamMessage(buf, LinkFrame.codec(), opts)
  }
}

export interface LinkState {
  friends: LinkedFriend[]
  relays: string[]
}

export namespace LinkState {
  let _codec: Codec<LinkState>

  export const codec = (): Codec<LinkState> => {
    if (_codec == null) {
      _codec = message<LinkState>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.friends != null && obj.friends.length > 0) {
            for (const value of obj.friends) {
              w.uint32(10)
              LinkedFriend.codec().encode(value, w)
            }
          }

          if (obj.relays != null && obj.relays.length > 0) {
            for (const value of obj.relays) {
              w.uint32(18)
              w.string(value)
            }
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            friends: [],
            relays: [],
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.friends != null && obj.friends.length === opts.limits.friends) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "friends" had too many elements',
                  )
                }

                obj.friends.push(
                  LinkedFriend.codec().decode(reader, reader.uint32(), {
                    limits: opts.limits?.friends$,
                  }),
                )
                break
              }
              case 2: {
                if (opts.limits?.relays != null && obj.relays.length === opts.limits.relays) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "relays" had too many elements',
                  )
                }

                obj.relays.push(reader.string())
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
            friends: 0,
            relays: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.friends != null && obj.friends === opts.limits.friends) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "friends" had too many elements',
                  )
                }

                for (const evt of LinkedFriend.codec().stream(
                  reader,
                  reader.uint32(),
                  `${prefix}.friends[]`,
                  {
                    limits: opts.limits?.friends$,
                  },
                )) {
                  yield {
                    ...evt,
                    index: obj.friends,
                  }
                }

                obj.friends++

                break
              }
              case 2: {
                if (opts.limits?.relays != null && obj.relays === opts.limits.relays) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "relays" had too many elements',
                  )
                }

                yield {
                  field: `${prefix}.relays[]`,
                  index: obj.relays,
                  value: reader.string(),
                }

                obj.relays++

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

  export interface LinkStateFriendsKeyFieldEvent {
    field: '$.friends[].key'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface LinkStateFriendsNameFieldEvent {
    field: '$.friends[].name'
    value: string
    index: number
  }

  export interface LinkStateRelaysFieldEvent {
    field: '$.relays[]'
    index: number
    value: string
  }

  export function encode(obj: Partial<LinkState>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LinkState.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<LinkState>,
  ): LinkState {
    return decodeMessage(buf, LinkState.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<LinkState>,
  ): Generator<
    LinkStateFriendsKeyFieldEvent | LinkStateFriendsNameFieldEvent | LinkStateRelaysFieldEvent
  > {
    return streamMessage(buf, LinkState.codec(), opts)
  }
}

export interface LinkedFriend {
  key: Uint8Array<ArrayBuffer>
  name: string
}

export namespace LinkedFriend {
  let _codec: Codec<LinkedFriend>

  export const codec = (): Codec<LinkedFriend> => {
    if (_codec == null) {
      _codec = message<LinkedFriend>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.key != null && obj.key.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.key)
          }

          if (obj.name != null && obj.name !== '') {
            w.uint32(18)
            w.string(obj.name)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            key: uint8ArrayAlloc(0),
            name: '',
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.key = reader.bytes()
                break
              }
              case 2: {
                obj.name = reader.string()
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
                  field: `${prefix}.key`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.name`,
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

  export interface LinkedFriendKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LinkedFriendNameFieldEvent {
    field: '$.name'
    value: string
  }

  export function encode(obj: Partial<LinkedFriend>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LinkedFriend.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<LinkedFriend>,
  ): LinkedFriend {
    return decodeMessage(buf, LinkedFriend.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<LinkedFriend>,
  ): Generator<LinkedFriendKeyFieldEvent | LinkedFriendNameFieldEvent> {
    return streamMessage(buf, LinkedFriend.codec(), opts)
  }
}
