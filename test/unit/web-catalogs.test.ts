/**
 * The web client's message catalogs (client/web/src/i18n): Chinese has exactly English's keys
 * with the same placeholders, plural messages carry the categories their language uses, and
 * `t` fills placeholders and picks plural forms in the current language.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { en } from '../../client/web/src/i18n/en.ts'
import {
  browserLanguage,
  chooseLanguage,
  type PluralMessage,
  t,
} from '../../client/web/src/i18n/i18n.ts'
import { zh } from '../../client/web/src/i18n/zh.ts'

const holes = (message: string | PluralMessage): string[] => {
  const texts = typeof message === 'string' ? [message] : Object.values(message)
  const names = texts.flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))
  if (typeof message !== 'string') names.push('count')
  return [...new Set(names)].sort()
}

const categories = (locale: string): string[] =>
  [...new Intl.PluralRules(locale).resolvedOptions().pluralCategories].sort()

describe('web client catalogs', () => {
  it('have the same keys', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort())
  })

  it('have the same placeholders in every message, and no text left empty', () => {
    for (const [key, message] of Object.entries(en)) {
      const chinese = (zh as Record<string, string | PluralMessage>)[key]
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
      const chinese = (zh as Record<string, string | PluralMessage>)[key] as PluralMessage
      expect({ key, zh: Object.keys(chinese).sort() }).toEqual({ key, zh: categories('zh-CN') })
    }
  })

  it('keep Chinese text free of English words other than names', () => {
    const allowed = /^(TokenIM|Language|English|tokenim|TOTP|ID|Enter|Shift|KB|MB)$/
    for (const [key, message] of Object.entries(zh)) {
      const texts = typeof message === 'string' ? [message] : Object.values(message)
      for (const text of texts) {
        const words = text.replace(/\{\w+\}/g, '').match(/[A-Za-z]{2,}/g) ?? []
        expect({ key, words: words.filter((w) => !allowed.test(w)) }).toEqual({ key, words: [] })
      }
    }
  })
})

describe('t', () => {
  const storage = new Map<string, string>()
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => storage.get(k) ?? null,
    setItem: (k: string, v: string) => void storage.set(k, v),
    removeItem: (k: string) => void storage.delete(k),
  })
  vi.stubGlobal('document', { documentElement: { lang: 'en' } })
  vi.stubGlobal('navigator', { languages: ['en-US'] })
  afterEach(() => chooseLanguage('en'))

  it('fills placeholders and switches language, with <html lang> and the stored choice', async () => {
    expect(t('language.browser', { name: 'English' })).toBe("The browser's language (English)")
    await chooseLanguage('zh')
    expect(t('language.browser', { name: 'English' })).toBe('跟随浏览器（English）')
    expect(document.documentElement.lang).toBe('zh-CN')
    expect(storage.get('tokenim.language')).toBe('zh')
    await chooseLanguage('auto')
    expect(storage.has('tokenim.language')).toBe(false)
    expect(document.documentElement.lang).toBe('en')
  })

  it('picks the plural form of the current language', async () => {
    expect(t('chats.unread', { count: 1 })).toBe('1 unread message')
    expect(t('chats.unread', { count: 3 })).toBe('3 unread messages')
    await chooseLanguage('zh')
    expect(t('chats.unread', { count: 1 })).toBe('1 条未读消息')
  })

  it("takes the browser's first language it ships, else English", () => {
    expect(browserLanguage(['zh-CN', 'en'])).toBe('zh')
    expect(browserLanguage(['zh-TW'])).toBe('zh')
    expect(browserLanguage(['fr-FR', 'en-GB'])).toBe('en')
    expect(browserLanguage(['fr-FR'])).toBe('en')
  })
})
