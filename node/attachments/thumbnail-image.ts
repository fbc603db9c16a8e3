/**
 * Thumbnails of received images, in pure JavaScript: decode (PNG: pngjs, JPEG: jpeg-js, GIF's
 * first frame: omggif), turn as the JPEG's EXIF orientation says, scale down by averaging
 * (alpha-weighted, so transparent edges do not darken), encode as JPEG, or PNG when anything
 * is transparent. Every decoder is bounded: the dimensions the header declares are checked
 * against a pixel limit before a byte is decoded, so a decompression bomb is refused cheaply.
 *
 * CPU-heavy (a 12-megapixel photo takes about a second): the node runs it in a worker thread
 * (thumbnailer.ts), never on the thread that delivers messages.
 */
import { imageSize } from 'image-size'
import jpeg from 'jpeg-js'
import omggif from 'omggif'
import pngjs from 'pngjs'
import { ThumbnailError } from './errors.ts'
import { checkGifLzw } from './gif-lzw-check.ts'

/** Pixels, 4 bytes each (RGBA), row after row. */
export interface RgbaImage {
  width: number
  height: number
  data: Uint8Array
}

export interface Thumbnail {
  mime: 'image/jpeg' | 'image/png'
  width: number
  height: number
  bytes: Uint8Array
}

export interface ThumbnailLimits {
  /** Largest width x height decoded. */
  maxPixels: number
  /** Longest side of the thumbnail. */
  maxSide: number
}

/** Image types a thumbnail is made of. */
export const THUMBNAIL_SOURCE_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
])

const JPEG_QUALITY = 80

export function makeThumbnail(bytes: Uint8Array, mime: string, limits: ThumbnailLimits): Thumbnail {
  const header = declaredSize(bytes)
  if (header.width * header.height > limits.maxPixels) {
    throw new ThumbnailError(
      `the image is ${header.width}x${header.height}, over the ${limits.maxPixels}-pixel limit of thumbnails`,
    )
  }
  let image = decodeImage(bytes, mime, limits.maxPixels)
  image = scaleDown(image, limits.maxSide)
  if (mime === 'image/jpeg' && header.orientation != null) image = orient(image, header.orientation)
  return encodeThumbnail(image)
}

function declaredSize(bytes: Uint8Array): { width: number; height: number; orientation?: number } {
  try {
    const { width, height, orientation } = imageSize(bytes)
    if (width > 0 && height > 0) return { width, height, orientation }
  } catch {
    // Falls through: a header nobody can read is no image to decode.
  }
  throw new ThumbnailError('the image header is unreadable')
}

export function decodeImage(bytes: Uint8Array, mime: string, maxPixels: number): RgbaImage {
  try {
    switch (mime) {
      case 'image/png': {
        const png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length))
        checkPixels(png.width, png.height, maxPixels)
        return { width: png.width, height: png.height, data: png.data }
      }
      case 'image/jpeg': {
        const decoded = jpeg.decode(bytes, {
          useTArray: true,
          formatAsRGBA: true,
          maxResolutionInMP: maxPixels / 1_000_000,
          maxMemoryUsageInMB: Math.ceil((maxPixels * 8) / 1_000_000),
        })
        return { width: decoded.width, height: decoded.height, data: decoded.data }
      }
      case 'image/gif': {
        const gif = new omggif.GifReader(bytes)
        checkPixels(gif.width, gif.height, maxPixels)
        const frame = gif.frameInfo(0)
        if (frame.x + frame.width > gif.width || frame.y + frame.height > gif.height) {
          throw new ThumbnailError('the first frame lies outside the GIF')
        }
        checkGifLzw(bytes, frame.data_offset, frame.width * frame.height)
        const data = new Uint8Array(gif.width * gif.height * 4)
        gif.decodeAndBlitFrameRGBA(0, data)
        return { width: gif.width, height: gif.height, data }
      }
    }
  } catch (err) {
    if (err instanceof ThumbnailError) throw err
    throw new ThumbnailError(`the ${mime} image cannot be decoded: ${(err as Error).message}`)
  }
  throw new ThumbnailError(`no thumbnails of ${mime}`)
}

function checkPixels(width: number, height: number, maxPixels: number): void {
  if (width * height > maxPixels) {
    throw new ThumbnailError(`the image is ${width}x${height}, over the ${maxPixels}-pixel limit`)
  }
}

/**
 * The image scaled so that its longest side is at most `maxSide`: each source pixel falls in
 * one target pixel, which takes the average of its pixels, colours weighted by their alpha.
 */
export function scaleDown(image: RgbaImage, maxSide: number): RgbaImage {
  const { width, height, data } = image
  const scale = Math.min(1, maxSide / Math.max(width, height))
  if (scale === 1) return image
  const targetWidth = Math.max(1, Math.round(width * scale))
  const targetHeight = Math.max(1, Math.round(height * scale))
  const column = new Uint32Array(width)
  for (let x = 0; x < width; x++) column[x] = Math.floor((x * targetWidth) / width)
  // Per target pixel: sum of r*a, g*a, b*a, a, and the pixel count (averages of large buckets
  // would overflow 32-bit sums).
  const sums = new Float64Array(targetWidth * targetHeight * 5)
  for (let y = 0; y < height; y++) {
    const rowBase = Math.floor((y * targetHeight) / height) * targetWidth
    let source = y * width * 4
    for (let x = 0; x < width; x++, source += 4) {
      const target = (rowBase + column[x]) * 5
      const alpha = data[source + 3]
      sums[target] += data[source] * alpha
      sums[target + 1] += data[source + 1] * alpha
      sums[target + 2] += data[source + 2] * alpha
      sums[target + 3] += alpha
      sums[target + 4] += 1
    }
  }
  const out = new Uint8Array(targetWidth * targetHeight * 4)
  for (let i = 0, o = 0; o < out.length; i += 5, o += 4) {
    const alpha = sums[i + 3]
    if (alpha > 0) {
      out[o] = Math.round(sums[i] / alpha)
      out[o + 1] = Math.round(sums[i + 1] / alpha)
      out[o + 2] = Math.round(sums[i + 2] / alpha)
    }
    out[o + 3] = Math.round(alpha / sums[i + 4])
  }
  return { width: targetWidth, height: targetHeight, data: out }
}

/**
 * The image turned upright as its EXIF orientation (1..8) asks: 2-4 mirror it or turn it
 * half-way round, 5-8 also swap its sides (6: a quarter turn clockwise, 8: anticlockwise).
 */
export function orient(image: RgbaImage, orientation: number): RgbaImage {
  if (!Number.isInteger(orientation) || orientation < 2 || orientation > 8) return image
  const { width: w, height: h, data } = image
  const swap = orientation >= 5
  const width = swap ? h : w
  const height = swap ? w : h
  // Where the pixel shown at (x, y) comes from.
  const from: (x: number, y: number) => number = [
    (x: number, y: number) => y * w + (w - 1 - x),
    (x: number, y: number) => (h - 1 - y) * w + (w - 1 - x),
    (x: number, y: number) => (h - 1 - y) * w + x,
    (x: number, y: number) => x * w + y,
    (x: number, y: number) => (h - 1 - x) * w + y,
    (x: number, y: number) => (h - 1 - x) * w + (w - 1 - y),
    (x: number, y: number) => x * w + (w - 1 - y),
  ][orientation - 2]
  const out = new Uint8Array(data.length)
  for (let y = 0, o = 0; y < height; y++) {
    for (let x = 0; x < width; x++, o += 4) {
      const source = from(x, y) * 4
      out[o] = data[source]
      out[o + 1] = data[source + 1]
      out[o + 2] = data[source + 2]
      out[o + 3] = data[source + 3]
    }
  }
  return { width, height, data: out }
}

/** JPEG when every pixel is opaque, else PNG (which keeps the transparency). */
export function encodeThumbnail(image: RgbaImage): Thumbnail {
  const { width, height, data } = image
  let opaque = true
  for (let i = 3; i < data.length && opaque; i += 4) opaque = data[i] === 255
  if (opaque) {
    const encoded = jpeg.encode({ width, height, data }, JPEG_QUALITY)
    return { mime: 'image/jpeg', width, height, bytes: new Uint8Array(encoded.data) }
  }
  const png = new pngjs.PNG({ width, height })
  png.data = Buffer.from(data.buffer, data.byteOffset, data.length)
  return { mime: 'image/png', width, height, bytes: new Uint8Array(pngjs.PNG.sync.write(png)) }
}
