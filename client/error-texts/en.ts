/**
 * English sentences for the node's errors people meet most, by the key both clients' catalogs
 * use (each spreads them into its own catalog): one wording for the web client and the CLI.
 */
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
