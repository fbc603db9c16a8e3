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

export interface DmFrame {
  envelope?: DmEnvelope
  ack?: DmAck
}

export namespace DmFrame {
  let _codec: Codec<DmFrame>

  export const codec = (): Codec<DmFrame> => {
    if (_codec == null) {
      _codec = message<DmFrame>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.envelope != null) {
            w.uint32(10)
            DmEnvelope.codec().encode(obj.envelope, w)
          }

          if (obj.ack != null) {
            w.uint32(18)
            DmAck.codec().encode(obj.ack, w)
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
                obj.envelope = DmEnvelope.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.envelope,
                })
                break
              }
              case 2: {
                obj.ack = DmAck.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.ack,
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
                yield* DmEnvelope.codec().stream(reader, reader.uint32(), `${prefix}.envelope`, {
                  limits: opts.limits?.envelope,
                })

                break
              }
              case 2: {
                yield* DmAck.codec().stream(reader, reader.uint32(), `${prefix}.ack`, {
                  limits: opts.limits?.ack,
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

  export interface DmFrameEnvelopeMessageIdFieldEvent {
    field: '$.envelope.messageId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmFrameEnvelopeSenderFieldEvent {
    field: '$.envelope.sender'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmFrameEnvelopeHeaderFieldEvent {
    field: '$.envelope.header'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmFrameEnvelopeCiphertextFieldEvent {
    field: '$.envelope.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmFrameAckMessageIdFieldEvent {
    field: '$.ack.messageId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmFrameAckStatusFieldEvent {
    field: '$.ack.status'
    value: DmAckStatus
  }

  export interface DmFrameAckReasonFieldEvent {
    field: '$.ack.reason'
    value: string
  }

  export function encode(obj: Partial<DmFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DmFrame.codec())
  }

  export function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DmFrame>): DmFrame {
    return decodeMessage(buf, DmFrame.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DmFrame>,
  ): Generator<
    | DmFrameEnvelopeMessageIdFieldEvent
    | DmFrameEnvelopeSenderFieldEvent
    | DmFrameEnvelopeHeaderFieldEvent
    | DmFrameEnvelopeCiphertextFieldEvent
    | DmFrameAckMessageIdFieldEvent
    | DmFrameAckStatusFieldEvent
    | DmFrameAckReasonFieldEvent
  > {
    return streamMessage(buf, DmFrame.codec(), opts)
  }
}

export interface DmEnvelope {
  messageId: Uint8Array<ArrayBuffer>
  sender: Uint8Array<ArrayBuffer>
  header: Uint8Array<ArrayBuffer>
  ciphertext: Uint8Array<ArrayBuffer>
}

export namespace DmEnvelope {
  let _codec: Codec<DmEnvelope>

  export const codec = (): Codec<DmEnvelope> => {
    if (_codec == null) {
      _codec = message<DmEnvelope>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.messageId != null && obj.messageId.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.messageId)
          }

          if (obj.sender != null && obj.sender.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.sender)
          }

          if (obj.header != null && obj.header.byteLength > 0) {
            w.uint32(26)
            w.bytes(obj.header)
          }

          if (obj.ciphertext != null && obj.ciphertext.byteLength > 0) {
            w.uint32(34)
            w.bytes(obj.ciphertext)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            messageId: uint8ArrayAlloc(0),
            sender: uint8ArrayAlloc(0),
            header: uint8ArrayAlloc(0),
            ciphertext: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.messageId = reader.bytes()
                break
              }
              case 2: {
                obj.sender = reader.bytes()
                break
              }
              case 3: {
                obj.header = reader.bytes()
                break
              }
              case 4: {
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
                  field: `${prefix}.messageId`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.sender`,
                  value: reader.bytes(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.header`,
                  value: reader.bytes(),
                }
                break
              }
              case 4: {
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

  export interface DmEnvelopeMessageIdFieldEvent {
    field: '$.messageId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmEnvelopeSenderFieldEvent {
    field: '$.sender'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmEnvelopeHeaderFieldEvent {
    field: '$.header'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmEnvelopeCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<DmEnvelope>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DmEnvelope.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DmEnvelope>,
  ): DmEnvelope {
    return decodeMessage(buf, DmEnvelope.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DmEnvelope>,
  ): Generator<
    | DmEnvelopeMessageIdFieldEvent
    | DmEnvelopeSenderFieldEvent
    | DmEnvelopeHeaderFieldEvent
    | DmEnvelopeCiphertextFieldEvent
  > {
    return streamMessage(buf, DmEnvelope.codec(), opts)
  }
}

export enum DmAckStatus {
  STORED = 'STORED',
  DUPLICATE = 'DUPLICATE',
  REJECTED = 'REJECTED',
  RETRY_LATER = 'RETRY_LATER',
}

enum __DmAckStatusValues {
  STORED = 0,
  DUPLICATE = 1,
  REJECTED = 2,
  RETRY_LATER = 3,
}

export namespace DmAckStatus {
  export const codec = (): Codec<DmAckStatus> => {
    return enumeration<DmAckStatus>(__DmAckStatusValues)
  }
}

export interface DmAck {
  messageId: Uint8Array<ArrayBuffer>
  status: DmAckStatus
  reason: string
}

export namespace DmAck {
  let _codec: Codec<DmAck>

  export const codec = (): Codec<DmAck> => {
    if (_codec == null) {
      _codec = message<DmAck>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.messageId != null && obj.messageId.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.messageId)
          }

          if (obj.status != null && __DmAckStatusValues[obj.status] !== 0) {
            w.uint32(16)
            DmAckStatus.codec().encode(obj.status, w)
          }

          if (obj.reason != null && obj.reason !== '') {
            w.uint32(26)
            w.string(obj.reason)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            messageId: uint8ArrayAlloc(0),
            status: DmAckStatus.STORED,
            reason: '',
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.messageId = reader.bytes()
                break
              }
              case 2: {
                obj.status = DmAckStatus.codec().decode(reader)
                break
              }
              case 3: {
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
                  field: `${prefix}.messageId`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.status`,
                  value: DmAckStatus.codec().decode(reader),
                }
                break
              }
              case 3: {
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

  export interface DmAckMessageIdFieldEvent {
    field: '$.messageId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmAckStatusFieldEvent {
    field: '$.status'
    value: DmAckStatus
  }

  export interface DmAckReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export function encode(obj: Partial<DmAck>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DmAck.codec())
  }

  export function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DmAck>): DmAck {
    return decodeMessage(buf, DmAck.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DmAck>,
  ): Generator<DmAckMessageIdFieldEvent | DmAckStatusFieldEvent | DmAckReasonFieldEvent> {
    return streamMessage(buf, DmAck.codec(), opts)
  }
}

export interface DmRefusalNotice {
  sessionKey: Uint8Array<ArrayBuffer>
  messageIds: Uint8Array<ArrayBuffer>[]
  reason: string
}

export namespace DmRefusalNotice {
  let _codec: Codec<DmRefusalNotice>

  export const codec = (): Codec<DmRefusalNotice> => {
    if (_codec == null) {
      _codec = message<DmRefusalNotice>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.sessionKey != null && obj.sessionKey.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.sessionKey)
          }

          if (obj.messageIds != null && obj.messageIds.length > 0) {
            for (const value of obj.messageIds) {
              w.uint32(18)
              w.bytes(value)
            }
          }

          if (obj.reason != null && obj.reason !== '') {
            w.uint32(26)
            w.string(obj.reason)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            sessionKey: uint8ArrayAlloc(0),
            messageIds: [],
            reason: '',
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.sessionKey = reader.bytes()
                break
              }
              case 2: {
                if (
                  opts.limits?.messageIds != null &&
                  obj.messageIds.length === opts.limits.messageIds
                ) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "messageIds" had too many elements',
                  )
                }

                obj.messageIds.push(reader.bytes())
                break
              }
              case 3: {
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
          const obj = {
            messageIds: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.sessionKey`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                if (opts.limits?.messageIds != null && obj.messageIds === opts.limits.messageIds) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "messageIds" had too many elements',
                  )
                }

                yield {
                  field: `${prefix}.messageIds[]`,
                  index: obj.messageIds,
                  value: reader.bytes(),
                }

                obj.messageIds++

                break
              }
              case 3: {
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

  export interface DmRefusalNoticeSessionKeyFieldEvent {
    field: '$.sessionKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmRefusalNoticeMessageIdsFieldEvent {
    field: '$.messageIds[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmRefusalNoticeReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export function encode(obj: Partial<DmRefusalNotice>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DmRefusalNotice.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DmRefusalNotice>,
  ): DmRefusalNotice {
    return decodeMessage(buf, DmRefusalNotice.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DmRefusalNotice>,
  ): Generator<
    | DmRefusalNoticeSessionKeyFieldEvent
    | DmRefusalNoticeMessageIdsFieldEvent
    | DmRefusalNoticeReasonFieldEvent
  > {
    return streamMessage(buf, DmRefusalNotice.codec(), opts)
  }
}

export enum DmContentKind {
  TEXT = 'TEXT',
  RECEIPT = 'RECEIPT',
  SOCIAL = 'SOCIAL',
  BUNDLE = 'BUNDLE',
  CALL = 'CALL',
}

enum __DmContentKindValues {
  TEXT = 0,
  RECEIPT = 1,
  SOCIAL = 2,
  BUNDLE = 3,
  CALL = 4,
}

export namespace DmContentKind {
  export const codec = (): Codec<DmContentKind> => {
    return enumeration<DmContentKind>(__DmContentKindValues)
  }
}

export interface DmContent {
  messageId: Uint8Array<ArrayBuffer>
  seq: number
  sentAtMs: number
  kind: DmContentKind
  text: string
  receipt?: DmReceipt
  resolvedBelow: number
  social: Uint8Array<ArrayBuffer>
  style?: DmTextStyle
  attachment?: DmAttachment
  parts: Uint8Array<ArrayBuffer>[]
  sentTo: Uint8Array<ArrayBuffer>
  copyOf: Uint8Array<ArrayBuffer>
  replyTo: Uint8Array<ArrayBuffer>
  action?: DmAction
  forwarded: boolean
  call: Uint8Array<ArrayBuffer>
}

export namespace DmContent {
  let _codec: Codec<DmContent>

  export const codec = (): Codec<DmContent> => {
    if (_codec == null) {
      _codec = message<DmContent>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.messageId != null && obj.messageId.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.messageId)
          }

          if (obj.seq != null && obj.seq !== 0) {
            w.uint32(16)
            w.uint32(obj.seq)
          }

          if (obj.sentAtMs != null && obj.sentAtMs !== 0) {
            w.uint32(24)
            w.uint64Number(obj.sentAtMs)
          }

          if (obj.kind != null && __DmContentKindValues[obj.kind] !== 0) {
            w.uint32(32)
            DmContentKind.codec().encode(obj.kind, w)
          }

          if (obj.text != null && obj.text !== '') {
            w.uint32(42)
            w.string(obj.text)
          }

          if (obj.receipt != null) {
            w.uint32(50)
            DmReceipt.codec().encode(obj.receipt, w)
          }

          if (obj.resolvedBelow != null && obj.resolvedBelow !== 0) {
            w.uint32(56)
            w.uint32(obj.resolvedBelow)
          }

          if (obj.social != null && obj.social.byteLength > 0) {
            w.uint32(66)
            w.bytes(obj.social)
          }

          if (obj.style != null) {
            w.uint32(74)
            DmTextStyle.codec().encode(obj.style, w)
          }

          if (obj.attachment != null) {
            w.uint32(82)
            DmAttachment.codec().encode(obj.attachment, w)
          }

          if (obj.parts != null && obj.parts.length > 0) {
            for (const value of obj.parts) {
              w.uint32(90)
              w.bytes(value)
            }
          }

          if (obj.sentTo != null && obj.sentTo.byteLength > 0) {
            w.uint32(98)
            w.bytes(obj.sentTo)
          }

          if (obj.copyOf != null && obj.copyOf.byteLength > 0) {
            w.uint32(106)
            w.bytes(obj.copyOf)
          }

          if (obj.replyTo != null && obj.replyTo.byteLength > 0) {
            w.uint32(162)
            w.bytes(obj.replyTo)
          }

          if (obj.action != null) {
            w.uint32(170)
            DmAction.codec().encode(obj.action, w)
          }

          if (obj.forwarded != null && obj.forwarded !== false) {
            w.uint32(176)
            w.bool(obj.forwarded)
          }

          if (obj.call != null && obj.call.byteLength > 0) {
            w.uint32(186)
            w.bytes(obj.call)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            messageId: uint8ArrayAlloc(0),
            seq: 0,
            sentAtMs: 0,
            kind: DmContentKind.TEXT,
            text: '',
            resolvedBelow: 0,
            social: uint8ArrayAlloc(0),
            parts: [],
            sentTo: uint8ArrayAlloc(0),
            copyOf: uint8ArrayAlloc(0),
            replyTo: uint8ArrayAlloc(0),
            forwarded: false,
            call: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.messageId = reader.bytes()
                break
              }
              case 2: {
                obj.seq = reader.uint32()
                break
              }
              case 3: {
                obj.sentAtMs = reader.uint64Number()
                break
              }
              case 4: {
                obj.kind = DmContentKind.codec().decode(reader)
                break
              }
              case 5: {
                obj.text = reader.string()
                break
              }
              case 6: {
                obj.receipt = DmReceipt.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.receipt,
                })
                break
              }
              case 7: {
                obj.resolvedBelow = reader.uint32()
                break
              }
              case 8: {
                obj.social = reader.bytes()
                break
              }
              case 9: {
                obj.style = DmTextStyle.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.style,
                })
                break
              }
              case 10: {
                obj.attachment = DmAttachment.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.attachment,
                })
                break
              }
              case 11: {
                if (opts.limits?.parts != null && obj.parts.length === opts.limits.parts) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "parts" had too many elements',
                  )
                }

                obj.parts.push(reader.bytes())
                break
              }
              case 12: {
                obj.sentTo = reader.bytes()
                break
              }
              case 13: {
                obj.copyOf = reader.bytes()
                break
              }
              case 20: {
                obj.replyTo = reader.bytes()
                break
              }
              case 21: {
                obj.action = DmAction.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.action,
                })
                break
              }
              case 22: {
                obj.forwarded = reader.bool()
                break
              }
              case 23: {
                obj.call = reader.bytes()
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
            parts: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.messageId`,
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
              case 3: {
                yield {
                  field: `${prefix}.sentAtMs`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.kind`,
                  value: DmContentKind.codec().decode(reader),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.text`,
                  value: reader.string(),
                }
                break
              }
              case 6: {
                yield* DmReceipt.codec().stream(reader, reader.uint32(), `${prefix}.receipt`, {
                  limits: opts.limits?.receipt,
                })

                break
              }
              case 7: {
                yield {
                  field: `${prefix}.resolvedBelow`,
                  value: reader.uint32(),
                }
                break
              }
              case 8: {
                yield {
                  field: `${prefix}.social`,
                  value: reader.bytes(),
                }
                break
              }
              case 9: {
                yield* DmTextStyle.codec().stream(reader, reader.uint32(), `${prefix}.style`, {
                  limits: opts.limits?.style,
                })

                break
              }
              case 10: {
                yield* DmAttachment.codec().stream(
                  reader,
                  reader.uint32(),
                  `${prefix}.attachment`,
                  {
                    limits: opts.limits?.attachment,
                  },
                )

                break
              }
              case 11: {
                if (opts.limits?.parts != null && obj.parts === opts.limits.parts) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "parts" had too many elements',
                  )
                }

                yield {
                  field: `${prefix}.parts[]`,
                  index: obj.parts,
                  value: reader.bytes(),
                }

                obj.parts++

                break
              }
              case 12: {
                yield {
                  field: `${prefix}.sentTo`,
                  value: reader.bytes(),
                }
                break
              }
              case 13: {
                yield {
                  field: `${prefix}.copyOf`,
                  value: reader.bytes(),
                }
                break
              }
              case 20: {
                yield {
                  field: `${prefix}.replyTo`,
                  value: reader.bytes(),
                }
                break
              }
              case 21: {
                yield* DmAction.codec().stream(reader, reader.uint32(), `${prefix}.action`, {
                  limits: opts.limits?.action,
                })

                break
              }
              case 22: {
                yield {
                  field: `${prefix}.forwarded`,
                  value: reader.bool(),
                }
                break
              }
              case 23: {
                yield {
                  field: `${prefix}.call`,
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

  export interface DmContentMessageIdFieldEvent {
    field: '$.messageId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmContentSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface DmContentSentAtMsFieldEvent {
    field: '$.sentAtMs'
    value: number
  }

  export interface DmContentKindFieldEvent {
    field: '$.kind'
    value: DmContentKind
  }

  export interface DmContentTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface DmContentReceiptTypeFieldEvent {
    field: '$.receipt.type'
    value: DmReceiptType
  }

  export interface DmContentReceiptMessageIdsFieldEvent {
    field: '$.receipt.messageIds[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmContentReceiptReadUpToSeqFieldEvent {
    field: '$.receipt.readUpToSeq'
    value: number
  }

  export interface DmContentResolvedBelowFieldEvent {
    field: '$.resolvedBelow'
    value: number
  }

  export interface DmContentSocialFieldEvent {
    field: '$.social'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmContentStyleBoldFieldEvent {
    field: '$.style.bold'
    value: boolean
  }

  export interface DmContentStyleItalicFieldEvent {
    field: '$.style.italic'
    value: boolean
  }

  export interface DmContentStyleColorFieldEvent {
    field: '$.style.color'
    value: number
  }

  export interface DmContentStyleSizeFieldEvent {
    field: '$.style.size'
    value: number
  }

  export interface DmContentAttachmentFileIdFieldEvent {
    field: '$.attachment.fileId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmContentAttachmentNameFieldEvent {
    field: '$.attachment.name'
    value: string
  }

  export interface DmContentAttachmentMimeFieldEvent {
    field: '$.attachment.mime'
    value: string
  }

  export interface DmContentAttachmentSizeFieldEvent {
    field: '$.attachment.size'
    value: number
  }

  export interface DmContentAttachmentSha256FieldEvent {
    field: '$.attachment.sha256'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmContentAttachmentKeyFieldEvent {
    field: '$.attachment.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmContentAttachmentChunkSizeFieldEvent {
    field: '$.attachment.chunkSize'
    value: number
  }

  export interface DmContentAttachmentInlineDataFieldEvent {
    field: '$.attachment.inlineData'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmContentAttachmentWidthFieldEvent {
    field: '$.attachment.width'
    value: number
  }

  export interface DmContentAttachmentHeightFieldEvent {
    field: '$.attachment.height'
    value: number
  }

  export interface DmContentPartsFieldEvent {
    field: '$.parts[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmContentSentToFieldEvent {
    field: '$.sentTo'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmContentCopyOfFieldEvent {
    field: '$.copyOf'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmContentReplyToFieldEvent {
    field: '$.replyTo'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmContentActionTargetFieldEvent {
    field: '$.action.target'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmContentActionTypeFieldEvent {
    field: '$.action.type'
    value: DmActionType
  }

  export interface DmContentActionEmojiFieldEvent {
    field: '$.action.emoji'
    value: string
  }

  export interface DmContentForwardedFieldEvent {
    field: '$.forwarded'
    value: boolean
  }

  export interface DmContentCallFieldEvent {
    field: '$.call'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<DmContent>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DmContent.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DmContent>,
  ): DmContent {
    return decodeMessage(buf, DmContent.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DmContent>,
  ): Generator<
    | DmContentMessageIdFieldEvent
    | DmContentSeqFieldEvent
    | DmContentSentAtMsFieldEvent
    | DmContentKindFieldEvent
    | DmContentTextFieldEvent
    | DmContentReceiptTypeFieldEvent
    | DmContentReceiptMessageIdsFieldEvent
    | DmContentReceiptReadUpToSeqFieldEvent
    | DmContentResolvedBelowFieldEvent
    | DmContentSocialFieldEvent
    | DmContentStyleBoldFieldEvent
    | DmContentStyleItalicFieldEvent
    | DmContentStyleColorFieldEvent
    | DmContentStyleSizeFieldEvent
    | DmContentAttachmentFileIdFieldEvent
    | DmContentAttachmentNameFieldEvent
    | DmContentAttachmentMimeFieldEvent
    | DmContentAttachmentSizeFieldEvent
    | DmContentAttachmentSha256FieldEvent
    | DmContentAttachmentKeyFieldEvent
    | DmContentAttachmentChunkSizeFieldEvent
    | DmContentAttachmentInlineDataFieldEvent
    | DmContentAttachmentWidthFieldEvent
    | DmContentAttachmentHeightFieldEvent
    | DmContentPartsFieldEvent
    | DmContentSentToFieldEvent
    | DmContentCopyOfFieldEvent
    | DmContentReplyToFieldEvent
    | DmContentActionTargetFieldEvent
    | DmContentActionTypeFieldEvent
    | DmContentActionEmojiFieldEvent
    | DmContentForwardedFieldEvent
    | DmContentCallFieldEvent
  > {
    return streamMessage(buf, DmContent.codec(), opts)
  }
}

export enum DmActionType {
  EDIT = 'EDIT',
  RECALL = 'RECALL',
  REACT = 'REACT',
}

enum __DmActionTypeValues {
  EDIT = 0,
  RECALL = 1,
  REACT = 2,
}

export namespace DmActionType {
  export const codec = (): Codec<DmActionType> => {
    return enumeration<DmActionType>(__DmActionTypeValues)
  }
}

export interface DmAction {
  target: Uint8Array<ArrayBuffer>
  type: DmActionType
  emoji: string
}

export namespace DmAction {
  let _codec: Codec<DmAction>

  export const codec = (): Codec<DmAction> => {
    if (_codec == null) {
      _codec = message<DmAction>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.target != null && obj.target.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.target)
          }

          if (obj.type != null && __DmActionTypeValues[obj.type] !== 0) {
            w.uint32(16)
            DmActionType.codec().encode(obj.type, w)
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
            type: DmActionType.EDIT,
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
                obj.type = DmActionType.codec().decode(reader)
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
                  value: DmActionType.codec().decode(reader),
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

  export interface DmActionTargetFieldEvent {
    field: '$.target'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmActionTypeFieldEvent {
    field: '$.type'
    value: DmActionType
  }

  export interface DmActionEmojiFieldEvent {
    field: '$.emoji'
    value: string
  }

  export function encode(obj: Partial<DmAction>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DmAction.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DmAction>,
  ): DmAction {
    return decodeMessage(buf, DmAction.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DmAction>,
  ): Generator<DmActionTargetFieldEvent | DmActionTypeFieldEvent | DmActionEmojiFieldEvent> {
    return streamMessage(buf, DmAction.codec(), opts)
  }
}

export interface DmTextStyle {
  bold: boolean
  italic: boolean
  color?: number
  size: number
}

export namespace DmTextStyle {
  let _codec: Codec<DmTextStyle>

  export const codec = (): Codec<DmTextStyle> => {
    if (_codec == null) {
      _codec = message<DmTextStyle>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.bold != null && obj.bold !== false) {
            w.uint32(8)
            w.bool(obj.bold)
          }

          if (obj.italic != null && obj.italic !== false) {
            w.uint32(16)
            w.bool(obj.italic)
          }

          if (obj.color != null) {
            w.uint32(24)
            w.uint32(obj.color)
          }

          if (obj.size != null && obj.size !== 0) {
            w.uint32(32)
            w.uint32(obj.size)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            bold: false,
            italic: false,
            size: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.bold = reader.bool()
                break
              }
              case 2: {
                obj.italic = reader.bool()
                break
              }
              case 3: {
                obj.color = reader.uint32()
                break
              }
              case 4: {
                obj.size = reader.uint32()
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
                  field: `${prefix}.bold`,
                  value: reader.bool(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.italic`,
                  value: reader.bool(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.color`,
                  value: reader.uint32(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.size`,
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

  export interface DmTextStyleBoldFieldEvent {
    field: '$.bold'
    value: boolean
  }

  export interface DmTextStyleItalicFieldEvent {
    field: '$.italic'
    value: boolean
  }

  export interface DmTextStyleColorFieldEvent {
    field: '$.color'
    value: number
  }

  export interface DmTextStyleSizeFieldEvent {
    field: '$.size'
    value: number
  }

  export function encode(obj: Partial<DmTextStyle>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DmTextStyle.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DmTextStyle>,
  ): DmTextStyle {
    return decodeMessage(buf, DmTextStyle.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DmTextStyle>,
  ): Generator<
    | DmTextStyleBoldFieldEvent
    | DmTextStyleItalicFieldEvent
    | DmTextStyleColorFieldEvent
    | DmTextStyleSizeFieldEvent
  > {
    return streamMessage(buf, DmTextStyle.codec(), opts)
  }
}

export interface DmAttachment {
  fileId: Uint8Array<ArrayBuffer>
  name: string
  mime: string
  size: number
  sha256: Uint8Array<ArrayBuffer>
  key: Uint8Array<ArrayBuffer>
  chunkSize: number
  inlineData: Uint8Array<ArrayBuffer>
  width: number
  height: number
}

export namespace DmAttachment {
  let _codec: Codec<DmAttachment>

  export const codec = (): Codec<DmAttachment> => {
    if (_codec == null) {
      _codec = message<DmAttachment>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.fileId != null && obj.fileId.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.fileId)
          }

          if (obj.name != null && obj.name !== '') {
            w.uint32(18)
            w.string(obj.name)
          }

          if (obj.mime != null && obj.mime !== '') {
            w.uint32(26)
            w.string(obj.mime)
          }

          if (obj.size != null && obj.size !== 0) {
            w.uint32(32)
            w.uint64Number(obj.size)
          }

          if (obj.sha256 != null && obj.sha256.byteLength > 0) {
            w.uint32(42)
            w.bytes(obj.sha256)
          }

          if (obj.key != null && obj.key.byteLength > 0) {
            w.uint32(50)
            w.bytes(obj.key)
          }

          if (obj.chunkSize != null && obj.chunkSize !== 0) {
            w.uint32(56)
            w.uint32(obj.chunkSize)
          }

          if (obj.inlineData != null && obj.inlineData.byteLength > 0) {
            w.uint32(66)
            w.bytes(obj.inlineData)
          }

          if (obj.width != null && obj.width !== 0) {
            w.uint32(72)
            w.uint32(obj.width)
          }

          if (obj.height != null && obj.height !== 0) {
            w.uint32(80)
            w.uint32(obj.height)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            fileId: uint8ArrayAlloc(0),
            name: '',
            mime: '',
            size: 0,
            sha256: uint8ArrayAlloc(0),
            key: uint8ArrayAlloc(0),
            chunkSize: 0,
            inlineData: uint8ArrayAlloc(0),
            width: 0,
            height: 0,
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
                obj.name = reader.string()
                break
              }
              case 3: {
                obj.mime = reader.string()
                break
              }
              case 4: {
                obj.size = reader.uint64Number()
                break
              }
              case 5: {
                obj.sha256 = reader.bytes()
                break
              }
              case 6: {
                obj.key = reader.bytes()
                break
              }
              case 7: {
                obj.chunkSize = reader.uint32()
                break
              }
              case 8: {
                obj.inlineData = reader.bytes()
                break
              }
              case 9: {
                obj.width = reader.uint32()
                break
              }
              case 10: {
                obj.height = reader.uint32()
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
                  field: `${prefix}.fileId`,
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
              case 3: {
                yield {
                  field: `${prefix}.mime`,
                  value: reader.string(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.size`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.sha256`,
                  value: reader.bytes(),
                }
                break
              }
              case 6: {
                yield {
                  field: `${prefix}.key`,
                  value: reader.bytes(),
                }
                break
              }
              case 7: {
                yield {
                  field: `${prefix}.chunkSize`,
                  value: reader.uint32(),
                }
                break
              }
              case 8: {
                yield {
                  field: `${prefix}.inlineData`,
                  value: reader.bytes(),
                }
                break
              }
              case 9: {
                yield {
                  field: `${prefix}.width`,
                  value: reader.uint32(),
                }
                break
              }
              case 10: {
                yield {
                  field: `${prefix}.height`,
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

  export interface DmAttachmentFileIdFieldEvent {
    field: '$.fileId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmAttachmentNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface DmAttachmentMimeFieldEvent {
    field: '$.mime'
    value: string
  }

  export interface DmAttachmentSizeFieldEvent {
    field: '$.size'
    value: number
  }

  export interface DmAttachmentSha256FieldEvent {
    field: '$.sha256'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmAttachmentKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmAttachmentChunkSizeFieldEvent {
    field: '$.chunkSize'
    value: number
  }

  export interface DmAttachmentInlineDataFieldEvent {
    field: '$.inlineData'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmAttachmentWidthFieldEvent {
    field: '$.width'
    value: number
  }

  export interface DmAttachmentHeightFieldEvent {
    field: '$.height'
    value: number
  }

  export function encode(obj: Partial<DmAttachment>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DmAttachment.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DmAttachment>,
  ): DmAttachment {
    return decodeMessage(buf, DmAttachment.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DmAttachment>,
  ): Generator<
    | DmAttachmentFileIdFieldEvent
    | DmAttachmentNameFieldEvent
    | DmAttachmentMimeFieldEvent
    | DmAttachmentSizeFieldEvent
    | DmAttachmentSha256FieldEvent
    | DmAttachmentKeyFieldEvent
    | DmAttachmentChunkSizeFieldEvent
    | DmAttachmentInlineDataFieldEvent
    | DmAttachmentWidthFieldEvent
    | DmAttachmentHeightFieldEvent
  > {
    return streamMessage(buf, DmAttachment.codec(), opts)
  }
}

export enum DmReceiptType {
  DELIVERED = 'DELIVERED',
  READ = 'READ',
}

enum __DmReceiptTypeValues {
  DELIVERED = 0,
  READ = 1,
}

export namespace DmReceiptType {
  export const codec = (): Codec<DmReceiptType> => {
    return enumeration<DmReceiptType>(__DmReceiptTypeValues)
  }
}

export interface DmReceipt {
  type: DmReceiptType
  messageIds: Uint8Array<ArrayBuffer>[]
  readUpToSeq: number
}

export namespace DmReceipt {
  let _codec: Codec<DmReceipt>

  export const codec = (): Codec<DmReceipt> => {
    if (_codec == null) {
      _codec = message<DmReceipt>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.type != null && __DmReceiptTypeValues[obj.type] !== 0) {
            w.uint32(8)
            DmReceiptType.codec().encode(obj.type, w)
          }

          if (obj.messageIds != null && obj.messageIds.length > 0) {
            for (const value of obj.messageIds) {
              w.uint32(18)
              w.bytes(value)
            }
          }

          if (obj.readUpToSeq != null && obj.readUpToSeq !== 0) {
            w.uint32(24)
            w.uint32(obj.readUpToSeq)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            type: DmReceiptType.DELIVERED,
            messageIds: [],
            readUpToSeq: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.type = DmReceiptType.codec().decode(reader)
                break
              }
              case 2: {
                if (
                  opts.limits?.messageIds != null &&
                  obj.messageIds.length === opts.limits.messageIds
                ) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "messageIds" had too many elements',
                  )
                }

                obj.messageIds.push(reader.bytes())
                break
              }
              case 3: {
                obj.readUpToSeq = reader.uint32()
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
            messageIds: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.type`,
                  value: DmReceiptType.codec().decode(reader),
                }
                break
              }
              case 2: {
                if (opts.limits?.messageIds != null && obj.messageIds === opts.limits.messageIds) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "messageIds" had too many elements',
                  )
                }

                yield {
                  field: `${prefix}.messageIds[]`,
                  index: obj.messageIds,
                  value: reader.bytes(),
                }

                obj.messageIds++

                break
              }
              case 3: {
                yield {
                  field: `${prefix}.readUpToSeq`,
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

  export interface DmReceiptTypeFieldEvent {
    field: '$.type'
    value: DmReceiptType
  }

  export interface DmReceiptMessageIdsFieldEvent {
    field: '$.messageIds[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmReceiptReadUpToSeqFieldEvent {
    field: '$.readUpToSeq'
    value: number
  }

  export function encode(obj: Partial<DmReceipt>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DmReceipt.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DmReceipt>,
  ): DmReceipt {
    return decodeMessage(buf, DmReceipt.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DmReceipt>,
  ): Generator<
    DmReceiptTypeFieldEvent | DmReceiptMessageIdsFieldEvent | DmReceiptReadUpToSeqFieldEvent
  > {
    return streamMessage(buf, DmReceipt.codec(), opts)
  }
}
