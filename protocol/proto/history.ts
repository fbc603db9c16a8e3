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

export enum HistoryAskKind {
  HISTORY_START = 'HISTORY_START',
  HISTORY_NEXT = 'HISTORY_NEXT',
}

enum __HistoryAskKindValues {
  HISTORY_START = 0,
  HISTORY_NEXT = 1,
}

export namespace HistoryAskKind {
  export const codec = (): Codec<HistoryAskKind> => {
    return enumeration<HistoryAskKind>(__HistoryAskKindValues)
  }
}

export interface HistoryAsk {
  kind: HistoryAskKind
  sinceMs: number
  afterPeer: Uint8Array<ArrayBuffer>
  afterIndex: number
}

export namespace HistoryAsk {
  let _codec: Codec<HistoryAsk>

  export const codec = (): Codec<HistoryAsk> => {
    if (_codec == null) {
      _codec = message<HistoryAsk>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.kind != null && __HistoryAskKindValues[obj.kind] !== 0) {
            w.uint32(8)
            HistoryAskKind.codec().encode(obj.kind, w)
          }

          if (obj.sinceMs != null && obj.sinceMs !== 0) {
            w.uint32(16)
            w.uint64Number(obj.sinceMs)
          }

          if (obj.afterPeer != null && obj.afterPeer.byteLength > 0) {
            w.uint32(26)
            w.bytes(obj.afterPeer)
          }

          if (obj.afterIndex != null && obj.afterIndex !== 0) {
            w.uint32(32)
            w.uint64Number(obj.afterIndex)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            kind: HistoryAskKind.HISTORY_START,
            sinceMs: 0,
            afterPeer: uint8ArrayAlloc(0),
            afterIndex: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.kind = HistoryAskKind.codec().decode(reader)
                break
              }
              case 2: {
                obj.sinceMs = reader.uint64Number()
                break
              }
              case 3: {
                obj.afterPeer = reader.bytes()
                break
              }
              case 4: {
                obj.afterIndex = reader.uint64Number()
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
                  value: HistoryAskKind.codec().decode(reader),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.sinceMs`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.afterPeer`,
                  value: reader.bytes(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.afterIndex`,
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

  export interface HistoryAskKindFieldEvent {
    field: '$.kind'
    value: HistoryAskKind
  }

  export interface HistoryAskSinceMsFieldEvent {
    field: '$.sinceMs'
    value: number
  }

  export interface HistoryAskAfterPeerFieldEvent {
    field: '$.afterPeer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HistoryAskAfterIndexFieldEvent {
    field: '$.afterIndex'
    value: number
  }

  export function encode(obj: Partial<HistoryAsk>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HistoryAsk.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<HistoryAsk>,
  ): HistoryAsk {
    return decodeMessage(buf, HistoryAsk.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<HistoryAsk>,
  ): Generator<
    | HistoryAskKindFieldEvent
    | HistoryAskSinceMsFieldEvent
    | HistoryAskAfterPeerFieldEvent
    | HistoryAskAfterIndexFieldEvent
  > {
    return streamMessage(buf, HistoryAsk.codec(), opts)
  }
}

export enum HistoryFrameKind {
  HISTORY_PAGE = 'HISTORY_PAGE',
  HISTORY_DONE = 'HISTORY_DONE',
  HISTORY_REFUSED = 'HISTORY_REFUSED',
}

enum __HistoryFrameKindValues {
  HISTORY_PAGE = 0,
  HISTORY_DONE = 1,
  HISTORY_REFUSED = 2,
}

export namespace HistoryFrameKind {
  export const codec = (): Codec<HistoryFrameKind> => {
    return enumeration<HistoryFrameKind>(__HistoryFrameKindValues)
  }
}

export interface HistoryStyle {
  bold: boolean
  italic: boolean
  color?: number
  size: number
}

export namespace HistoryStyle {
  let _codec: Codec<HistoryStyle>

  export const codec = (): Codec<HistoryStyle> => {
    if (_codec == null) {
      _codec = message<HistoryStyle>(
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

  export interface HistoryStyleBoldFieldEvent {
    field: '$.bold'
    value: boolean
  }

  export interface HistoryStyleItalicFieldEvent {
    field: '$.italic'
    value: boolean
  }

  export interface HistoryStyleColorFieldEvent {
    field: '$.color'
    value: number
  }

  export interface HistoryStyleSizeFieldEvent {
    field: '$.size'
    value: number
  }

  export function encode(obj: Partial<HistoryStyle>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HistoryStyle.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<HistoryStyle>,
  ): HistoryStyle {
    return decodeMessage(buf, HistoryStyle.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<HistoryStyle>,
  ): Generator<
    | HistoryStyleBoldFieldEvent
    | HistoryStyleItalicFieldEvent
    | HistoryStyleColorFieldEvent
    | HistoryStyleSizeFieldEvent
  > {
    return streamMessage(buf, HistoryStyle.codec(), opts)
  }
}

export interface HistoryAttachment {
  fileId: Uint8Array<ArrayBuffer>
  name: string
  mime: string
  size: number
  sha256: Uint8Array<ArrayBuffer>
  width: number
  height: number
}

export namespace HistoryAttachment {
  let _codec: Codec<HistoryAttachment>

  export const codec = (): Codec<HistoryAttachment> => {
    if (_codec == null) {
      _codec = message<HistoryAttachment>(
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

          if (obj.width != null && obj.width !== 0) {
            w.uint32(48)
            w.uint32(obj.width)
          }

          if (obj.height != null && obj.height !== 0) {
            w.uint32(56)
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
                obj.width = reader.uint32()
                break
              }
              case 7: {
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
                  field: `${prefix}.width`,
                  value: reader.uint32(),
                }
                break
              }
              case 7: {
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

  export interface HistoryAttachmentFileIdFieldEvent {
    field: '$.fileId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HistoryAttachmentNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface HistoryAttachmentMimeFieldEvent {
    field: '$.mime'
    value: string
  }

  export interface HistoryAttachmentSizeFieldEvent {
    field: '$.size'
    value: number
  }

  export interface HistoryAttachmentSha256FieldEvent {
    field: '$.sha256'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HistoryAttachmentWidthFieldEvent {
    field: '$.width'
    value: number
  }

  export interface HistoryAttachmentHeightFieldEvent {
    field: '$.height'
    value: number
  }

  export function encode(obj: Partial<HistoryAttachment>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HistoryAttachment.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<HistoryAttachment>,
  ): HistoryAttachment {
    return decodeMessage(buf, HistoryAttachment.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<HistoryAttachment>,
  ): Generator<
    | HistoryAttachmentFileIdFieldEvent
    | HistoryAttachmentNameFieldEvent
    | HistoryAttachmentMimeFieldEvent
    | HistoryAttachmentSizeFieldEvent
    | HistoryAttachmentSha256FieldEvent
    | HistoryAttachmentWidthFieldEvent
    | HistoryAttachmentHeightFieldEvent
  > {
    return streamMessage(buf, HistoryAttachment.codec(), opts)
  }
}

export interface HistoryItem {
  peer: Uint8Array<ArrayBuffer>
  index: number
  id: Uint8Array<ArrayBuffer>
  outgoing: boolean
  sentFrom: Uint8Array<ArrayBuffer>
  seq: number
  text: string
  sentAtMs: number
  storedAtMs: number
  unread: boolean
  style?: HistoryStyle
  attachment?: HistoryAttachment
  replyTo: Uint8Array<ArrayBuffer>
  editedAtMs: number
  recalled: boolean
  forwarded: boolean
  reactionOut: string
  reactionIn: string
}

export namespace HistoryItem {
  let _codec: Codec<HistoryItem>

  export const codec = (): Codec<HistoryItem> => {
    if (_codec == null) {
      _codec = message<HistoryItem>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.peer != null && obj.peer.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.peer)
          }

          if (obj.index != null && obj.index !== 0) {
            w.uint32(16)
            w.uint64Number(obj.index)
          }

          if (obj.id != null && obj.id.byteLength > 0) {
            w.uint32(26)
            w.bytes(obj.id)
          }

          if (obj.outgoing != null && obj.outgoing !== false) {
            w.uint32(32)
            w.bool(obj.outgoing)
          }

          if (obj.sentFrom != null && obj.sentFrom.byteLength > 0) {
            w.uint32(42)
            w.bytes(obj.sentFrom)
          }

          if (obj.seq != null && obj.seq !== 0) {
            w.uint32(48)
            w.uint32(obj.seq)
          }

          if (obj.text != null && obj.text !== '') {
            w.uint32(58)
            w.string(obj.text)
          }

          if (obj.sentAtMs != null && obj.sentAtMs !== 0) {
            w.uint32(64)
            w.uint64Number(obj.sentAtMs)
          }

          if (obj.storedAtMs != null && obj.storedAtMs !== 0) {
            w.uint32(72)
            w.uint64Number(obj.storedAtMs)
          }

          if (obj.unread != null && obj.unread !== false) {
            w.uint32(80)
            w.bool(obj.unread)
          }

          if (obj.style != null) {
            w.uint32(90)
            HistoryStyle.codec().encode(obj.style, w)
          }

          if (obj.attachment != null) {
            w.uint32(98)
            HistoryAttachment.codec().encode(obj.attachment, w)
          }

          if (obj.replyTo != null && obj.replyTo.byteLength > 0) {
            w.uint32(106)
            w.bytes(obj.replyTo)
          }

          if (obj.editedAtMs != null && obj.editedAtMs !== 0) {
            w.uint32(112)
            w.uint64Number(obj.editedAtMs)
          }

          if (obj.recalled != null && obj.recalled !== false) {
            w.uint32(120)
            w.bool(obj.recalled)
          }

          if (obj.forwarded != null && obj.forwarded !== false) {
            w.uint32(128)
            w.bool(obj.forwarded)
          }

          if (obj.reactionOut != null && obj.reactionOut !== '') {
            w.uint32(138)
            w.string(obj.reactionOut)
          }

          if (obj.reactionIn != null && obj.reactionIn !== '') {
            w.uint32(146)
            w.string(obj.reactionIn)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            peer: uint8ArrayAlloc(0),
            index: 0,
            id: uint8ArrayAlloc(0),
            outgoing: false,
            sentFrom: uint8ArrayAlloc(0),
            seq: 0,
            text: '',
            sentAtMs: 0,
            storedAtMs: 0,
            unread: false,
            replyTo: uint8ArrayAlloc(0),
            editedAtMs: 0,
            recalled: false,
            forwarded: false,
            reactionOut: '',
            reactionIn: '',
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.peer = reader.bytes()
                break
              }
              case 2: {
                obj.index = reader.uint64Number()
                break
              }
              case 3: {
                obj.id = reader.bytes()
                break
              }
              case 4: {
                obj.outgoing = reader.bool()
                break
              }
              case 5: {
                obj.sentFrom = reader.bytes()
                break
              }
              case 6: {
                obj.seq = reader.uint32()
                break
              }
              case 7: {
                obj.text = reader.string()
                break
              }
              case 8: {
                obj.sentAtMs = reader.uint64Number()
                break
              }
              case 9: {
                obj.storedAtMs = reader.uint64Number()
                break
              }
              case 10: {
                obj.unread = reader.bool()
                break
              }
              case 11: {
                obj.style = HistoryStyle.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.style,
                })
                break
              }
              case 12: {
                obj.attachment = HistoryAttachment.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.attachment,
                })
                break
              }
              case 13: {
                obj.replyTo = reader.bytes()
                break
              }
              case 14: {
                obj.editedAtMs = reader.uint64Number()
                break
              }
              case 15: {
                obj.recalled = reader.bool()
                break
              }
              case 16: {
                obj.forwarded = reader.bool()
                break
              }
              case 17: {
                obj.reactionOut = reader.string()
                break
              }
              case 18: {
                obj.reactionIn = reader.string()
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
                  field: `${prefix}.peer`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.index`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.id`,
                  value: reader.bytes(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.outgoing`,
                  value: reader.bool(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.sentFrom`,
                  value: reader.bytes(),
                }
                break
              }
              case 6: {
                yield {
                  field: `${prefix}.seq`,
                  value: reader.uint32(),
                }
                break
              }
              case 7: {
                yield {
                  field: `${prefix}.text`,
                  value: reader.string(),
                }
                break
              }
              case 8: {
                yield {
                  field: `${prefix}.sentAtMs`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 9: {
                yield {
                  field: `${prefix}.storedAtMs`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 10: {
                yield {
                  field: `${prefix}.unread`,
                  value: reader.bool(),
                }
                break
              }
              case 11: {
                yield* HistoryStyle.codec().stream(reader, reader.uint32(), `${prefix}.style`, {
                  limits: opts.limits?.style,
                })

                break
              }
              case 12: {
                yield* HistoryAttachment.codec().stream(
                  reader,
                  reader.uint32(),
                  `${prefix}.attachment`,
                  {
                    limits: opts.limits?.attachment,
                  },
                )

                break
              }
              case 13: {
                yield {
                  field: `${prefix}.replyTo`,
                  value: reader.bytes(),
                }
                break
              }
              case 14: {
                yield {
                  field: `${prefix}.editedAtMs`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 15: {
                yield {
                  field: `${prefix}.recalled`,
                  value: reader.bool(),
                }
                break
              }
              case 16: {
                yield {
                  field: `${prefix}.forwarded`,
                  value: reader.bool(),
                }
                break
              }
              case 17: {
                yield {
                  field: `${prefix}.reactionOut`,
                  value: reader.string(),
                }
                break
              }
              case 18: {
                yield {
                  field: `${prefix}.reactionIn`,
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

  export interface HistoryItemPeerFieldEvent {
    field: '$.peer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HistoryItemIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export interface HistoryItemIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HistoryItemOutgoingFieldEvent {
    field: '$.outgoing'
    value: boolean
  }

  export interface HistoryItemSentFromFieldEvent {
    field: '$.sentFrom'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HistoryItemSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface HistoryItemTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface HistoryItemSentAtMsFieldEvent {
    field: '$.sentAtMs'
    value: number
  }

  export interface HistoryItemStoredAtMsFieldEvent {
    field: '$.storedAtMs'
    value: number
  }

  export interface HistoryItemUnreadFieldEvent {
    field: '$.unread'
    value: boolean
  }

  export interface HistoryItemStyleBoldFieldEvent {
    field: '$.style.bold'
    value: boolean
  }

  export interface HistoryItemStyleItalicFieldEvent {
    field: '$.style.italic'
    value: boolean
  }

  export interface HistoryItemStyleColorFieldEvent {
    field: '$.style.color'
    value: number
  }

  export interface HistoryItemStyleSizeFieldEvent {
    field: '$.style.size'
    value: number
  }

  export interface HistoryItemAttachmentFileIdFieldEvent {
    field: '$.attachment.fileId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HistoryItemAttachmentNameFieldEvent {
    field: '$.attachment.name'
    value: string
  }

  export interface HistoryItemAttachmentMimeFieldEvent {
    field: '$.attachment.mime'
    value: string
  }

  export interface HistoryItemAttachmentSizeFieldEvent {
    field: '$.attachment.size'
    value: number
  }

  export interface HistoryItemAttachmentSha256FieldEvent {
    field: '$.attachment.sha256'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HistoryItemAttachmentWidthFieldEvent {
    field: '$.attachment.width'
    value: number
  }

  export interface HistoryItemAttachmentHeightFieldEvent {
    field: '$.attachment.height'
    value: number
  }

  export interface HistoryItemReplyToFieldEvent {
    field: '$.replyTo'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HistoryItemEditedAtMsFieldEvent {
    field: '$.editedAtMs'
    value: number
  }

  export interface HistoryItemRecalledFieldEvent {
    field: '$.recalled'
    value: boolean
  }

  export interface HistoryItemForwardedFieldEvent {
    field: '$.forwarded'
    value: boolean
  }

  export interface HistoryItemReactionOutFieldEvent {
    field: '$.reactionOut'
    value: string
  }

  export interface HistoryItemReactionInFieldEvent {
    field: '$.reactionIn'
    value: string
  }

  export function encode(obj: Partial<HistoryItem>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HistoryItem.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<HistoryItem>,
  ): HistoryItem {
    return decodeMessage(buf, HistoryItem.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<HistoryItem>,
  ): Generator<
    | HistoryItemPeerFieldEvent
    | HistoryItemIndexFieldEvent
    | HistoryItemIdFieldEvent
    | HistoryItemOutgoingFieldEvent
    | HistoryItemSentFromFieldEvent
    | HistoryItemSeqFieldEvent
    | HistoryItemTextFieldEvent
    | HistoryItemSentAtMsFieldEvent
    | HistoryItemStoredAtMsFieldEvent
    | HistoryItemUnreadFieldEvent
    | HistoryItemStyleBoldFieldEvent
    | HistoryItemStyleItalicFieldEvent
    | HistoryItemStyleColorFieldEvent
    | HistoryItemStyleSizeFieldEvent
    | HistoryItemAttachmentFileIdFieldEvent
    | HistoryItemAttachmentNameFieldEvent
    | HistoryItemAttachmentMimeFieldEvent
    | HistoryItemAttachmentSizeFieldEvent
    | HistoryItemAttachmentSha256FieldEvent
    | HistoryItemAttachmentWidthFieldEvent
    | HistoryItemAttachmentHeightFieldEvent
    | HistoryItemReplyToFieldEvent
    | HistoryItemEditedAtMsFieldEvent
    | HistoryItemRecalledFieldEvent
    | HistoryItemForwardedFieldEvent
    | HistoryItemReactionOutFieldEvent
    | HistoryItemReactionInFieldEvent
  > {
    return streamMessage(buf, HistoryItem.codec(), opts)
  }
}

export interface HistoryFrame {
  kind: HistoryFrameKind
  items: HistoryItem[]
  remaining: number
  error: string
}

export namespace HistoryFrame {
  let _codec: Codec<HistoryFrame>

  export const codec = (): Codec<HistoryFrame> => {
    if (_codec == null) {
      _codec = message<HistoryFrame>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.kind != null && __HistoryFrameKindValues[obj.kind] !== 0) {
            w.uint32(8)
            HistoryFrameKind.codec().encode(obj.kind, w)
          }

          if (obj.items != null && obj.items.length > 0) {
            for (const value of obj.items) {
              w.uint32(18)
              HistoryItem.codec().encode(value, w)
            }
          }

          if (obj.remaining != null && obj.remaining !== 0) {
            w.uint32(24)
            w.uint32(obj.remaining)
          }

          if (obj.error != null && obj.error !== '') {
            w.uint32(34)
            w.string(obj.error)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            kind: HistoryFrameKind.HISTORY_PAGE,
            items: [],
            remaining: 0,
            error: '',
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.kind = HistoryFrameKind.codec().decode(reader)
                break
              }
              case 2: {
                if (opts.limits?.items != null && obj.items.length === opts.limits.items) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "items" had too many elements',
                  )
                }

                obj.items.push(
                  HistoryItem.codec().decode(reader, reader.uint32(), {
                    limits: opts.limits?.items$,
                  }),
                )
                break
              }
              case 3: {
                obj.remaining = reader.uint32()
                break
              }
              case 4: {
                obj.error = reader.string()
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
            items: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.kind`,
                  value: HistoryFrameKind.codec().decode(reader),
                }
                break
              }
              case 2: {
                if (opts.limits?.items != null && obj.items === opts.limits.items) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "items" had too many elements',
                  )
                }

                for (const evt of HistoryItem.codec().stream(
                  reader,
                  reader.uint32(),
                  `${prefix}.items[]`,
                  {
                    limits: opts.limits?.items$,
                  },
                )) {
                  yield {
                    ...evt,
                    index: obj.items,
                  }
                }

                obj.items++

                break
              }
              case 3: {
                yield {
                  field: `${prefix}.remaining`,
                  value: reader.uint32(),
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

  export interface HistoryFrameKindFieldEvent {
    field: '$.kind'
    value: HistoryFrameKind
  }

  export interface HistoryFrameItemsPeerFieldEvent {
    field: '$.items[].peer'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface HistoryFrameItemsIndexFieldEvent {
    field: '$.items[].index'
    value: number
    index: number
  }

  export interface HistoryFrameItemsIdFieldEvent {
    field: '$.items[].id'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface HistoryFrameItemsOutgoingFieldEvent {
    field: '$.items[].outgoing'
    value: boolean
    index: number
  }

  export interface HistoryFrameItemsSentFromFieldEvent {
    field: '$.items[].sentFrom'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface HistoryFrameItemsSeqFieldEvent {
    field: '$.items[].seq'
    value: number
    index: number
  }

  export interface HistoryFrameItemsTextFieldEvent {
    field: '$.items[].text'
    value: string
    index: number
  }

  export interface HistoryFrameItemsSentAtMsFieldEvent {
    field: '$.items[].sentAtMs'
    value: number
    index: number
  }

  export interface HistoryFrameItemsStoredAtMsFieldEvent {
    field: '$.items[].storedAtMs'
    value: number
    index: number
  }

  export interface HistoryFrameItemsUnreadFieldEvent {
    field: '$.items[].unread'
    value: boolean
    index: number
  }

  export interface HistoryFrameItemsStyleBoldFieldEvent {
    field: '$.items[].style.bold'
    value: boolean
    index: number
  }

  export interface HistoryFrameItemsStyleItalicFieldEvent {
    field: '$.items[].style.italic'
    value: boolean
    index: number
  }

  export interface HistoryFrameItemsStyleColorFieldEvent {
    field: '$.items[].style.color'
    value: number
    index: number
  }

  export interface HistoryFrameItemsStyleSizeFieldEvent {
    field: '$.items[].style.size'
    value: number
    index: number
  }

  export interface HistoryFrameItemsAttachmentFileIdFieldEvent {
    field: '$.items[].attachment.fileId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface HistoryFrameItemsAttachmentNameFieldEvent {
    field: '$.items[].attachment.name'
    value: string
    index: number
  }

  export interface HistoryFrameItemsAttachmentMimeFieldEvent {
    field: '$.items[].attachment.mime'
    value: string
    index: number
  }

  export interface HistoryFrameItemsAttachmentSizeFieldEvent {
    field: '$.items[].attachment.size'
    value: number
    index: number
  }

  export interface HistoryFrameItemsAttachmentSha256FieldEvent {
    field: '$.items[].attachment.sha256'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface HistoryFrameItemsAttachmentWidthFieldEvent {
    field: '$.items[].attachment.width'
    value: number
    index: number
  }

  export interface HistoryFrameItemsAttachmentHeightFieldEvent {
    field: '$.items[].attachment.height'
    value: number
    index: number
  }

  export interface HistoryFrameItemsReplyToFieldEvent {
    field: '$.items[].replyTo'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface HistoryFrameItemsEditedAtMsFieldEvent {
    field: '$.items[].editedAtMs'
    value: number
    index: number
  }

  export interface HistoryFrameItemsRecalledFieldEvent {
    field: '$.items[].recalled'
    value: boolean
    index: number
  }

  export interface HistoryFrameItemsForwardedFieldEvent {
    field: '$.items[].forwarded'
    value: boolean
    index: number
  }

  export interface HistoryFrameItemsReactionOutFieldEvent {
    field: '$.items[].reactionOut'
    value: string
    index: number
  }

  export interface HistoryFrameItemsReactionInFieldEvent {
    field: '$.items[].reactionIn'
    value: string
    index: number
  }

  export interface HistoryFrameRemainingFieldEvent {
    field: '$.remaining'
    value: number
  }

  export interface HistoryFrameErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export function encode(obj: Partial<HistoryFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HistoryFrame.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<HistoryFrame>,
  ): HistoryFrame {
    return decodeMessage(buf, HistoryFrame.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<HistoryFrame>,
  ): Generator<
    | HistoryFrameKindFieldEvent
    | HistoryFrameItemsPeerFieldEvent
    | HistoryFrameItemsIndexFieldEvent
    | HistoryFrameItemsIdFieldEvent
    | HistoryFrameItemsOutgoingFieldEvent
    | HistoryFrameItemsSentFromFieldEvent
    | HistoryFrameItemsSeqFieldEvent
    | HistoryFrameItemsTextFieldEvent
    | HistoryFrameItemsSentAtMsFieldEvent
    | HistoryFrameItemsStoredAtMsFieldEvent
    | HistoryFrameItemsUnreadFieldEvent
    | HistoryFrameItemsStyleBoldFieldEvent
    | HistoryFrameItemsStyleItalicFieldEvent
    | HistoryFrameItemsStyleColorFieldEvent
    | HistoryFrameItemsStyleSizeFieldEvent
    | HistoryFrameItemsAttachmentFileIdFieldEvent
    | HistoryFrameItemsAttachmentNameFieldEvent
    | HistoryFrameItemsAttachmentMimeFieldEvent
    | HistoryFrameItemsAttachmentSizeFieldEvent
    | HistoryFrameItemsAttachmentSha256FieldEvent
    | HistoryFrameItemsAttachmentWidthFieldEvent
    | HistoryFrameItemsAttachmentHeightFieldEvent
    | HistoryFrameItemsReplyToFieldEvent
    | HistoryFrameItemsEditedAtMsFieldEvent
    | HistoryFrameItemsRecalledFieldEvent
    | HistoryFrameItemsForwardedFieldEvent
    | HistoryFrameItemsReactionOutFieldEvent
    | HistoryFrameItemsReactionInFieldEvent
    | HistoryFrameRemainingFieldEvent
    | HistoryFrameErrorFieldEvent
  > {
    return streamMessage(buf, HistoryFrame.codec(), opts)
  }
}
