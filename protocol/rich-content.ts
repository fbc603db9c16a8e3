/**
 * What a 1:1 text may carry besides its words (dm.proto DmTextStyle, DmAttachment): the
 * sender's style attributes and one attachment, with the checks a recipient applies before
 * it stores either. Used by protocol/messaging.ts when it encodes and decodes a text.
 */
import { FILE_HASH_LENGTH, FILE_ID_LENGTH, FILE_KEY_LENGTH } from './attachments.ts'
import { MalformedMessageError } from './errors.ts'
import {
  ATTACHMENT_CHUNK_SIZE,
  MAX_ATTACHMENT_CAPTION_SIZE,
  MAX_ATTACHMENT_CHUNKS,
  MAX_ATTACHMENT_NAME_SIZE,
  MAX_INLINE_ATTACHMENT_SIZE,
  MAX_MIME_TYPE_LENGTH,
  MAX_STYLE_FONT_SIZE,
  MIN_STYLE_FONT_SIZE,
} from './limits.ts'
import type { DmAttachment, DmTextStyle } from './proto/dm.ts'

/** Style attributes of a text; each absent one means the client's default. */
export interface TextStyle {
  bold?: boolean
  italic?: boolean
  /** 0xRRGGBB. */
  color?: number
  /** Font size in points. */
  size?: number
}

/**
 * A file sent with a text. Small files come whole (`inline`); larger ones as an offer the
 * recipient fetches on FILE_PROTOCOL with `key`, in chunks of `chunkSize`.
 */
export interface AttachmentContent {
  fileId: Uint8Array
  name: string
  mime: string
  size: number
  sha256: Uint8Array
  key?: Uint8Array
  chunkSize?: number
  inline?: Uint8Array
  width?: number
  height?: number
}

const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/
const utf8 = new TextEncoder()

/** The wire form of a style, or undefined for the default look. */
export function styleToWire(style: TextStyle | undefined): DmTextStyle | undefined {
  if (style == null) return undefined
  checkStyle(style)
  const wire: DmTextStyle = {
    bold: style.bold === true,
    italic: style.italic === true,
    size: style.size ?? 0,
  }
  if (style.color != null) wire.color = style.color
  return isDefault(wire) ? undefined : wire
}

export function styleFromWire(wire: DmTextStyle): TextStyle {
  const style: TextStyle = {}
  if (wire.bold) style.bold = true
  if (wire.italic) style.italic = true
  if (wire.color != null) style.color = wire.color
  if (wire.size !== 0) style.size = wire.size
  checkStyle(style)
  if (Object.keys(style).length === 0) {
    throw new MalformedMessageError('a style must set at least one attribute')
  }
  return style
}

function isDefault(wire: DmTextStyle): boolean {
  return !wire.bold && !wire.italic && wire.color == null && wire.size === 0
}

/** Throws MalformedMessageError for a colour or font size out of range. */
export function checkStyle(style: TextStyle): void {
  if (
    style.color != null &&
    (!Number.isInteger(style.color) || style.color < 0 || style.color > 0xffffff)
  ) {
    throw new MalformedMessageError('a text colour is 0xRRGGBB')
  }
  if (
    style.size != null &&
    (!Number.isInteger(style.size) ||
      style.size < MIN_STYLE_FONT_SIZE ||
      style.size > MAX_STYLE_FONT_SIZE)
  ) {
    throw new MalformedMessageError(
      `a font size is ${MIN_STYLE_FONT_SIZE}..${MAX_STYLE_FONT_SIZE} points`,
    )
  }
}

export function attachmentToWire(
  attachment: AttachmentContent | undefined,
): DmAttachment | undefined {
  if (attachment == null) return undefined
  checkAttachment(attachment)
  return {
    fileId: attachment.fileId as DmAttachment['fileId'],
    name: attachment.name,
    mime: attachment.mime,
    size: attachment.size,
    sha256: attachment.sha256 as DmAttachment['sha256'],
    key: (attachment.key ?? new Uint8Array(0)) as DmAttachment['key'],
    chunkSize: attachment.chunkSize ?? 0,
    inlineData: (attachment.inline ?? new Uint8Array(0)) as DmAttachment['inlineData'],
    width: attachment.width ?? 0,
    height: attachment.height ?? 0,
  }
}

export function attachmentFromWire(wire: DmAttachment): AttachmentContent {
  const attachment: AttachmentContent = {
    fileId: wire.fileId,
    name: wire.name,
    mime: wire.mime,
    size: wire.size,
    sha256: wire.sha256,
  }
  if (wire.key.length > 0 || wire.chunkSize !== 0) {
    attachment.key = wire.key
    attachment.chunkSize = wire.chunkSize
  }
  if (wire.inlineData.length > 0) attachment.inline = wire.inlineData
  if (wire.width !== 0 || wire.height !== 0) {
    attachment.width = wire.width
    attachment.height = wire.height
  }
  checkAttachment(attachment)
  return attachment
}

/**
 * Throws MalformedMessageError unless the attachment is exactly one of: a whole small file
 * whose bytes match its size, or an offer with a key and the standard chunk size.
 */
export function checkAttachment(attachment: AttachmentContent): void {
  const { fileId, name, mime, size, sha256 } = attachment
  if (fileId.length !== FILE_ID_LENGTH) throw new MalformedMessageError('bad attachment file id')
  if (sha256.length !== FILE_HASH_LENGTH) throw new MalformedMessageError('bad attachment hash')
  const nameSize = utf8.encode(name).length
  if (nameSize === 0 || nameSize > MAX_ATTACHMENT_NAME_SIZE || /[/\\\p{Cc}]/u.test(name)) {
    throw new MalformedMessageError(
      `an attachment name is 1..${MAX_ATTACHMENT_NAME_SIZE} bytes, without slashes or control characters`,
    )
  }
  if (mime.length > MAX_MIME_TYPE_LENGTH || !MIME_TYPE.test(mime)) {
    throw new MalformedMessageError('an attachment names a malformed MIME type')
  }
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new MalformedMessageError('an attachment has at least one byte')
  }
  const dimensions = [attachment.width, attachment.height]
  if (dimensions.some((d) => d != null && (!Number.isInteger(d) || d < 1 || d > 1 << 20))) {
    throw new MalformedMessageError('image dimensions are 1..2^20 pixels')
  }
  const inline = attachment.inline
  if (inline != null) {
    if (attachment.key != null || attachment.chunkSize != null) {
      throw new MalformedMessageError('an inline attachment carries no key')
    }
    if (inline.length !== size || size > MAX_INLINE_ATTACHMENT_SIZE) {
      throw new MalformedMessageError(
        `an inline attachment is its whole file, at most ${MAX_INLINE_ATTACHMENT_SIZE} bytes`,
      )
    }
    return
  }
  if (
    attachment.key?.length !== FILE_KEY_LENGTH ||
    attachment.chunkSize !== ATTACHMENT_CHUNK_SIZE
  ) {
    throw new MalformedMessageError(
      `an offered attachment carries a ${FILE_KEY_LENGTH}-byte key and ${ATTACHMENT_CHUNK_SIZE}-byte chunks`,
    )
  }
  if (Math.ceil(size / ATTACHMENT_CHUNK_SIZE) > MAX_ATTACHMENT_CHUNKS) {
    throw new MalformedMessageError(`an attachment has at most ${MAX_ATTACHMENT_CHUNKS} chunks`)
  }
}

/** UTF-8 bytes of a caption sent with an attachment, checked against its limit. */
export function checkCaption(text: string): void {
  if (utf8.encode(text).length > MAX_ATTACHMENT_CAPTION_SIZE) {
    throw new MalformedMessageError(
      `a text sent with an attachment is at most ${MAX_ATTACHMENT_CAPTION_SIZE} bytes`,
    )
  }
}

/**
 * A style as the local API takes it (`#rrggbb` colours), checked. Throws
 * MalformedMessageError naming the attribute that is wrong.
 */
export function styleFromView(view: unknown): TextStyle | undefined {
  if (view == null) return undefined
  if (typeof view !== 'object') throw new MalformedMessageError('a style is an object')
  const { bold, italic, color, size } = view as Record<string, unknown>
  const style: TextStyle = {}
  if (bold != null) {
    if (typeof bold !== 'boolean') throw new MalformedMessageError('style.bold is true or false')
    if (bold) style.bold = true
  }
  if (italic != null) {
    if (typeof italic !== 'boolean')
      throw new MalformedMessageError('style.italic is true or false')
    if (italic) style.italic = true
  }
  if (color != null) {
    if (typeof color !== 'string' || !/^#[0-9a-f]{6}$/i.test(color)) {
      throw new MalformedMessageError('style.color is a colour like #ff8800')
    }
    style.color = Number.parseInt(color.slice(1), 16)
  }
  if (size != null) {
    if (typeof size !== 'number')
      throw new MalformedMessageError('style.size is a number of points')
    style.size = size
  }
  checkStyle(style)
  return Object.keys(style).length === 0 ? undefined : style
}

/** A style as the local API returns it. */
export function styleToView(style: TextStyle): {
  bold?: boolean
  italic?: boolean
  color?: string
  size?: number
} {
  const view: { bold?: boolean; italic?: boolean; color?: string; size?: number } = {}
  if (style.bold === true) view.bold = true
  if (style.italic === true) view.italic = true
  if (style.color != null) view.color = `#${style.color.toString(16).padStart(6, '0')}`
  if (style.size != null) view.size = style.size
  return view
}
