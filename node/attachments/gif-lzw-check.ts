/**
 * Refuses a GIF frame whose LZW codes omggif would loop on forever. omggif follows each
 * code's chain of prefixes without checking it ends: a code beyond the next table entry (or
 * the next entry itself right after a clear) leaves a prefix pointing at a stale entry, the
 * chain can turn into a cycle, and one flipped bit hangs the thumbnail worker until its
 * time-out. This pass reads the codes exactly as omggif does (same sub-block and code-size
 * rules) and refuses such a code, which the LZW of GIF never allows; with every prefix below
 * its entry, every chain ends. It stops where omggif stops: at the end code, at the end of
 * the data, or once the frame's pixels are all written.
 */
import { ThumbnailError } from './errors.ts'

export function checkGifLzw(bytes: Uint8Array, dataOffset: number, pixels: number): void {
  let p = dataOffset
  const minCodeSize = bytes[p++]
  if (!(minCodeSize >= 1 && minCodeSize <= 11)) {
    throw new ThumbnailError(`the GIF's LZW minimum code size ${minCodeSize} is out of range`)
  }
  const clearCode = 1 << minCodeSize
  const eoiCode = clearCode + 1
  let nextCode = eoiCode + 1
  let codeSize = minCodeSize + 1
  let codeMask = (1 << codeSize) - 1
  let shift = 0
  let cur = 0
  let written = 0
  // As omggif: past the data, reads give undefined (0 bits) and the sub-block size NaN.
  let subblock: number = bytes[p++]
  const lengths = new Int32Array(4096)
  let prevCode: number | null = null
  const read = () => bytes[p++] as number | undefined as number
  for (;;) {
    while (shift < 16) {
      if (subblock === 0) break
      cur |= read() << shift
      shift += 8
      if (subblock === 1) subblock = read()
      else --subblock
    }
    if (shift < codeSize) return
    const code = cur & codeMask
    cur >>= codeSize
    shift -= codeSize
    if (code === clearCode) {
      nextCode = eoiCode + 1
      codeSize = minCodeSize + 1
      codeMask = (1 << codeSize) - 1
      prevCode = null
      continue
    }
    if (code === eoiCode) return
    if (code > nextCode || (code === nextCode && prevCode === null)) {
      throw new ThumbnailError(`the GIF's LZW data names code ${code} before it exists`)
    }
    const chaseCode = code < nextCode ? code : (prevCode as number)
    const length = chaseCode < clearCode ? 1 : lengths[chaseCode]
    written += length + (chaseCode !== code ? 1 : 0)
    if (written > pixels) return
    if (prevCode !== null && nextCode < 4096) {
      lengths[nextCode++] = (prevCode < clearCode ? 1 : lengths[prevCode]) + 1
      if (nextCode >= codeMask + 1 && codeSize < 12) {
        ++codeSize
        codeMask = (codeMask << 1) | 1
      }
    }
    prevCode = code
  }
}
