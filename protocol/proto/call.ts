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

export enum CallSignalType {
  OFFER = 'OFFER',
  ANSWER = 'ANSWER',
  CANDIDATES = 'CANDIDATES',
  HANGUP = 'HANGUP',
  DECLINE = 'DECLINE',
  BUSY = 'BUSY',
  ELSEWHERE = 'ELSEWHERE',
}

enum __CallSignalTypeValues {
  OFFER = 0,
  ANSWER = 1,
  CANDIDATES = 2,
  HANGUP = 3,
  DECLINE = 4,
  BUSY = 5,
  ELSEWHERE = 6,
}

export namespace CallSignalType {
  export const codec = (): Codec<CallSignalType> => {
    return enumeration<CallSignalType>(__CallSignalTypeValues)
  }
}

export interface CallCandidate {
  candidate: string
  sdpMid: string
  sdpMlineIndex: number
}

export namespace CallCandidate {
  let _codec: Codec<CallCandidate>

  export const codec = (): Codec<CallCandidate> => {
    if (_codec == null) {
      _codec = message<CallCandidate>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.candidate != null && obj.candidate !== '') {
            w.uint32(10)
            w.string(obj.candidate)
          }

          if (obj.sdpMid != null && obj.sdpMid !== '') {
            w.uint32(18)
            w.string(obj.sdpMid)
          }

          if (obj.sdpMlineIndex != null && obj.sdpMlineIndex !== 0) {
            w.uint32(24)
            w.uint32(obj.sdpMlineIndex)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            candidate: '',
            sdpMid: '',
            sdpMlineIndex: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.candidate = reader.string()
                break
              }
              case 2: {
                obj.sdpMid = reader.string()
                break
              }
              case 3: {
                obj.sdpMlineIndex = reader.uint32()
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
                  field: `${prefix}.candidate`,
                  value: reader.string(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.sdpMid`,
                  value: reader.string(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.sdpMlineIndex`,
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

  export interface CallCandidateCandidateFieldEvent {
    field: '$.candidate'
    value: string
  }

  export interface CallCandidateSdpMidFieldEvent {
    field: '$.sdpMid'
    value: string
  }

  export interface CallCandidateSdpMlineIndexFieldEvent {
    field: '$.sdpMlineIndex'
    value: number
  }

  export function encode(obj: Partial<CallCandidate>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CallCandidate.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<CallCandidate>,
  ): CallCandidate {
    return decodeMessage(buf, CallCandidate.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<CallCandidate>,
  ): Generator<
    | CallCandidateCandidateFieldEvent
    | CallCandidateSdpMidFieldEvent
    | CallCandidateSdpMlineIndexFieldEvent
  > {
    return streamMessage(buf, CallCandidate.codec(), opts)
  }
}

export interface CallSignal {
  callId: Uint8Array<ArrayBuffer>
  type: CallSignalType
  sdp: string
  candidates: CallCandidate[]
}

export namespace CallSignal {
  let _codec: Codec<CallSignal>

  export const codec = (): Codec<CallSignal> => {
    if (_codec == null) {
      _codec = message<CallSignal>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.callId != null && obj.callId.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.callId)
          }

          if (obj.type != null && __CallSignalTypeValues[obj.type] !== 0) {
            w.uint32(16)
            CallSignalType.codec().encode(obj.type, w)
          }

          if (obj.sdp != null && obj.sdp !== '') {
            w.uint32(26)
            w.string(obj.sdp)
          }

          if (obj.candidates != null && obj.candidates.length > 0) {
            for (const value of obj.candidates) {
              w.uint32(34)
              CallCandidate.codec().encode(value, w)
            }
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            callId: uint8ArrayAlloc(0),
            type: CallSignalType.OFFER,
            sdp: '',
            candidates: [],
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.callId = reader.bytes()
                break
              }
              case 2: {
                obj.type = CallSignalType.codec().decode(reader)
                break
              }
              case 3: {
                obj.sdp = reader.string()
                break
              }
              case 4: {
                if (
                  opts.limits?.candidates != null &&
                  obj.candidates.length === opts.limits.candidates
                ) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "candidates" had too many elements',
                  )
                }

                obj.candidates.push(
                  CallCandidate.codec().decode(reader, reader.uint32(), {
                    limits: opts.limits?.candidates$,
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
            candidates: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.callId`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.type`,
                  value: CallSignalType.codec().decode(reader),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.sdp`,
                  value: reader.string(),
                }
                break
              }
              case 4: {
                if (opts.limits?.candidates != null && obj.candidates === opts.limits.candidates) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "candidates" had too many elements',
                  )
                }

                for (const evt of CallCandidate.codec().stream(
                  reader,
                  reader.uint32(),
                  `${prefix}.candidates[]`,
                  {
                    limits: opts.limits?.candidates$,
                  },
                )) {
                  yield {
                    ...evt,
                    index: obj.candidates,
                  }
                }

                obj.candidates++

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

  export interface CallSignalCallIdFieldEvent {
    field: '$.callId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CallSignalTypeFieldEvent {
    field: '$.type'
    value: CallSignalType
  }

  export interface CallSignalSdpFieldEvent {
    field: '$.sdp'
    value: string
  }

  export interface CallSignalCandidatesCandidateFieldEvent {
    field: '$.candidates[].candidate'
    value: string
    index: number
  }

  export interface CallSignalCandidatesSdpMidFieldEvent {
    field: '$.candidates[].sdpMid'
    value: string
    index: number
  }

  export interface CallSignalCandidatesSdpMlineIndexFieldEvent {
    field: '$.candidates[].sdpMlineIndex'
    value: number
    index: number
  }

  export function encode(obj: Partial<CallSignal>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CallSignal.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<CallSignal>,
  ): CallSignal {
    return decodeMessage(buf, CallSignal.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<CallSignal>,
  ): Generator<
    | CallSignalCallIdFieldEvent
    | CallSignalTypeFieldEvent
    | CallSignalSdpFieldEvent
    | CallSignalCandidatesCandidateFieldEvent
    | CallSignalCandidatesSdpMidFieldEvent
    | CallSignalCandidatesSdpMlineIndexFieldEvent
  > {
    return streamMessage(buf, CallSignal.codec(), opts)
  }
}
