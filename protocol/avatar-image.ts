/**
 * What an avatar may be: a PNG, JPEG or WebP image of at most MAX_AVATAR_DIMENSION pixels a
 * side and MAX_AVATAR_SIZE bytes. The type comes from the image's own signature and the size
 * from its header (never from a label the sender writes), so a receiver knows what it hands a
 * browser before any decoder sees it. Pixels are left to the browser's decoder.
 */
import { fromBase64, toBase64 } from './bytes.ts'
import { InvalidAvatarError } from './errors.ts'
import { MAX_AVATAR_DIMENSION, MAX_AVATAR_SIZE } from './limits.ts'

export type AvatarType = 'image/png' | 'image/jpeg' | 'image/webp'

export interface AvatarImage {
  type: AvatarType
  width: number
  height: number
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** The avatar's type and size; InvalidAvatarError for anything else or anything larger. */
export function checkAvatar(bytes: Uint8Array): AvatarImage {
  if (bytes.length > MAX_AVATAR_SIZE) {
    throw new InvalidAvatarError(
      `an avatar is at most ${MAX_AVATAR_SIZE} bytes, got ${bytes.length}`,
    )
  }
  const image = pngSize(bytes) ?? jpegSize(bytes) ?? webpSize(bytes)
  if (image == null) throw new InvalidAvatarError('an avatar is a PNG, JPEG or WebP image')
  const { width, height } = image
  if (width < 1 || height < 1 || width > MAX_AVATAR_DIMENSION || height > MAX_AVATAR_DIMENSION) {
    throw new InvalidAvatarError(
      `an avatar is at most ${MAX_AVATAR_DIMENSION}×${MAX_AVATAR_DIMENSION} pixels, got ${width}×${height}`,
    )
  }
  return image
}

/** `data:<type>;base64,…` of an avatar already checked. */
export function avatarDataUrl(bytes: Uint8Array): string {
  const { type } = checkAvatar(bytes)
  return `data:${type};base64,${toBase64(bytes)}`
}

/** The bytes of a `data:image/…;base64,` URL, checked; InvalidAvatarError otherwise. */
export function avatarFromDataUrl(url: string): Uint8Array {
  const match = /^data:image\/(png|jpeg|webp);base64,([A-Za-z0-9+/]+={0,2})$/.exec(url)
  // Base64 of the largest avatar, with room for padding: refuse longer strings before decoding.
  if (match == null || url.length > Math.ceil(MAX_AVATAR_SIZE / 3) * 4 + 32) {
    throw new InvalidAvatarError('an avatar is a data:image/(png|jpeg|webp);base64 URL')
  }
  const bytes = fromBase64(match[2] ?? '')
  const image = checkAvatar(bytes)
  if (image.type !== `image/${match[1]}`) {
    throw new InvalidAvatarError(`the avatar says image/${match[1]} but is ${image.type}`)
  }
  return bytes
}

function be16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0)
}

function le24(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16)
}

function ascii(bytes: Uint8Array, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false
  return true
}

/** PNG: the signature, then IHDR first with width and height as 32-bit big-endian numbers. */
function pngSize(bytes: Uint8Array): AvatarImage | undefined {
  if (bytes.length < 33 || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return undefined
  if (!ascii(bytes, 12, 'IHDR')) throw new InvalidAvatarError('a PNG starts with its IHDR chunk')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return { type: 'image/png', width: view.getUint32(16), height: view.getUint32(20) }
}

/** JPEG: segments after SOI up to the first start-of-frame, which holds height then width. */
function jpegSize(bytes: Uint8Array): AvatarImage | undefined {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) return undefined
  let at = 2
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) break
    const marker = bytes[at + 1] ?? 0
    if (marker === 0xff) {
      at += 1
      continue
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)
    if (isFrame && at + 9 <= bytes.length) {
      return { type: 'image/jpeg', height: be16(bytes, at + 5), width: be16(bytes, at + 7) }
    }
    if (marker === 0xda) break
    at += 2 + be16(bytes, at + 2)
  }
  throw new InvalidAvatarError('a JPEG avatar has no frame header')
}

/** WebP: a RIFF file whose first chunk is VP8 (lossy), VP8L (lossless) or VP8X (extended). */
function webpSize(bytes: Uint8Array): AvatarImage | undefined {
  if (bytes.length < 30 || !ascii(bytes, 0, 'RIFF') || !ascii(bytes, 8, 'WEBP')) return undefined
  const type = 'image/webp'
  if (ascii(bytes, 12, 'VP8 ') && bytes[23] === 0x9d && bytes[24] === 0x01 && bytes[25] === 0x2a) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    return {
      type,
      width: view.getUint16(26, true) & 0x3fff,
      height: view.getUint16(28, true) & 0x3fff,
    }
  }
  if (ascii(bytes, 12, 'VP8L') && bytes[20] === 0x2f) {
    const [b1, b2, b3, b4] = [bytes[21] ?? 0, bytes[22] ?? 0, bytes[23] ?? 0, bytes[24] ?? 0]
    return {
      type,
      width: 1 + (((b2 & 0x3f) << 8) | b1),
      height: 1 + (((b4 & 0x0f) << 10) | (b3 << 2) | ((b2 & 0xc0) >> 6)),
    }
  }
  if (ascii(bytes, 12, 'VP8X')) {
    return { type, width: 1 + le24(bytes, 24), height: 1 + le24(bytes, 27) }
  }
  throw new InvalidAvatarError('a WebP avatar has no VP8, VP8L or VP8X header')
}
