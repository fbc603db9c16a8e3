import { decodeMessage, encodeMessage, enumeration, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export enum PunchFrameKind {
  CONNECT = 'CONNECT',
  SYNC = 'SYNC',
}

enum __PunchFrameKindValues {
  CONNECT = 0,
  SYNC = 1,
}

export namespace PunchFrameKind {
  export const codec = (): Codec<PunchFrameKind> => {
    return enumeration<PunchFrameKind>(__PunchFrameKindValues)
  }
}

export interface PunchFrame {
  kind: PunchFrameKind
  address: Uint8Array<ArrayBuffer>
}

export namespace PunchFrame {
  let _codec: Codec<PunchFrame>

  export const codec = (): Codec<PunchFrame> => {
    if (_codec == null) {
      _codec = message<PunchFrame>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.kind != null && __PunchFrameKindValues[obj.kind] !== 0) {
            w.uint32(8)
            PunchFrameKind.codec().encode(obj.kind, w)
          }

          if (obj.address != null && obj.address.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.address)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            kind: PunchFrameKind.CONNECT,
            address: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.kind = PunchFrameKind.codec().decode(reader)
                break
              }
              case 2: {
                obj.address = reader.bytes()
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
                  value: PunchFrameKind.codec().decode(reader),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.address`,
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

  export interface PunchFrameKindFieldEvent {
    field: '$.kind'
    value: PunchFrameKind
  }

  export interface PunchFrameAddressFieldEvent {
    field: '$.address'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<PunchFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PunchFrame.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<PunchFrame>,
  ): PunchFrame {
    return decodeMessage(buf, PunchFrame.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<PunchFrame>,
  ): Generator<PunchFrameKindFieldEvent | PunchFrameAddressFieldEvent> {
    return streamMessage(buf, PunchFrame.codec(), opts)
  }
}
