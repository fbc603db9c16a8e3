import { describe, expect, it } from 'vitest'
import {
  bytesEqual,
  concatBytes,
  fromBase64,
  fromHex,
  toBase64,
  toHex,
} from '../../protocol/bytes.ts'

describe('protocol/bytes', () => {
  it('prints hex of a view into a larger buffer without its neighbours', () => {
    const backing = Uint8Array.of(0xaa, 0x01, 0xfe, 0xbb)
    expect(toHex(backing.subarray(1, 3))).toBe('01fe')
  })

  it('parses what it prints', () => {
    const bytes = Uint8Array.of(0, 1, 0x7f, 0x80, 0xff)
    expect(fromHex(toHex(bytes))).toEqual(bytes)
  })

  it('parses hex the way stored keys were always read (Buffer semantics)', () => {
    expect(fromHex('0a0bzz0c')).toEqual(Uint8Array.of(0x0a, 0x0b))
    expect(fromHex('abc')).toEqual(Uint8Array.of(0xab))
    expect(fromHex('ABCD')).toEqual(Uint8Array.of(0xab, 0xcd))
  })

  it('compares length and content', () => {
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true)
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false)
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 0))).toBe(false)
    expect(bytesEqual(Uint8Array.of(9, 1, 2).subarray(1), Uint8Array.of(1, 2))).toBe(true)
  })

  it('concatenates into one new array', () => {
    const a = Uint8Array.of(1)
    const out = concatBytes(a, new Uint8Array(0), Uint8Array.of(2, 3))
    expect(out).toEqual(Uint8Array.of(1, 2, 3))
    out[0] = 9
    expect(a[0]).toBe(1)
  })

  it('writes base64 of a view alone and reads it back', () => {
    const backing = Uint8Array.of(0xaa, 0xfb, 0xff, 0xbb)
    expect(toBase64(backing.subarray(1, 3))).toBe('+/8=')
    expect(fromBase64('+/8=')).toEqual(Uint8Array.of(0xfb, 0xff))
  })
})
