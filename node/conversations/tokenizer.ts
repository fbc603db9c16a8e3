/**
 * Turns message text into the tokens of the search index, and a query into the tokens it
 * must match. Both go through the same function, so whatever a message was indexed under,
 * typing the same words finds it.
 *
 * - Normalized: compatibility forms folded (NFKD), accents dropped, lower case, so
 *   "Café", "cafe" and "ＣＡＦＥ" are one token.
 * - Words: Unicode word boundaries (Intl.Segmenter), which know spaces, punctuation,
 *   apostrophes and numbers in every script that separates words.
 * - Chinese, Japanese and Korean runs do not separate words, and a dictionary's split of a
 *   query need not match its split of a sentence; they become overlapping character pairs
 *   (the usual CJK bigram scheme) plus single characters, so any run of two or more
 *   characters matches wherever it occurs, and a single character matches too.
 */

/** Longest token, in characters: longer words are cut (both when indexing and querying). */
export const MAX_TOKEN_LENGTH = 64
/** Most distinct tokens indexed per message; the rest of a very long text is not searchable. */
export const MAX_TOKENS_PER_MESSAGE = 4096

const words = new Intl.Segmenter('und', { granularity: 'word' })
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu
const MARKS = /\p{M}/gu
const CONTROL = /\p{Cc}/gu

/** Case-folded, accent-free, compatibility-folded text. */
export function normalizeText(text: string): string {
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase().normalize('NFC')
}

/** The distinct tokens of `text`, in order of first appearance. */
export function tokenize(text: string, maxTokens = MAX_TOKENS_PER_MESSAGE): string[] {
  const tokens = new Set<string>()
  const add = (token: string) => {
    if (tokens.size < maxTokens) tokens.add(cut(token))
  }
  const normalized = normalizeText(text).replace(CONTROL, ' ')
  let last = 0
  for (const match of normalized.matchAll(CJK_RUN)) {
    addWords(normalized.slice(last, match.index), add)
    const chars = Array.from(match[0])
    for (let i = 0; i < chars.length; i++) {
      add(chars[i])
      if (i + 1 < chars.length) add(chars[i] + chars[i + 1])
    }
    last = match.index + match[0].length
  }
  addWords(normalized.slice(last), add)
  return [...tokens]
}

/**
 * The tokens a query must match, all of them. A CJK run of two or more characters is
 * matched by its pairs alone (its single characters would add nothing).
 */
export function queryTokens(query: string): string[] {
  const tokens = new Set<string>()
  const normalized = normalizeText(query).replace(CONTROL, ' ')
  let last = 0
  const add = (token: string) => tokens.add(cut(token))
  for (const match of normalized.matchAll(CJK_RUN)) {
    addWords(normalized.slice(last, match.index), add)
    const chars = Array.from(match[0])
    if (chars.length === 1) add(chars[0])
    for (let i = 0; i + 1 < chars.length; i++) add(chars[i] + chars[i + 1])
    last = match.index + match[0].length
  }
  addWords(normalized.slice(last), add)
  return [...tokens]
}

/** `token` cut to MAX_TOKEN_LENGTH characters (one no longer in UTF-16 units is short enough). */
function cut(token: string): string {
  return token.length <= MAX_TOKEN_LENGTH
    ? token
    : Array.from(token).slice(0, MAX_TOKEN_LENGTH).join('')
}

function addWords(text: string, add: (token: string) => void): void {
  if (text.trim() === '') return
  for (const segment of words.segment(text)) {
    if (segment.isWordLike === true) add(segment.segment)
  }
}
