/**
 * The web client's message catalogs (client/web/src/i18n): Chinese has exactly English's keys
 * with the same placeholders, plural messages carry the categories their language uses, and
 * `t` fills placeholders and picks plural forms in the current language.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { en } from '../../client/web/src/i18n/en.ts'
import { browserLanguage, chooseLanguage, t } from '../../client/web/src/i18n/i18n.ts'
import { zh } from '../../client/web/src/i18n/zh.ts'
import { stopText } from '../../client/web/src/stop-text.ts'
import { stopReason } from '../../protocol/stop-reasons.ts'
import { describeCatalogs } from '../helpers/catalog-checks.ts'

describeCatalogs('web client catalogs', en, zh, /^(TokenIM|Language|English|ID|Enter|Shift)$/)

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

  it('words why the node stopped by its code, in Chinese too', async () => {
    const why = stopReason('key-changed')
    expect(t('shell.stoppedWhy', { reason: stopText(why) })).toBe(
      'Why: the account key changed; starting again under the new key.',
    )
    await chooseLanguage('zh')
    expect(t('shell.stoppedWhy', { reason: stopText(why) })).toBe(
      '原因：账户密钥已更换，正在以新密钥重新启动。',
    )
    expect(stopText(stopReason('local-api'))).toBe('已通过本地接口停止')
    expect(stopText({ code: 'a-later-cause', reason: 'the disk is full' })).toBe('the disk is full')
  })

  it("takes the browser's first language it ships, else English", () => {
    expect(browserLanguage(['zh-CN', 'en'])).toBe('zh')
    expect(browserLanguage(['zh-TW'])).toBe('zh')
    expect(browserLanguage(['fr-FR', 'en-GB'])).toBe('en')
    expect(browserLanguage(['fr-FR'])).toBe('en')
  })
})
