import { describe, expect, it } from 'vitest'
import {
  MAX_TOKEN_LENGTH,
  normalizeText,
  queryTokens,
  tokenize,
} from '../../node/conversations/index.ts'

describe('search tokenizer', () => {
  it('folds case, accents and compatibility forms', () => {
    expect(normalizeText('Café ＣＡＦＥ Ñandú')).toBe('cafe cafe nandu')
    expect(tokenize('Café, CAFE and cafe!')).toEqual(['cafe', 'and'])
  })

  it('splits on word boundaries and keeps apostrophes and numbers', () => {
    expect(tokenize("Don't stop: meet at 10.30, room 2026?")).toEqual([
      "don't",
      'stop',
      'meet',
      'at',
      '10.30',
      'room',
      '2026',
    ])
  })

  it('skips punctuation, symbols, emoji and control characters', () => {
    expect(tokenize('... !!! 🎉🎉 \u0000\u0007 -- ')).toEqual([])
    expect(queryTokens('  ?! ')).toEqual([])
  })

  it('indexes CJK runs as characters and pairs; a query uses the pairs', () => {
    expect(tokenize('你好吗')).toEqual(['你', '你好', '好', '好吗', '吗'])
    expect(queryTokens('好吗')).toEqual(['好吗'])
    expect(queryTokens('好')).toEqual(['好'])
    // Every query token of a substring is among the document's tokens.
    const doc = new Set(tokenize('我们明天去北京吃饭'))
    for (const token of queryTokens('北京吃饭')) expect(doc.has(token)).toBe(true)
  })

  it('handles mixed scripts in one text', () => {
    expect(tokenize('lunch 午饭 at noon')).toEqual(['lunch', '午', '午饭', '饭', 'at', 'noon'])
  })

  it('cuts long words and bounds the token count', () => {
    const long = 'x'.repeat(200)
    expect(tokenize(long)).toEqual(['x'.repeat(MAX_TOKEN_LENGTH)])
    expect(queryTokens(long)).toEqual(['x'.repeat(MAX_TOKEN_LENGTH)])
    const many = Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ')
    expect(tokenize(many, 10)).toHaveLength(10)
  })
})
