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

export interface FileRange {
  first: number
  count: number
}

export namespace FileRange {
  let _codec: Codec<FileRange>

  export const codec = (): Codec<FileRange> => {
    if (_codec == null) {
      _codec = message<FileRange>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.first != null && obj.first !== 0) {
            w.uint32(8)
            w.uint32(obj.first)
          }

          if (obj.count != null && obj.count !== 0) {
            w.uint32(16)
            w.uint32(obj.count)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            first: 0,
            count: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.first = reader.uint32()
                break
              }
              case 2: {
                obj.count = reader.uint32()
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
                  field: `${prefix}.first`,
                  value: reader.uint32(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.count`,
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

  export interface FileRangeFirstFieldEvent {
    field: '$.first'
    value: number
  }

  export interface FileRangeCountFieldEvent {
    field: '$.count'
    value: number
  }

  export function encode(obj: Partial<FileRange>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileRange.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<FileRange>,
  ): FileRange {
    return decodeMessage(buf, FileRange.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<FileRange>,
  ): Generator<FileRangeFirstFieldEvent | FileRangeCountFieldEvent> {
    return streamMessage(buf, FileRange.codec(), opts)
  }
}

export interface FileRequest {
  fileId: Uint8Array<ArrayBuffer>
  ranges: FileRange[]
  complete: boolean
}

export namespace FileRequest {
  let _codec: Codec<FileRequest>

  export const codec = (): Codec<FileRequest> => {
    if (_codec == null) {
      _codec = message<FileRequest>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.fileId != null && obj.fileId.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.fileId)
          }

          if (obj.ranges != null && obj.ranges.length > 0) {
            for (const value of obj.ranges) {
              w.uint32(18)
              FileRange.codec().encode(value, w)
            }
          }

          if (obj.complete != null && obj.complete !== false) {
            w.uint32(24)
            w.bool(obj.complete)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            fileId: uint8ArrayAlloc(0),
            ranges: [],
            complete: false,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.fileId = reader.bytes()
                break
              }
              case 2: {
                if (opts.limits?.ranges != null && obj.ranges.length === opts.limits.ranges) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "ranges" had too many elements',
                  )
                }

                obj.ranges.push(
                  FileRange.codec().decode(reader, reader.uint32(), {
                    limits: opts.limits?.ranges$,
                  }),
                )
                break
              }
              case 3: {
                obj.complete = reader.bool()
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
            ranges: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.fileId`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                if (opts.limits?.ranges != null && obj.ranges === opts.limits.ranges) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "ranges" had too many elements',
                  )
                }

                for (const evt of FileRange.codec().stream(
                  reader,
                  reader.uint32(),
                  `${prefix}.ranges[]`,
                  {
                    limits: opts.limits?.ranges$,
                  },
                )) {
                  yield {
                    ...evt,
                    index: obj.ranges,
                  }
                }

                obj.ranges++

                break
              }
              case 3: {
                yield {
                  field: `${prefix}.complete`,
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

  export interface FileRequestFileIdFieldEvent {
    field: '$.fileId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileRequestRangesFirstFieldEvent {
    field: '$.ranges[].first'
    value: number
    index: number
  }

  export interface FileRequestRangesCountFieldEvent {
    field: '$.ranges[].count'
    value: number
    index: number
  }

  export interface FileRequestCompleteFieldEvent {
    field: '$.complete'
    value: boolean
  }

  export function encode(obj: Partial<FileRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileRequest.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<FileRequest>,
  ): FileRequest {
    return decodeMessage(buf, FileRequest.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<FileRequest>,
  ): Generator<
    | FileRequestFileIdFieldEvent
    | FileRequestRangesFirstFieldEvent
    | FileRequestRangesCountFieldEvent
    | FileRequestCompleteFieldEvent
  > {
    return streamMessage(buf, FileRequest.codec(), opts)
  }
}

export interface FileChunk {
  index: number
  nonce: Uint8Array<ArrayBuffer>
  ciphertext: Uint8Array<ArrayBuffer>
}

export namespace FileChunk {
  let _codec: Codec<FileChunk>

  export const codec = (): Codec<FileChunk> => {
    if (_codec == null) {
      _codec = message<FileChunk>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.index != null && obj.index !== 0) {
            w.uint32(8)
            w.uint32(obj.index)
          }

          if (obj.nonce != null && obj.nonce.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.nonce)
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
            index: 0,
            nonce: uint8ArrayAlloc(0),
            ciphertext: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.index = reader.uint32()
                break
              }
              case 2: {
                obj.nonce = reader.bytes()
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
                  field: `${prefix}.index`,
                  value: reader.uint32(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.nonce`,
                  value: reader.bytes(),
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

  export interface FileChunkIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export interface FileChunkNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileChunkCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<FileChunk>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileChunk.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<FileChunk>,
  ): FileChunk {
    return decodeMessage(buf, FileChunk.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<FileChunk>,
  ): Generator<
    FileChunkIndexFieldEvent | FileChunkNonceFieldEvent | FileChunkCiphertextFieldEvent
  > {
    return streamMessage(buf, FileChunk.codec(), opts)
  }
}

export enum FileStatusCode {
  DONE = 'DONE',
  UNKNOWN_FILE = 'UNKNOWN_FILE',
  NOT_YOURS = 'NOT_YOURS',
  BAD_REQUEST = 'BAD_REQUEST',
  UNAVAILABLE = 'UNAVAILABLE',
}

enum __FileStatusCodeValues {
  DONE = 0,
  UNKNOWN_FILE = 1,
  NOT_YOURS = 2,
  BAD_REQUEST = 3,
  UNAVAILABLE = 4,
}

export namespace FileStatusCode {
  export const codec = (): Codec<FileStatusCode> => {
    return enumeration<FileStatusCode>(__FileStatusCodeValues)
  }
}

export interface FileStatus {
  code: FileStatusCode
  reason: string
}

export namespace FileStatus {
  let _codec: Codec<FileStatus>

  export const codec = (): Codec<FileStatus> => {
    if (_codec == null) {
      _codec = message<FileStatus>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.code != null && __FileStatusCodeValues[obj.code] !== 0) {
            w.uint32(8)
            FileStatusCode.codec().encode(obj.code, w)
          }

          if (obj.reason != null && obj.reason !== '') {
            w.uint32(18)
            w.string(obj.reason)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            code: FileStatusCode.DONE,
            reason: '',
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.code = FileStatusCode.codec().decode(reader)
                break
              }
              case 2: {
                obj.reason = reader.string()
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
                  field: `${prefix}.code`,
                  value: FileStatusCode.codec().decode(reader),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.reason`,
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

  export interface FileStatusCodeFieldEvent {
    field: '$.code'
    value: FileStatusCode
  }

  export interface FileStatusReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export function encode(obj: Partial<FileStatus>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileStatus.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<FileStatus>,
  ): FileStatus {
    return decodeMessage(buf, FileStatus.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<FileStatus>,
  ): Generator<FileStatusCodeFieldEvent | FileStatusReasonFieldEvent> {
    return streamMessage(buf, FileStatus.codec(), opts)
  }
}

export interface FileFrame {
  chunk?: FileChunk
  status?: FileStatus
}

export namespace FileFrame {
  let _codec: Codec<FileFrame>

  export const codec = (): Codec<FileFrame> => {
    if (_codec == null) {
      _codec = message<FileFrame>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.chunk != null) {
            w.uint32(10)
            FileChunk.codec().encode(obj.chunk, w)
          }

          if (obj.status != null) {
            w.uint32(18)
            FileStatus.codec().encode(obj.status, w)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {}

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.chunk = FileChunk.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.chunk,
                })
                break
              }
              case 2: {
                obj.status = FileStatus.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.status,
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
                yield* FileChunk.codec().stream(reader, reader.uint32(), `${prefix}.chunk`, {
                  limits: opts.limits?.chunk,
                })

                break
              }
              case 2: {
                yield* FileStatus.codec().stream(reader, reader.uint32(), `${prefix}.status`, {
                  limits: opts.limits?.status,
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

  export interface FileFrameChunkIndexFieldEvent {
    field: '$.chunk.index'
    value: number
  }

  export interface FileFrameChunkNonceFieldEvent {
    field: '$.chunk.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileFrameChunkCiphertextFieldEvent {
    field: '$.chunk.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileFrameStatusCodeFieldEvent {
    field: '$.status.code'
    value: FileStatusCode
  }

  export interface FileFrameStatusReasonFieldEvent {
    field: '$.status.reason'
    value: string
  }

  export function encode(obj: Partial<FileFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileFrame.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<FileFrame>,
  ): FileFrame {
    return decodeMessage(buf, FileFrame.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<FileFrame>,
  ): Generator<
    | FileFrameChunkIndexFieldEvent
    | FileFrameChunkNonceFieldEvent
    | FileFrameChunkCiphertextFieldEvent
    | FileFrameStatusCodeFieldEvent
    | FileFrameStatusReasonFieldEvent
  > {
    return streamMessage(buf, FileFrame.codec(), opts)
  }
}
