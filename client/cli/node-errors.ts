/**
 * The errors a CLI user meets most, by their stable name (the node's, or the client's), as a
 * sentence of the user's language; the CLI's own worded errors (worded-errors.ts) by the
 * sentence they carry; in English, and for any other error, its own message.
 * The web client keeps the same kind of table (client/web/src/errors.ts).
 */
import { NodeNotRunningError } from '../errors.ts'
import { type CliMessageKey, cliLanguage, t } from './i18n/i18n.ts'
import { isWorded } from './worded-errors.ts'

const NODE_ERRORS = {
  WrongPasswordError: 'errors.wrongPassword',
  WeakPasswordError: 'errors.weakPassword',
  InvalidBackupPhraseError: 'errors.invalidPhrase',
  RecoveryPhraseMismatchError: 'errors.recoveryMismatch',
  NameTakenError: 'errors.nameTaken',
  NameNotFoundError: 'errors.nameNotFound',
  UserNotFoundError: 'errors.userNotFound',
  InvalidNameError: 'errors.invalidName',
  AlreadyFriendsError: 'errors.alreadyFriends',
  DuplicateFriendRequestError: 'errors.duplicateRequest',
  FriendSelfError: 'errors.friendSelf',
  KeystoreLockedError: 'errors.lockedOut',
  PeerBlockedError: 'errors.peerBlocked',
  FriendRequestNotFoundError: 'errors.requestNotFound',
  FriendNotFoundError: 'errors.friendNotFound',
  RoomNotFoundError: 'errors.roomNotFound',
  NotRoomMemberError: 'errors.notRoomMember',
  RoomPermissionError: 'errors.roomPermission',
  InviteRequiredError: 'errors.inviteRequired',
  DeviceNotFoundError: 'errors.deviceNotFound',
  DataDirLockedError: 'errors.dataDirLocked',
} as const satisfies Record<string, CliMessageKey>

/** The first line a person reads for `error`. */
export function errorSentence(error: Error): string {
  if (isWorded(error)) return error.sentence
  if (cliLanguage() === 'en') return error.message.split('\n')[0]
  if (error instanceof NodeNotRunningError) {
    const command = `"tokenim start --data-dir ${error.dataDir}"`
    return t('errors.nodeNotRunning', { dataDir: error.dataDir, command })
  }
  if (!Object.hasOwn(NODE_ERRORS, error.name)) return error.message.split('\n')[0]
  return t(NODE_ERRORS[error.name as keyof typeof NODE_ERRORS])
}
