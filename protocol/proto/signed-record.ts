import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface SignedRecord {
  payload: Uint8Array<ArrayBuffer>
  publicKey: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
  version: number
}

export namespace SignedRecord {
  let _codec: Codec<SignedRecord>

  export const codec = (): Codec<SignedRecord> => {
    if (_codec == null) {
      _codec = message<SignedRecord>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.payload != null && obj.payload.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.payload)
          }

          if (obj.publicKey != null && obj.publicKey.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.publicKey)
          }

          if (obj.signature != null && obj.signature.byteLength > 0) {
            w.uint32(26)
            w.bytes(obj.signature)
          }

          if (obj.version != null && obj.version !== 0) {
            w.uint32(32)
            w.uint32(obj.version)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            payload: uint8ArrayAlloc(0),
            publicKey: uint8ArrayAlloc(0),
            signature: uint8ArrayAlloc(0),
            version: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.payload = reader.bytes()
                break
              }
              case 2: {
                obj.publicKey = reader.bytes()
                break
              }
              case 3: {
                obj.signature = reader.bytes()
                break
              }
              case 4: {
                obj.version = reader.uint32()
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
                  field: `${prefix}.payload`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.publicKey`,
                  value: reader.bytes(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.signature`,
                  value: reader.bytes(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.version`,
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

  export interface SignedRecordPayloadFieldEvent {
    field: '$.payload'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedRecordPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedRecordSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedRecordVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export function encode(obj: Partial<SignedRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedRecord.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<SignedRecord>,
  ): SignedRecord {
    return decodeMessage(buf, SignedRecord.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<SignedRecord>,
  ): Generator<
    | SignedRecordPayloadFieldEvent
    | SignedRecordPublicKeyFieldEvent
    | SignedRecordSignatureFieldEvent
    | SignedRecordVersionFieldEvent
  > {
    return streamMessage(buf, SignedRecord.codec(), opts)
  }
}

export interface CosignedRecord {
  payload: Uint8Array<ArrayBuffer>
  version: number
  firstKey: Uint8Array<ArrayBuffer>
  firstSignature: Uint8Array<ArrayBuffer>
  secondKey: Uint8Array<ArrayBuffer>
  secondSignature: Uint8Array<ArrayBuffer>
}

export namespace CosignedRecord {
  let _codec: Codec<CosignedRecord>

  export const codec = (): Codec<CosignedRecord> => {
    if (_codec == null) {
      _codec = message<CosignedRecord>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.payload != null && obj.payload.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.payload)
          }

          if (obj.version != null && obj.version !== 0) {
            w.uint32(16)
            w.uint32(obj.version)
          }

          if (obj.firstKey != null && obj.firstKey.byteLength > 0) {
            w.uint32(26)
            w.bytes(obj.firstKey)
          }

          if (obj.firstSignature != null && obj.firstSignature.byteLength > 0) {
            w.uint32(34)
            w.bytes(obj.firstSignature)
          }

          if (obj.secondKey != null && obj.secondKey.byteLength > 0) {
            w.uint32(42)
            w.bytes(obj.secondKey)
          }

          if (obj.secondSignature != null && obj.secondSignature.byteLength > 0) {
            w.uint32(50)
            w.bytes(obj.secondSignature)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            payload: uint8ArrayAlloc(0),
            version: 0,
            firstKey: uint8ArrayAlloc(0),
            firstSignature: uint8ArrayAlloc(0),
            secondKey: uint8ArrayAlloc(0),
            secondSignature: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.payload = reader.bytes()
                break
              }
              case 2: {
                obj.version = reader.uint32()
                break
              }
              case 3: {
                obj.firstKey = reader.bytes()
                break
              }
              case 4: {
                obj.firstSignature = reader.bytes()
                break
              }
              case 5: {
                obj.secondKey = reader.bytes()
                break
              }
              case 6: {
                obj.secondSignature = reader.bytes()
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
                  field: `${prefix}.payload`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.version`,
                  value: reader.uint32(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.firstKey`,
                  value: reader.bytes(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.firstSignature`,
                  value: reader.bytes(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.secondKey`,
                  value: reader.bytes(),
                }
                break
              }
              case 6: {
                yield {
                  field: `${prefix}.secondSignature`,
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

  export interface CosignedRecordPayloadFieldEvent {
    field: '$.payload'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CosignedRecordVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface CosignedRecordFirstKeyFieldEvent {
    field: '$.firstKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CosignedRecordFirstSignatureFieldEvent {
    field: '$.firstSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CosignedRecordSecondKeyFieldEvent {
    field: '$.secondKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CosignedRecordSecondSignatureFieldEvent {
    field: '$.secondSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<CosignedRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CosignedRecord.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<CosignedRecord>,
  ): CosignedRecord {
    return decodeMessage(buf, CosignedRecord.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<CosignedRecord>,
  ): Generator<
    | CosignedRecordPayloadFieldEvent
    | CosignedRecordVersionFieldEvent
    | CosignedRecordFirstKeyFieldEvent
    | CosignedRecordFirstSignatureFieldEvent
    | CosignedRecordSecondKeyFieldEvent
    | CosignedRecordSecondSignatureFieldEvent
  > {
    return streamMessage(buf, CosignedRecord.codec(), opts)
  }
}
