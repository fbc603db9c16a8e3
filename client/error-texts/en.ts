/**
 * English sentences for the node's errors people meet most, by the key both clients' catalogs
 * use (each spreads them into its own catalog): one wording for the web client and the CLI.
 */
import type { StopCode } from '../../protocol/stop-reasons.ts'

export const ERROR_TEXTS_EN = {
  'errors.wrongPassword':
    'Wrong password. Try again, or restore your identity from its backup phrase if you forgot the password.',
  'errors.weakPassword':
    'This password is too weak: use a longer one, for example several unrelated words.',
  'errors.invalidPhrase':
    'The backup phrase is not valid: check that it has 24 words, each spelled as written down, in order.',
  'errors.recoveryMismatch':
    'This recovery phrase is not the one this account committed to. Check each word against the phrase you wrote down for this account.',
  'errors.nameTaken': 'This username is taken. Choose another one.',
  'errors.nameNotFound': 'No one has this username.',
  'errors.invalidName':
    'This username is not valid: use letters, digits, dots, dashes or underscores.',
  'errors.alreadyFriends': 'You are already friends.',
  'errors.duplicateRequest': 'A friend request to this person is already waiting for an answer.',
  'errors.friendSelf': 'You cannot add yourself as a friend.',
  'errors.lockedOut': 'Too many wrong tries in a row: wait a moment, then try again.',
} as const

/**
 * Why a node stopped, by its stop code (protocol/stop-reasons.ts): `stop.<code>`, `{detail}`
 * the signal or the error's name. Both clients word `node:stopping` and the CLI's last line
 * with them.
 */
export const STOP_TEXTS_EN = {
  'stop.user': 'stopped by the user',
  'stop.local-api': 'stopped through the local API',
  'stop.signal': 'received {detail}',
  'stop.signed-in-elsewhere': 'signed in elsewhere',
  'stop.key-changed': 'the account key changed; starting again under the new key',
  'stop.start-abandoned': 'the daemon stopped while the node was starting',
  'stop.no-web-client': 'no web client to unlock with',
  'stop.fatal-error': 'fatal error: {detail}',
} as const satisfies Record<`stop.${StopCode}`, string>

export type StopTextKey = keyof typeof STOP_TEXTS_EN

/** The catalog key wording a stop code, or undefined for a code this client does not know. */
export function stopTextKey(code: string): StopTextKey | undefined {
  const key = `stop.${code}`
  return key in STOP_TEXTS_EN ? (key as StopTextKey) : undefined
}
