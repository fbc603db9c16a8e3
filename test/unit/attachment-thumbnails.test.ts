import { monitorEventLoopDelay } from 'node:perf_hooks'
import { crc32 } from 'node:zlib'
import jpeg from 'jpeg-js'
import omggif from 'omggif'
import pngjs from 'pngjs'
import { afterEach, describe, expect, it } from 'vitest'
import { ThumbnailError } from '../../node/attachments/errors.ts'
import {
  makeThumbnail,
  orient,
  type RgbaImage,
  scaleDown,
} from '../../node/attachments/thumbnail-image.ts'
import { Thumbnailer } from '../../node/attachments/thumbnailer.ts'

const LIMITS = { maxPixels: 40_000_000, maxSide: 256 }

/** An image whose left half is `left` and right half `right` (RGBA). */
function halves(width: number, height: number, left: number[], right: number[]): RgbaImage {
  const data = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(x < width / 2 ? left : right, (y * width + x) * 4)
  }
  return { width, height, data }
}

function pngOf(image: RgbaImage): Uint8Array {
  const png = new pngjs.PNG({ width: image.width, height: image.height })
  png.data = Buffer.from(image.data)
  return pngjs.PNG.sync.write(png)
}

function jpegOf(image: RgbaImage, quality = 90): Uint8Array {
  return jpeg.encode({ ...image, data: Buffer.from(image.data) }, quality).data
}

function pixel(image: RgbaImage, x: number, y: number): number[] {
  return [...image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4)]
}

function decoded(bytes: Uint8Array, mime: string): RgbaImage {
  if (mime === 'image/png') return pngjs.PNG.sync.read(Buffer.from(bytes))
  return jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true })
}

function near(actual: number[], expected: number[], tolerance = 12): boolean {
  return actual.every((value, i) => Math.abs(value - expected[i]) <= tolerance)
}

const RED = [255, 0, 0, 255]
const BLUE = [0, 0, 255, 255]

/** A file that starts like a PNG of the given size and carries no pixels at all. */
function pngHeaderOnly(width: number, height: number): Uint8Array {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 6, 0, 0, 0], 8)
  const body = Buffer.concat([Buffer.from('IHDR', 'latin1'), ihdr])
  const length = Buffer.alloc(4)
  length.writeUInt32BE(13)
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    length,
    body,
    crc,
  ])
}

describe('thumbnail images', () => {
  it('scales a PNG down to 256 px by averaging, keeping its transparency as PNG', () => {
    // Columns alternate: opaque red, then fully transparent blue.
    const image = halves(512, 128, RED, RED)
    for (let i = 4; i < image.data.length; i += 8) image.data.set([0, 0, 255, 0], i)
    const thumbnail = makeThumbnail(pngOf(image), 'image/png', LIMITS)
    expect(thumbnail).toMatchObject({ mime: 'image/png', width: 256, height: 64 })
    // Each pixel averages one of each: red, half as opaque (no blue from the invisible one).
    expect(pixel(decoded(thumbnail.bytes, thumbnail.mime), 100, 30)).toEqual([255, 0, 0, 128])

    const wide = makeThumbnail(pngOf(halves(1000, 500, RED, BLUE)), 'image/png', LIMITS)
    expect(wide).toMatchObject({ mime: 'image/jpeg', width: 256, height: 128 })
  })

  it('makes a JPEG of an opaque JPEG, and of a GIF', () => {
    const photo = makeThumbnail(jpegOf(halves(640, 480, RED, BLUE)), 'image/jpeg', LIMITS)
    expect(photo).toMatchObject({ mime: 'image/jpeg', width: 256, height: 192 })
    const back = decoded(photo.bytes, photo.mime)
    expect(near(pixel(back, 20, 96), RED)).toBe(true)
    expect(near(pixel(back, 236, 96), BLUE)).toBe(true)

    const buffer = Buffer.alloc(4096)
    const writer = new omggif.GifWriter(buffer, 300, 100, { palette: [0xff0000, 0x0000ff] })
    const indexes = new Array(300 * 100).fill(0).map((_, i) => (i % 300 < 150 ? 0 : 1))
    writer.addFrame(0, 0, 300, 100, indexes)
    const gif = makeThumbnail(buffer.subarray(0, writer.end()), 'image/gif', LIMITS)
    expect(gif).toMatchObject({ mime: 'image/jpeg', width: 256, height: 85 })
    expect(near(pixel(decoded(gif.bytes, gif.mime), 5, 40), RED)).toBe(true)
  })

  it('keeps a small image at its size', () => {
    const small = makeThumbnail(pngOf(halves(40, 30, RED, BLUE)), 'image/png', LIMITS)
    expect(small).toMatchObject({ mime: 'image/jpeg', width: 40, height: 30 })
    expect(scaleDown(halves(4, 2, RED, BLUE), 4).width).toBe(4)
  })

  it('turns an image upright as its EXIF orientation says', () => {
    // 3 wide, 2 high: pixel values 0..5, row after row.
    const image: RgbaImage = {
      width: 3,
      height: 2,
      data: Uint8Array.from({ length: 24 }, (_, i) => Math.floor(i / 4)),
    }
    const values = (turned: RgbaImage) => [...turned.data].filter((_, i) => i % 4 === 0)
    expect(values(orient(image, 1))).toEqual([0, 1, 2, 3, 4, 5])
    expect(values(orient(image, 2))).toEqual([2, 1, 0, 5, 4, 3])
    expect(values(orient(image, 3))).toEqual([5, 4, 3, 2, 1, 0])
    expect(values(orient(image, 4))).toEqual([3, 4, 5, 0, 1, 2])
    const clockwise = orient(image, 6)
    expect([clockwise.width, clockwise.height]).toEqual([2, 3])
    expect(values(clockwise)).toEqual([3, 0, 4, 1, 5, 2])
    expect(values(orient(image, 8))).toEqual([2, 5, 1, 4, 0, 3])
    expect(values(orient(image, 5))).toEqual([0, 3, 1, 4, 2, 5])
    expect(values(orient(image, 7))).toEqual([5, 2, 4, 1, 3, 0])
  })

  it('refuses images that declare more pixels than the limit, before decoding', () => {
    const bomb = pngHeaderOnly(100_000, 100_000)
    expect(() => makeThumbnail(bomb, 'image/png', LIMITS)).toThrow(ThumbnailError)
    expect(() => makeThumbnail(bomb, 'image/png', LIMITS)).toThrow(/100000x100000/)
    const wide = jpegOf(halves(400, 300, RED, BLUE))
    expect(() => makeThumbnail(wide, 'image/jpeg', { ...LIMITS, maxPixels: 100_000 })).toThrow(
      /pixel limit/,
    )
  })

  it('refuses corrupt images with a ThumbnailError', () => {
    const png = pngOf(halves(300, 200, RED, BLUE))
    const cases: Array<[Uint8Array, string]> = [
      [pngHeaderOnly(300, 200), 'image/png'],
      [png.subarray(0, png.length / 2), 'image/png'],
      [jpegOf(halves(300, 200, RED, BLUE)).subarray(0, 400), 'image/jpeg'],
      [Buffer.from('GIF89a not really'), 'image/gif'],
      [png, 'image/webp'],
      [new Uint8Array(0), 'image/png'],
    ]
    for (const [bytes, mime] of cases) {
      expect(() => makeThumbnail(bytes, mime, LIMITS), mime).toThrow(ThumbnailError)
    }
  })

  it('refuses a GIF whose LZW codes would loop forever (found by decoder fuzzing)', () => {
    // A valid 24x24 GIF with one bit of its LZW data flipped: omggif chased a cycle of
    // prefixes for ever, holding the thumbnail worker until its time-out.
    const looping = Buffer.from(
      '47494638396118001800800000ff00000000ff2c0000000018001800000220448ca7c9eb0d9f8c74da8aaf' +
        'ce7cfb0e7e624c8e66899e6acaae6e0bbf725c00003b',
      'hex',
    )
    expect(() => makeThumbnail(looping, 'image/gif', LIMITS)).toThrow(/LZW data names code/)
    const valid = Uint8Array.from(looping)
    valid[looping.indexOf(0x4c, 40)] = 0x48
    expect(makeThumbnail(valid, 'image/gif', LIMITS)).toMatchObject({ width: 24, height: 24 })
  })
})

describe('thumbnailer', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('decodes in a worker: the calling thread stays free', async () => {
    const bytes = jpegOf(halves(2400, 1600, RED, BLUE), 95)
    const thumbnailer = new Thumbnailer()
    cleanups.push(() => thumbnailer.stop())
    const delay = monitorEventLoopDelay({ resolution: 10 })
    delay.enable()
    const started = performance.now()
    const thumbnail = await thumbnailer.make(bytes, 'image/jpeg', bytes.length)
    const tookMs = performance.now() - started
    delay.disable()
    expect(thumbnail).toMatchObject({ mime: 'image/jpeg', width: 256, height: 171 })
    // Decoding 3.8 megapixels takes hundreds of ms; none of it blocked this thread.
    expect(tookMs).toBeGreaterThan(50)
    expect(delay.max / 1e6).toBeLessThan(tookMs / 2)
  })

  it('ends a job that overruns its time or is cancelled, and goes on with the next image', async () => {
    const big = jpegOf(halves(2400, 1600, RED, BLUE), 95)
    const small = pngOf(halves(300, 200, RED, BLUE))
    const hasty = new Thumbnailer({ timeoutMs: 5 })
    cleanups.push(() => hasty.stop())
    await expect(hasty.make(big, 'image/jpeg', big.length)).rejects.toThrow(/took over 5 ms/)

    const thumbnailer = new Thumbnailer()
    cleanups.push(() => thumbnailer.stop())
    const cancelled = thumbnailer.make(big, 'image/jpeg', big.length, {
      signal: AbortSignal.timeout(5),
    })
    const next = thumbnailer.make(small, 'image/png', small.length)
    await expect(cancelled).rejects.toThrow(ThumbnailError)
    await expect(next).resolves.toMatchObject({ width: 256, height: 171 })
    // A type without thumbnails never reaches the worker.
    await expect(thumbnailer.make(small, 'image/svg+xml', 10)).rejects.toThrow(/image\/svg/)
  })
})
