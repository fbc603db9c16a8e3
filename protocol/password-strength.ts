/**
 * A floor under keystore passwords, checked whenever a password seals a key; the web
 * client's strength meter shows the same verdict before the form is sent. It cannot
 * measure strength; it refuses the passwords that guessing tools try first:
 *
 * - fewer than 10 characters;
 * - under 16 characters and made of one kind of character only (all lower-case letters,
 *   all digits, ...);
 * - fewer than 5 different characters (`aaaaaaaaaaaaaaaa`, `abababababababab`);
 * - a well-known password, ignoring case and digits or symbols added before or after
 *   (`Password123!`, `iloveyou2024`);
 * - anything containing the product's name.
 *
 * Long passphrases of a few unrelated words pass every rule.
 */

export const MIN_PASSWORD_LENGTH = 10
/** Below this length a password must mix at least two kinds of character. */
export const SINGLE_CLASS_MIN_LENGTH = 16
const MIN_DISTINCT_CHARACTERS = 5

export type PasswordCheck = { ok: true } | { ok: false; reason: string }

// Lower case, as seen in public breach corpora; short ones still matter because digits or
// symbols added to them make them long enough for the length rule.
const COMMON_PASSWORDS = new Set([
  '123456789',
  '1234567890',
  '0987654321',
  '1q2w3e4r5t',
  '1qaz2wsx3edc',
  'qwertyuiop',
  'asdfghjkl',
  'zxcvbnm',
  'qwerty',
  'password',
  'passw0rd',
  'p@ssw0rd',
  'passphrase',
  'letmein',
  'welcome',
  'iloveyou',
  'admin',
  'administrator',
  'monkey',
  'dragon',
  'football',
  'baseball',
  'superman',
  'batman',
  'starwars',
  'sunshine',
  'princess',
  'master',
  'shadow',
  'trustno1',
  'whatever',
  'changeme',
  'secret',
  'default',
  'abc123',
  'abcdefghij',
  'michael',
  'jennifer',
  'computer',
  'internet',
  'chatroom',
  'messenger',
])

const CHARACTER_CLASSES = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u]

export function checkPasswordStrength(password: string): PasswordCheck {
  const characters = [...password.normalize('NFKC')]
  if (characters.length < MIN_PASSWORD_LENGTH) {
    return { ok: false, reason: `it has fewer than ${MIN_PASSWORD_LENGTH} characters` }
  }
  const lower = characters.join('').toLowerCase()
  if (lower.includes('tokenim')) {
    return { ok: false, reason: 'it contains the name of the app' }
  }
  if (new Set(characters).size < MIN_DISTINCT_CHARACTERS) {
    return { ok: false, reason: 'it repeats too few different characters' }
  }
  const classes = CHARACTER_CLASSES.filter((pattern) =>
    characters.some((c) => pattern.test(c)),
  ).length
  if (classes < 2 && characters.length < SINGLE_CLASS_MIN_LENGTH) {
    return {
      ok: false,
      reason: `it uses one kind of character only and is shorter than ${SINGLE_CLASS_MIN_LENGTH}`,
    }
  }
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '')
  if (COMMON_PASSWORDS.has(lower) || COMMON_PASSWORDS.has(core)) {
    return { ok: false, reason: 'it is a well-known password' }
  }
  return { ok: true }
}
