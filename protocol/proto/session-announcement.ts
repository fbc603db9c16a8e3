import {
  decodeMessage,
  encodeMessage,
  MaxLengthError,
  message,
  streamMessage,
} from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface SessionAnnouncement {
  publicKey: Uint8Array<ArrayBuffer>
  counter: bigint
  timestampMs: bigint
  multiaddrs: string[]
}

export namespace SessionAnnouncement {
  let _codec: Codec<SessionAnnouncement>

  export const codec = (): Codec<SessionAnnouncement> => {
    if (_codec == null) {
      _codec = message<SessionAnnouncement>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.publicKey != null && obj.publicKey.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.publicKey)
          }

          if (obj.counter != null && obj.counter !== 0n) {
            w.uint32(16)
            w.uint64(obj.counter)
          }

          if (obj.timestampMs != null && obj.timestampMs !== 0n) {
            w.uint32(24)
            w.uint64(obj.timestampMs)
          }

          if (obj.multiaddrs != null && obj.multiaddrs.length > 0) {
            for (const value of obj.multiaddrs) {
              w.uint32(34)
              w.string(value)
            }
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            publicKey: uint8ArrayAlloc(0),
            counter: 0n,
            timestampMs: 0n,
            multiaddrs: [],
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.publicKey = reader.bytes()
                break
              }
              case 2: {
                obj.counter = reader.uint64()
                break
              }
              case 3: {
                obj.timestampMs = reader.uint64()
                break
              }
              case 4: {
                if (
                  opts.limits?.multiaddrs != null &&
                  obj.multiaddrs.length === opts.limits.multiaddrs
                ) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "multiaddrs" had too many elements',
                  )
                }

                obj.multiaddrs.push(reader.string())
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
            multiaddrs: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.publicKey`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.counter`,
                  value: reader.uint64(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.timestampMs`,
                  value: reader.uint64(),
                }
                break
              }
              case 4: {
                if (opts.limits?.multiaddrs != null && obj.multiaddrs === opts.limits.multiaddrs) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "multiaddrs" had too many elements',
                  )
                }

                yield {
                  field: `${prefix}.multiaddrs[]`,
                  index: obj.multiaddrs,
                  value: reader.string(),
                }

                obj.multiaddrs++

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

  export interface SessionAnnouncementPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionAnnouncementCounterFieldEvent {
    field: '$.counter'
    value: bigint
  }

  export interface SessionAnnouncementTimestampMsFieldEvent {
    field: '$.timestampMs'
    value: bigint
  }

  export interface SessionAnnouncementMultiaddrsFieldEvent {
    field: '$.multiaddrs[]'
    index: number
    value: string
  }

  export function encode(obj: Partial<SessionAnnouncement>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SessionAnnouncement.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<SessionAnnouncement>,
  ): SessionAnnouncement {
    return decodeMessage(buf, SessionAnnouncement.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<SessionAnnouncement>,
  ): Generator<
    | SessionAnnouncementPublicKeyFieldEvent
    | SessionAnnouncementCounterFieldEvent
    | SessionAnnouncementTimestampMsFieldEvent
    | SessionAnnouncementMultiaddrsFieldEvent
  > {
    return streamMessage(buf, SessionAnnouncement.codec(), opts)
  }
}
