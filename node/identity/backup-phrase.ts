/**
 * The 24-word backup phrase (BIP39, English list): 256 bits of entropy as words a person can
 * write down and type back. For an existing identity the entropy is exactly its Ed25519 seed,
 * so writing the phrase down is writing down the identity. For a new account it is the
 * master secret from which the account key and the recovery keys derive
 * (protocol/accounts/master-secret.ts, doc/accounts.md): the same words, another meaning.
 */
import { entropyToMnemonic, mnemonicToEntropy } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import {
  accountKeyFromMasterSecret,
  isMasterSecret,
} from '../../protocol/accounts/master-secret.ts'
import { InvalidBackupPhraseError } from '../errors.ts'
import { type Identity, identityFromSeed } from './identity.ts'

export const BACKUP_PHRASE_WORDS = 24
/** What 24 words hold: 256 bits of entropy (and an 8-bit checksum). */
const PHRASE_SECRET_LENGTH = 32

// BIP39 English words are unique in their first four letters.
const UNIQUE_PREFIX_LENGTH = 4
const knownWords = new Set(wordlist)

export function backupPhraseOf(identity: Identity): string {
  return phraseOfSecret(identity.privateKey)
}

/**
 * The identity `phrase` restores (read as secretFromPhrase reads it): the account key of a
 * master secret (it carries the mark, master-secret.ts), else the key whose seed it is.
 */
export function identityFromBackupPhrase(phrase: string): Identity {
  const secret = secretFromPhrase(phrase)
  return isMasterSecret(secret) ? accountKeyFromMasterSecret(secret) : identityFromSeed(secret)
}

/** The 24 words of a 32-byte secret: an identity's seed or an account's master secret. */
export function phraseOfSecret(secret: Uint8Array): string {
  if (secret.length !== PHRASE_SECRET_LENGTH) {
    throw new RangeError(`a backup phrase encodes exactly ${PHRASE_SECRET_LENGTH} bytes`)
  }
  return entropyToMnemonic(secret, wordlist)
}

/**
 * Reads a phrase as a person types it: any case, any spacing, and returns its 32 bytes.
 * Throws InvalidBackupPhraseError naming the problem: word count, a word not in the list,
 * or a checksum that does not match (a word wrong or out of order).
 */
export function secretFromPhrase(phrase: string): Uint8Array {
  const words = phrase.normalize('NFKD').toLowerCase().split(/\s+/u).filter(Boolean)
  if (words.length !== BACKUP_PHRASE_WORDS) {
    throw new InvalidBackupPhraseError(
      'word-count',
      `The backup phrase has ${words.length} words; it must have exactly ${BACKUP_PHRASE_WORDS}. Check that no word was skipped or added.`,
    )
  }
  const unknownIndex = words.findIndex((word) => !knownWords.has(word))
  if (unknownIndex !== -1) {
    throw new InvalidBackupPhraseError('unknown-word', describeUnknownWord(words, unknownIndex))
  }
  try {
    return mnemonicToEntropy(words.join(' '), wordlist)
  } catch {
    throw new InvalidBackupPhraseError(
      'checksum',
      'The backup phrase does not check out: a word is wrong or two words are swapped. Compare each word with your written copy.',
    )
  }
}

function describeUnknownWord(words: string[], index: number): string {
  const word = words[index]
  const prefix = word.slice(0, UNIQUE_PREFIX_LENGTH)
  const guess =
    prefix.length === UNIQUE_PREFIX_LENGTH ? wordlist.find((w) => w.startsWith(prefix)) : undefined
  const hint = guess == null ? '' : ` Did you mean '${guess}'?`
  return `Word ${index + 1} of the backup phrase, '${word}', is not in the word list.${hint} Check its spelling.`
}
