/**
 * The checks every pair of message catalogs passes (client/message-catalog.ts): Chinese has
 * exactly English's keys with the same placeholders, no empty text, each plural message has
 * exactly the categories its language uses, and Chinese text carries no English word but
 * those `allowed` (names, key names, units).
 */
import { describe, expect, it } from 'vitest'
import type { Message, PluralMessage } from '../../client/message-catalog.ts'

const holes = (message: Message): string[] => {
  const texts = typeof message === 'string' ? [message] : Object.values(message)
  const names = texts.flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))
  if (typeof message !== 'string') names.push('count')
  return [...new Set(names)].sort()
}

const categories = (locale: string): string[] =>
  [...new Intl.PluralRules(locale).resolvedOptions().pluralCategories].sort()

export function describeCatalogs(
  name: string,
  en: Readonly<Record<string, Message>>,
  zh: Readonly<Record<string, Message>>,
  allowed: RegExp,
): void {
  describe(name, () => {
    it('have the same keys', () => {
      expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort())
    })

    it('have the same placeholders in every message, and no text left empty', () => {
      for (const [key, message] of Object.entries(en)) {
        const chinese = zh[key]
        expect({ key, holes: holes(chinese) }).toEqual({ key, holes: holes(message) })
        expect(typeof chinese).toBe(typeof message)
        const texts = typeof chinese === 'string' ? [chinese] : Object.values(chinese)
        for (const text of texts) expect(text.trim(), key).not.toBe('')
      }
    })

    it('give each plural message exactly the categories its language uses', () => {
      for (const [key, message] of Object.entries(en)) {
        if (typeof message === 'string') continue
        expect({ key, en: Object.keys(message).sort() }).toEqual({ key, en: categories('en') })
        const chinese = zh[key] as PluralMessage
        expect({ key, zh: Object.keys(chinese).sort() }).toEqual({ key, zh: categories('zh-CN') })
      }
    })

    it('keep Chinese text free of English words other than names', () => {
      for (const [key, message] of Object.entries(zh)) {
        const texts = typeof message === 'string' ? [message] : Object.values(message)
        for (const text of texts) {
          const words = text.replace(/\{\w+\}/g, '').match(/[A-Za-z]{2,}/g) ?? []
          expect({ key, words: words.filter((w) => !allowed.test(w)) }).toEqual({ key, words: [] })
        }
      }
    })
  })
}
