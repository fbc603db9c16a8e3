/** Errors the web client shows; `name` is the node's stable error name where it sent one. */
import { language, type MessageKey, t } from './i18n/i18n.ts'

/** The node answered with an error body. */
export class ApiCallError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly status: number,
    /** KeystoreLockedError only. */
    readonly retryAfterMs?: number,
  ) {
    super(message)
  }
}

/** Nothing answers at the page's address: the node stopped or is restarting. */
export class NodeUnreachableError extends Error {
  override name = 'NodeUnreachableError'

  constructor() {
    super(t('errors.unreachable', { command: '"tokenim start"' }))
  }
}

/** The sentence a person sees for a failed call: the node's own message unless a better one fits the browser. */
export function describeError(err: unknown): string {
  if (err instanceof ApiCallError) {
    if (err.status === 401) {
      return t('errors.tokenReplaced', { command: '"tokenim api token"' })
    }
    if (err.name === 'WrongPasswordError') {
      return t('errors.wrongPassword')
    }
    return nodeErrorText(err) ?? err.message
  }
  if (err instanceof Error) return err.message
  return String(err)
}

/** Node errors a person meets often, by their stable name, in the reader's language. */
const NODE_ERRORS = {
  WeakPasswordError: 'errors.weakPassword',
  InvalidBackupPhraseError: 'errors.invalidPhrase',
  RecoveryPhraseMismatchError: 'errors.recoveryMismatch',
  NameTakenError: 'errors.nameTaken',
  NameNotFoundError: 'errors.nameNotFound',
  InvalidNameError: 'errors.invalidName',
  AlreadyFriendsError: 'errors.alreadyFriends',
  DuplicateFriendRequestError: 'errors.duplicateRequest',
  FriendSelfError: 'errors.friendSelf',
  KeystoreLockedError: 'errors.lockedOut',
} as const satisfies Record<string, MessageKey>

/**
 * The node's own message in English (it says most); in another language the catalog's
 * sentence for the error's name, when there is one.
 */
function nodeErrorText(err: ApiCallError): string | null {
  if (language() === 'en' || !Object.hasOwn(NODE_ERRORS, err.name)) return null
  return t(NODE_ERRORS[err.name as keyof typeof NODE_ERRORS])
}
