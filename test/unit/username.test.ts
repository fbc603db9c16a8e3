import { describe, expect, it } from 'vitest'
import {
  isReservedUsername,
  normalizeUsername,
  RESERVED_USERNAMES,
  usernameSkeleton,
} from '../../protocol/username.ts'

describe('username normalization', () => {
  it.each([
    ['alice', 'alice'],
    ['ALICE', 'alice'],
    ['Alice_Smith', 'alice_smith'],
    ['ＡＬＩＣＥ', 'alice'], // fullwidth, folded by NFKC
    ['ａｌｉｃｅ', 'alice'],
    ['bob.2024', 'bob.2024'],
    ['x-y-z', 'x-y-z'],
    ['\u212Aate', 'kate'], // KELVIN SIGN folds to k
    ['abc', 'abc'],
    ['a'.repeat(32), 'a'.repeat(32)],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeUsername(input)).toBe(expected)
  })

  it.each([
    ['', 'empty'],
    ['ab', 'too-short'],
    ['a'.repeat(33), 'too-long'],
    ['a'.repeat(1000), 'too-long'],
    ['al ice', 'character'],
    ['alice!', 'character'],
    ['аlice', 'character'], // Cyrillic a
    ['alicé', 'character'],
    ['ålice', 'character'],
    ['al\u200Bice', 'character'], // zero-width space
    ['İnci', 'character'], // lower-cases to i + combining dot
    ['😀😀😀', 'character'],
    ['.alice', 'edge-punctuation'],
    ['alice-', 'edge-punctuation'],
    ['_al', 'edge-punctuation'],
    ['al..ice', 'double-punctuation'],
    ['al_-ice', 'double-punctuation'],
  ])('refuses %j as %s', (input, reason) => {
    let error: unknown
    try {
      normalizeUsername(input)
    } catch (err) {
      error = err
    }
    expect(error).toMatchObject({ name: 'InvalidNameError', code: 'invalid', reason })
  })

  it('names the lookalike a refused non-Latin letter imitates', () => {
    expect(() => normalizeUsername('\u0430lice')).toThrow(/U\+0430.*looks like the Latin "a"/)
    expect(() => normalizeUsername('b\u03BFb')).toThrow(/U\+03BF.*Latin "o"/)
  })
})

describe('username skeletons', () => {
  it.each([
    ['alice', 'a1ice'],
    ['alice', 'al.ice'],
    ['alice', 'a-l_ice'],
    ['bob', 'b0b'],
    ['bill', 'b1ii'],
    ['modern', 'rnodern'],
    ['wave', 'vvave'],
    ['sam', '5am'],
  ])('%s and %s collide', (a, b) => {
    expect(usernameSkeleton(normalizeUsername(a))).toBe(usernameSkeleton(normalizeUsername(b)))
  })

  it.each([
    ['alice', 'alicia'],
    ['bob', 'rob'],
    ['anna', 'anne'],
  ])('%s and %s stay distinct', (a, b) => {
    expect(usernameSkeleton(a)).not.toBe(usernameSkeleton(b))
  })
})

describe('reserved usernames', () => {
  it.each(RESERVED_USERNAMES.map((name) => [name]))('%s is reserved', (name) => {
    expect(isReservedUsername(name)).toBe(true)
    expect(() => normalizeUsername(name)).toThrow(
      expect.objectContaining({ name: 'ReservedNameError' }),
    )
  })

  it.each([
    ['ADMIN'],
    ['adm1n'],
    ['r00t'],
    ['sys.tem'],
    ['tokenim-team'],
    ['t0kenim_help'],
    ['Support'],
  ])('%s is reserved through case, lookalikes or the tokenim prefix', (name) => {
    expect(() => normalizeUsername(name)).toThrow(
      expect.objectContaining({ name: 'ReservedNameError', code: 'reserved' }),
    )
  })

  it('leaves ordinary names alone', () => {
    for (const name of ['alice', 'rooted', 'administrator2', 'helpful', 'bob']) {
      expect(isReservedUsername(name)).toBe(false)
    }
  })
})
