/**
 * The 24-word backup phrase (BIP39, English list). Its 256 bits of entropy are exactly the
 * Ed25519 seed, so writing the phrase down is writing down the identity.
 */
import { entropyToMnemonic, mnemonicToEntropy } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import { InvalidBackupPhraseError } from '../errors.ts'
import { type Identity, identityFromSeed } from './identity.ts'

export const BACKUP_PHRASE_WORDS = 24

// BIP39 English words are unique in their first four letters.
const UNIQUE_PREFIX_LENGTH = 4
const knownWords = new Set(wordlist)

export function backupPhraseOf(identity: Identity): string {
  return entropyToMnemonic(identity.privateKey, wordlist)
}

/**
 * Reads a phrase as a person types it: any case, any spacing. Throws
 * InvalidBackupPhraseError naming the problem: word count, a word not in the list, or a
 * checksum that does not match (a word wrong or out of order).
 */
export function identityFromBackupPhrase(phrase: string): Identity {
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
  let seed: Uint8Array
  try {
    seed = mnemonicToEntropy(words.join(' '), wordlist)
  } catch {
    throw new InvalidBackupPhraseError(
      'checksum',
      'The backup phrase does not check out: a word is wrong or two words are swapped. Compare each word with your written copy.',
    )
  }
  return identityFromSeed(seed)
}

function describeUnknownWord(words: string[], index: number): string {
  const word = words[index]
  const prefix = word.slice(0, UNIQUE_PREFIX_LENGTH)
  const guess =
    prefix.length === UNIQUE_PREFIX_LENGTH ? wordlist.find((w) => w.startsWith(prefix)) : undefined
  const hint = guess == null ? '' : ` Did you mean '${guess}'?`
  return `Word ${index + 1} of the backup phrase, '${word}', is not in the word list.${hint} Check its spelling.`
}
