/**
 * Usernames: how a typed name becomes the one canonical form a relay stores, and how names
 * that look alike are caught. See doc/usernames.md for the reasoning.
 *
 * A name is normalized with NFKC, lower-cased, and NFKC again (lower-casing can undo NFKC for
 * a few characters). The result must use only `a-z 0-9 _ . -`: the smallest set that every
 * font renders unambiguously once case is gone. Anything else (Cyrillic, Greek, emoji,
 * spaces) is refused with a reason rather than transliterated, because a homoglyph that
 * slips through is an impersonation. NFKC still helps: fullwidth `ＡＬＩＣＥ` becomes `alice`.
 *
 * Two names conflict when their skeletons are equal: the skeleton folds the lookalikes left
 * inside the allowed set (`0`/`o`, `1`/`i`/`l`, `5`/`s`, `rn`/`m`, `vv`/`w`) and drops the
 * separators, so `a1ice`, `al.ice` and `alice` are one name for first come, first served.
 *
 * @example
 * ```ts
 * const name = normalizeUsername('ＡＬＩＣＥ') // 'alice'
 * usernameSkeleton('a1ice') === usernameSkeleton('alice') // true
 * ```
 */
import { InvalidNameError, ReservedNameError } from './directory-errors.ts'

export const USERNAME_MIN_LENGTH = 3
export const USERNAME_MAX_LENGTH = 32
/** Input longer than this is refused before normalization, so it never costs real work. */
const MAX_RAW_LENGTH = 4 * USERNAME_MAX_LENGTH

const ALLOWED = /^[a-z0-9._-]+$/
const PUNCTUATION = /[._-]/
const SEPARATORS = /[._-]/g

/**
 * Names nobody may claim, because users would read them as speaking for the service or an
 * operator. Compared by skeleton, so `adm1n` is as reserved as `admin`.
 */
export const RESERVED_USERNAMES: readonly string[] = [
  'abuse',
  'admin',
  'administrator',
  'api',
  'directory',
  'everyone',
  'help',
  'here',
  'hostmaster',
  'info',
  'mod',
  'moderator',
  'noreply',
  'null',
  'official',
  'operator',
  'owner',
  'postmaster',
  'relay',
  'root',
  'security',
  'staff',
  'support',
  'sysop',
  'system',
  'team',
  'tokenim',
  'undefined',
  'webmaster',
]

/** Every name whose skeleton starts with this is reserved (`tokenim-team`, `t0kenim_help`). */
const RESERVED_PREFIX = 'tokenim'

/** Letters of other scripts that pass for Latin ones: named in the refusal so users see why. */
const LATIN_LOOKALIKES: Readonly<Record<string, string>> = {
  а: 'a',
  в: 'b',
  е: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  α: 'a',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ɡ: 'g',
  ı: 'i',
}

/** Applied in this order to a normalized name; multi-letter folds first. */
const SKELETON_FOLDS: ReadonlyArray<[RegExp, string]> = [
  [/rn/g, 'm'],
  [/vv/g, 'w'],
  [/0/g, 'o'],
  [/[1i]/g, 'l'],
  [/5/g, 's'],
]

const RESERVED_SKELETONS = new Set(RESERVED_USERNAMES.map((name) => usernameSkeleton(name)))
const RESERVED_SKELETON_PREFIX = usernameSkeleton(RESERVED_PREFIX)

/**
 * The canonical form of `input`, or InvalidNameError (with `reason`) / ReservedNameError.
 * Relays store and sign only this form; clients normalize before they look a name up.
 */
export function normalizeUsername(input: string): string {
  const name = normalizeForm(input)
  if (isReservedUsername(name)) {
    throw new ReservedNameError(`"${name}" is reserved; choose another name`)
  }
  return name
}

/** Normalizes and checks the form of a name, without the reserved-name check. */
export function normalizeForm(input: string): string {
  if (typeof input !== 'string' || input.length === 0) {
    throw new InvalidNameError('empty', 'a name cannot be empty')
  }
  if (input.length > MAX_RAW_LENGTH) {
    throw new InvalidNameError('too-long', `a name has at most ${USERNAME_MAX_LENGTH} characters`)
  }
  const name = input.normalize('NFKC').toLowerCase().normalize('NFKC')
  if (!ALLOWED.test(name)) {
    const bad = [...name].find((char) => !ALLOWED.test(char)) as string
    throw new InvalidNameError('character', describeRefusedCharacter(bad))
  }
  if (name.length < USERNAME_MIN_LENGTH) {
    throw new InvalidNameError(
      'too-short',
      `"${name}" is too short: a name has at least ${USERNAME_MIN_LENGTH} characters`,
    )
  }
  if (name.length > USERNAME_MAX_LENGTH) {
    throw new InvalidNameError(
      'too-long',
      `"${name}" is too long: a name has at most ${USERNAME_MAX_LENGTH} characters`,
    )
  }
  if (PUNCTUATION.test(name[0]) || PUNCTUATION.test(name[name.length - 1])) {
    throw new InvalidNameError(
      'edge-punctuation',
      `"${name}" must start and end with a letter or digit`,
    )
  }
  if (/[._-]{2}/.test(name)) {
    throw new InvalidNameError(
      'double-punctuation',
      `"${name}" has two punctuation marks in a row; use one`,
    )
  }
  return name
}

/** The form two names are compared in: equal skeletons mean the names are too alike to coexist. */
export function usernameSkeleton(normalized: string): string {
  let skeleton = normalized.replace(SEPARATORS, '')
  for (const [pattern, replacement] of SKELETON_FOLDS) {
    skeleton = skeleton.replace(pattern, replacement)
  }
  return skeleton
}

/** True for a normalized name that only the service itself may use. */
export function isReservedUsername(normalized: string): boolean {
  const skeleton = usernameSkeleton(normalized)
  return RESERVED_SKELETONS.has(skeleton) || skeleton.startsWith(RESERVED_SKELETON_PREFIX)
}

function describeRefusedCharacter(char: string): string {
  const codePoint = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
  const shown = /\s/.test(char) ? 'a space' : `"${char}" (${codePoint})`
  const lookalike = LATIN_LOOKALIKES[char]
  const hint =
    lookalike != null ? `; it looks like the Latin "${lookalike}", which is why it is refused` : ''
  return `${shown} is not allowed in a name${hint}. Use only a-z, 0-9 and the marks _ . -`
}
