/**
 * What the relay keeps of an e-mail address, a phone number or a provider account: an
 * HMAC-SHA256 of its normalized form under a secret of this relay (`signup.secret` in the
 * data dir, 32 random bytes, mode 0600). The hash lets the relay count names per address;
 * without the secret it cannot be reversed by hashing guessed addresses, and two relays'
 * hashes of one address differ, so their databases cannot be joined on it.
 *
 * Normalization decides what counts as "one address": e-mail addresses are lower-cased and
 * lose a `+tag` (one mailbox, one address); phone numbers keep only `+` and digits (E.164).
 */
import { createHmac, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../../../node/index.ts'
import { DirectoryRequestError } from '../../../protocol/directory-errors.ts'
import { MAX_SIGNUP_ADDRESS_LENGTH } from '../../../protocol/limits.ts'
import { InvalidConfigError } from '../../errors.ts'
import type { SignupMethod } from './config-schema.ts'

export const SIGNUP_SECRET_FILE = 'signup.secret'
const SECRET_LENGTH = 32

/** Reads `<dataDir>/signup.secret`, creating it (0600) on first use. */
export async function loadOrCreateSignupSecret(dataDir: string): Promise<Uint8Array> {
  const path = join(dataDir, SIGNUP_SECRET_FILE)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    const secret = randomBytes(SECRET_LENGTH)
    await writeFileAtomic(path, new TextEncoder().encode(`${secret.toString('hex')}\n`), 0o600)
    return secret
  }
  if (!/^[0-9a-f]{64}\n?$/.test(text)) {
    throw new InvalidConfigError(
      `${path} is not a sign-up secret (64 hex digits). Restore it from a backup; a new one makes every stored address hash count for nothing.`,
    )
  }
  return Buffer.from(text.trim(), 'hex')
}

export class AddressHasher {
  private readonly secret: Uint8Array

  constructor(secret: Uint8Array) {
    this.secret = secret
  }

  /** Hex HMAC of `method` and the normalized address (or the provider's issuer and subject). */
  hash(method: SignupMethod, normalized: string): string {
    return createHmac('sha256', this.secret).update(`${method}\0${normalized}`).digest('hex')
  }

  /** A keyed digest of a code, so the pending verifications in memory hold no code either. */
  codeDigest(ticketId: Uint8Array, code: string): Buffer {
    return createHmac('sha256', this.secret).update('code\0').update(ticketId).update(code).digest()
  }
}

export interface SignupAddress {
  /** Where the code is sent: the address as given (trimmed), or the number in E.164. */
  deliverTo: string
  /** What is hashed and counted: one per mailbox or line. */
  canonical: string
}

/** The address a code goes to, and its canonical form; a clear error when it is none. */
export function parseAddress(method: 'email' | 'sms', raw: string): SignupAddress {
  const text = raw.trim()
  if (text.length === 0 || text.length > MAX_SIGNUP_ADDRESS_LENGTH) {
    throw new DirectoryRequestError(
      `give ${method === 'email' ? 'an e-mail address' : 'a phone number'} of at most ${MAX_SIGNUP_ADDRESS_LENGTH} characters`,
    )
  }
  return method === 'email' ? parseEmail(text) : parsePhone(text)
}

function parseEmail(text: string): SignupAddress {
  const match = /^([^\s@]+)@([^\s@]+\.[^\s@]+)$/.exec(text)
  const local = match?.[1].normalize('NFKC').toLowerCase().split('+')[0]
  if (match == null || local === '') {
    throw new DirectoryRequestError(`"${text}" is not an e-mail address`)
  }
  return { deliverTo: text, canonical: `${local}@${match[2].normalize('NFKC').toLowerCase()}` }
}

function parsePhone(text: string): SignupAddress {
  const compact = text.replace(/[\s().-]/g, '')
  if (!/^\+[1-9]\d{6,14}$/.test(compact)) {
    throw new DirectoryRequestError(
      `"${text}" is not a phone number in international form (a + and the country code, e.g. +44 20 7946 0958)`,
    )
  }
  return { deliverTo: compact, canonical: compact }
}

/** The address as shown back to the person: enough to spot a typo, not to read it out. */
export function maskAddress(method: 'email' | 'sms', normalized: string): string {
  if (method === 'sms') return `${normalized.slice(0, 3)}…${normalized.slice(-2)}`
  const [local, domain] = normalized.split('@')
  return `${local[0]}…@${domain}`
}
