/**
 * The CLI's words in the user's language (the catalogs' core: client/message-catalog.ts).
 * The language is the POSIX locale's: LC_ALL, else LC_MESSAGES, else LANG; one that starts
 * with `zh` (zh_CN.UTF-8, zh_TW…) chooses Simplified Chinese, anything else English. Both
 * catalogs are small and bundled; --json output stays in English keys and values.
 */
import {
  type CatalogOf,
  fill,
  type ParamsOf,
  type PluralMessage,
  textOf,
} from '../../message-catalog.ts'
import { en } from './en.ts'
import { zh } from './zh.ts'

export type { PluralMessage }

type English = typeof en
export type CliMessageKey = keyof English
export type CliCatalog = CatalogOf<English>
export type CliLanguage = 'en' | 'zh'

/** The language the environment asks for, as the C library reads it. */
export function languageOf(env: NodeJS.ProcessEnv = process.env): CliLanguage {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || ''
  return locale.toLowerCase().startsWith('zh') ? 'zh' : 'en'
}

const CATALOGS: Record<CliLanguage, CliCatalog> = { en, zh }
const LOCALES: Record<CliLanguage, string> = { en: 'en', zh: 'zh-CN' }

let current = use(languageOf())

function use(language: CliLanguage) {
  return {
    language,
    catalog: CATALOGS[language],
    plurals: new Intl.PluralRules(LOCALES[language]),
  }
}

/** The language the CLI speaks. */
export function cliLanguage(): CliLanguage {
  return current.language
}

/** For tests: the language as if the environment said `language`. */
export function setCliLanguage(language: CliLanguage): void {
  current = use(language)
}

const ENGLISH = use('en')

/** The text of `key` in the user's language, its placeholders filled from `params`. */
export function t<K extends CliMessageKey>(key: K, ...params: ParamsOf<English[K]>): string {
  return textIn(current, key, params[0])
}

/** The English text of `key`, whatever the locale: the message of a worded error (--json). */
export function english<K extends CliMessageKey>(key: K, ...params: ParamsOf<English[K]>): string {
  return textIn(ENGLISH, key, params[0])
}

function textIn(
  { catalog, plurals }: ReturnType<typeof use>,
  key: CliMessageKey,
  params: Record<string, string | number> | undefined,
): string {
  const values = params ?? {}
  return fill(textOf(catalog[key], values, plurals), values)
}
