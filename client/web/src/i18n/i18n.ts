/**
 * The web client's words in the reader's language. Every user-visible string is a key of the
 * English catalog (en.ts), which is the source of keys; the Chinese catalog (zh.ts) is typed
 * as a `Catalog`, so TypeScript refuses it while a key is missing. Placeholders are `{name}`;
 * `t` takes exactly the names its English text holds. A plural message has one text per
 * Intl.PluralRules category of its language and is chosen by `{count}`.
 *
 * English is bundled; Chinese is loaded with a dynamic import only when it is the language,
 * so the first screen of an English reader carries no Chinese text. The choice ('auto'
 * follows the browser) is kept in localStorage; `<html lang>` follows the language.
 */
import type { ComponentChild } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import {
  type CatalogOf,
  fill,
  type ParamsOf,
  type PluralMessage,
  textOf,
} from '../../../message-catalog.ts'
import { en } from './en.ts'

export const LANGUAGES = ['en', 'zh'] as const
export type Language = (typeof LANGUAGES)[number]
/** What the user chose in Settings: a language, or the browser's. */
export type LanguageChoice = Language | 'auto'

type English = typeof en
export type MessageKey = keyof English
export type { PluralMessage }
export type Catalog = CatalogOf<English>
/** The values `t(key, …)` needs: none, or one per placeholder of the English text. */
type Params<K extends MessageKey, V = string | number> = ParamsOf<English[K], V>

const STORAGE_KEY = 'tokenim.language'
/** The locale each language formats dates and plurals in. */
const LOCALES: Record<Language, string> = { en: 'en', zh: 'zh-CN' }

let current: { language: Language; catalog: Catalog; plurals: Intl.PluralRules } = {
  language: 'en',
  catalog: en,
  plurals: new Intl.PluralRules(LOCALES.en),
}
const listeners = new Set<(language: Language) => void>()

/** The text of `key` in the current language, its placeholders filled from `params`. */
export function t<K extends MessageKey>(key: K, ...params: Params<K>): string {
  const values = (params[0] ?? {}) as Record<string, string | number>
  return fill(textOf(current.catalog[key], values, current.plurals), values)
}

/**
 * The text of `key` as nodes, each placeholder replaced by the node given for it (a link,
 * `<code>`…), for sentences that hold markup.
 */
export function tx<K extends MessageKey>(
  key: K,
  params: Params<K, ComponentChild>[0],
): ComponentChild[] {
  const values = (params ?? {}) as Record<string, ComponentChild>
  const text = textOf(current.catalog[key], values, current.plurals)
  return text.split(/\{(\w+)\}/).map((part, index) => (index % 2 === 1 ? values[part] : part))
}

export function language(): Language {
  return current.language
}

/** The BCP 47 locale of the current language, for Intl formatters. */
export function locale(): string {
  return LOCALES[current.language]
}

export function storedChoice(): LanguageChoice {
  const stored = localStorage.getItem(STORAGE_KEY)
  return stored === 'en' || stored === 'zh' ? stored : 'auto'
}

/** The browser's first preferred language we ship, else English. */
export function browserLanguage(languages: readonly string[] = navigator.languages): Language {
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0]
    if ((LANGUAGES as readonly string[]).includes(base)) return base as Language
  }
  return 'en'
}

/** Applies the stored choice (or the browser's language): call once before the first render. */
export function startLanguage(): Promise<void> {
  return applyChoice(storedChoice(), false)
}

/** Keeps `choice` and switches every screen to it (loading its catalog first). */
export function chooseLanguage(choice: LanguageChoice): Promise<void> {
  return applyChoice(choice, true)
}

async function applyChoice(choice: LanguageChoice, store: boolean): Promise<void> {
  if (store) {
    if (choice === 'auto') localStorage.removeItem(STORAGE_KEY)
    else localStorage.setItem(STORAGE_KEY, choice)
  }
  const next = choice === 'auto' ? browserLanguage() : choice
  const catalog: Catalog = next === 'zh' ? (await import('./zh.ts')).zh : en
  current = { language: next, catalog, plurals: new Intl.PluralRules(LOCALES[next]) }
  document.documentElement.lang = LOCALES[next]
  for (const listener of listeners) listener(next)
}

/** The current language; the component renders again when it changes. */
export function useLanguage(): Language {
  const [value, setValue] = useState(current.language)
  useEffect(() => {
    listeners.add(setValue)
    setValue(current.language)
    return () => void listeners.delete(setValue)
  }, [])
  return value
}
