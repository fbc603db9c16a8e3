/**
 * Decoder fuzz table rows for received images: the node makes a thumbnail of an image a
 * friend sends (PNG, JPEG, GIF), so a stranger's bytes reach pngjs, jpeg-js and omggif. The
 * fuzz limit is 64x64 pixels, so an allocation sized by a header the limit should have
 * refused shows as memory growth far beyond the input.
 */
import jpeg from 'jpeg-js'
import omggif from 'omggif'
import pngjs from 'pngjs'
import { ThumbnailError } from '../../node/attachments/errors.ts'
import { makeThumbnail } from '../../node/attachments/thumbnail-image.ts'
import type { DecoderEntry } from './decoder-entry.ts'

const LIMITS = { maxPixels: 64 * 64, maxSide: 16 }
const SIDE = 24

function pixels(): Buffer {
  const data = Buffer.alloc(SIDE * SIDE * 4)
  for (let i = 0; i < data.length; i += 4)
    data.set([i % 251, (i * 7) % 253, 90, i % 3 ? 255 : 128], i)
  return data
}

function gif(): Uint8Array {
  const buffer = new Uint8Array(4096)
  const writer = new omggif.GifWriter(buffer, SIDE, SIDE, { palette: [0xff0000, 0x0000ff] })
  writer.addFrame(
    0,
    0,
    SIDE,
    SIDE,
    Array.from({ length: SIDE * SIDE }, (_, i) => i % 2),
  )
  return buffer.slice(0, writer.end())
}

/** Runs `fn` with console.log silenced: omggif logs a line for each short GIF stream. */
function quietly<T>(fn: () => T): T {
  const log = console.log
  console.log = () => {}
  try {
    return fn()
  } finally {
    console.log = log
  }
}

export function images(): DecoderEntry[] {
  const png = new pngjs.PNG({ width: SIDE, height: SIDE })
  png.data = pixels()
  const entry = (mime: string, valid: Uint8Array): DecoderEntry => ({
    name: `${mime} thumbnail`,
    maxSize: 64 * 1024,
    decode: (b) => quietly(() => makeThumbnail(b, mime, LIMITS)),
    valid: [valid],
    refusals: [ThumbnailError],
    // Image decoding of mutated files costs up to a second each on a loaded machine.
    testCases: 1000,
  })
  return [
    entry('image/png', new Uint8Array(pngjs.PNG.sync.write(png))),
    entry(
      'image/jpeg',
      new Uint8Array(jpeg.encode({ width: SIDE, height: SIDE, data: pixels() }, 80).data),
    ),
    entry('image/gif', gif()),
  ]
}
