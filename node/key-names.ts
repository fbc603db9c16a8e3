/**
 * Hides who a record is about in its LevelDB key. Keys name peers (64 hex digits of a public
 * key, or a base58 peer id `12D3KooW…`), conversations and rooms (64 hex digits); in the
 * clear they would draw the contact graph of a copied data dir. Every such name in a key is
 * stored as `*x<token>` (hex names) or `*p<token>` (peer ids) instead, where the token is a
 * deterministic encryption of the name under a key derived from the unlocked identity:
 *
 *   tag = HMAC-SHA256(macKey, kind || name)[0..16]   (a keyed hash of the name)
 *   token = base64url(tag || AES-256-CTR(encKey, iv = tag, name))
 *
 * the synthetic-IV construction of AES-SIV (RFC 5297) with HMAC in place of CMAC. The same
 * name always gives the same token, so prefixes and ranges within a name still work and a
 * store need not change; unlike a bare keyed hash it can be read back with the key, so
 * stores still parse the names they iterate, without a table of every name ever hidden.
 * Without the key a token shows only that two keys name the same thing. A token that does
 * not verify (its tag is not the keyed hash of what it decrypts to) is left as it is.
 *
 * Order across names follows the tokens, not the names: a store that merges iterators by
 * comparing keys compares them as stored (`RecordLevel.storedKeys`).
 */
import { createCipheriv, timingSafeEqual } from 'node:crypto'
import { hkdfSha256, hmacSha256 } from '../protocol/crypto/index.ts'
import { atRestSecret, type Identity } from './identity/identity.ts'

export interface KeyNames {
  /** The key as stored: every name in it hidden. Idempotent. */
  hide(key: string): string
  /** The key as the store wrote it: every token in it read back. */
  reveal(stored: string): string
}

export const plainKeyNames: KeyNames = { hide: (key) => key, reveal: (stored) => stored }

/** The label the key-name keys are derived under; changing it orphans every record. */
export const KEY_NAMES_LABEL = 'tokenim/storage/v1/key-names'

const TAG_LENGTH = 16
const HEX_NAME_BYTES = 32
const HEX_NAME_CHARS = 2 * HEX_NAME_BYTES
const PEER_ID_LENGTH = 52
const PEER_ID_PREFIX = '12D3KooW'
/** The shortest name: a shorter key names nothing. */
const SHORTEST_NAME = 52
const tokenChars = (bytes: number) => Math.ceil(((TAG_LENGTH + bytes) * 4) / 3)
const TOKEN = new RegExp(
  `\\*x[A-Za-z0-9_-]{${tokenChars(HEX_NAME_BYTES)}}|\\*p[A-Za-z0-9_-]{${tokenChars(PEER_ID_LENGTH)}}`,
  'g',
)
/** Names remembered each way: a node names a few hundred peers and rooms over and over. */
const CACHE_SIZE = 10_000

export class HiddenKeyNames implements KeyNames {
  readonly #macKey: Uint8Array
  readonly #encKey: Uint8Array
  readonly #hidden = new Map<string, string>()
  readonly #revealed = new Map<string, string>()

  constructor(identity: Pick<Identity, 'privateKey' | 'atRestSeed'>) {
    const secret = atRestSecret(identity)
    this.#macKey = hkdfSha256(secret, new Uint8Array(0), `${KEY_NAMES_LABEL}/mac`, 32)
    this.#encKey = hkdfSha256(secret, new Uint8Array(0), `${KEY_NAMES_LABEL}/enc`, 32)
  }

  /**
   * Names are a lone run of exactly 64 hex digits, or an Ed25519 peer id in base58btc not
   * inside a longer base58 run. Scanned by hand: every key of every record passes here, and
   * a regular expression with lookbehinds took 1.5x to 3x as long (4 to 8 us a key here).
   */
  hide(key: string): string {
    if (key.length < SHORTEST_NAME) return key
    const hex = hexNames(key)
    const peers = key.includes(PEER_ID_PREFIX) ? peerIds(key) : NO_NAMES
    const names = peers.length === 0 ? hex : [...hex, ...peers].sort((x, y) => x[0] - y[0])
    if (names.length === 0) return key
    let out = ''
    let copied = 0
    for (const [start, end, kind] of names) {
      out += key.slice(copied, start) + this.#hideName(key.slice(start, end), kind)
      copied = end
    }
    return out + key.slice(copied)
  }

  reveal(stored: string): string {
    if (!stored.includes('*')) return stored
    return stored.replace(TOKEN, (token) => this.#revealToken(token))
  }

  /** One whole name of any form (a key's segment), as `*s<token>`. */
  hideSegment(name: string): string {
    return this.#hideName(name, 's')
  }

  /** A segment hidden by hideSegment read back; anything else is returned as it is. */
  revealSegment(stored: string): string {
    return stored.startsWith('*s') ? this.#revealToken(stored) : stored
  }

  #hideName(name: string, kind = name.length === 64 ? 'x' : 'p'): string {
    const cacheKey = kind === 's' ? `s:${name}` : name
    let token = this.#hidden.get(cacheKey)
    if (token == null) {
      const plain = kind === 'x' ? Buffer.from(name, 'hex') : Buffer.from(name, 'utf8')
      const tag = this.#tag(kind, plain)
      const sealed = Buffer.concat([tag, this.#ctr(tag, plain)])
      token = `*${kind}${sealed.toString('base64url')}`
      remember(this.#hidden, cacheKey, token)
      remember(this.#revealed, token, name)
    }
    return token
  }

  #revealToken(token: string): string {
    let name = this.#revealed.get(token)
    if (name == null) {
      const kind = token[1]
      const sealed = Buffer.from(token.slice(2), 'base64url')
      const tag = sealed.subarray(0, TAG_LENGTH)
      const plain = this.#ctr(tag, sealed.subarray(TAG_LENGTH))
      if (!timingSafeEqual(tag, this.#tag(kind, plain))) return token
      name = kind === 'x' ? plain.toString('hex') : plain.toString('utf8')
      remember(this.#revealed, token, name)
    }
    return name
  }

  #tag(kind: string, plain: Uint8Array): Buffer {
    const input = new Uint8Array(1 + plain.length)
    input[0] = kind.charCodeAt(0)
    input.set(plain, 1)
    return Buffer.from(hmacSha256(this.#macKey, input).subarray(0, TAG_LENGTH))
  }

  #ctr(iv: Uint8Array, input: Uint8Array): Buffer {
    const cipher = createCipheriv('aes-256-ctr', this.#encKey, iv)
    return Buffer.concat([cipher.update(input), cipher.final()])
  }
}

type NameSpan = [start: number, end: number, kind: 'x' | 'p']

const NO_NAMES: NameSpan[] = []

/**
 * Runs of exactly 64 hex digits. Any 64 places in a row hold exactly one place p with
 * p % 64 === 63, so only those places are probed, and a run is measured only where one of
 * them is a hex digit: a few looks at a key instead of one per character (a search index
 * key is about 120 characters, and indexing a message hides a dozen of them).
 */
function hexNames(key: string): NameSpan[] {
  let spans = NO_NAMES
  for (let probe = HEX_NAME_CHARS - 1; probe < key.length; probe += HEX_NAME_CHARS) {
    if (!isHex(key.charCodeAt(probe))) continue
    let start = probe
    while (start > 0 && isHex(key.charCodeAt(start - 1))) start--
    let end = probe + 1
    while (end < key.length && isHex(key.charCodeAt(end))) end++
    if (end - start === HEX_NAME_CHARS) {
      if (spans === NO_NAMES) spans = []
      spans.push([start, end, 'x'])
    }
    // The next run starts after this one ends; the probes inside this one are done.
    while (probe + HEX_NAME_CHARS < end) probe += HEX_NAME_CHARS
  }
  return spans
}

/** Ed25519 peer ids in base58btc, not inside a longer base58 run. */
function peerIds(key: string): NameSpan[] {
  const spans: NameSpan[] = []
  let at = key.indexOf(PEER_ID_PREFIX)
  while (at >= 0) {
    let end = at
    while (end < key.length && isBase58(key.charCodeAt(end))) end++
    if (end - at === PEER_ID_LENGTH && (at === 0 || !isBase58(key.charCodeAt(at - 1)))) {
      spans.push([at, end, 'p'])
    }
    at = key.indexOf(PEER_ID_PREFIX, at + 1)
  }
  return spans
}

/** 0-9, a-f. */
function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102)
}

/** The base58btc alphabet: 1-9, A-Z and a-z but for 0, O, I and l. */
function isBase58(c: number): boolean {
  if (c >= 49 && c <= 57) return true
  if (c >= 65 && c <= 90) return c !== 73 && c !== 79
  return c >= 97 && c <= 122 && c !== 108
}

function remember(cache: Map<string, string>, key: string, value: string): void {
  if (cache.size >= CACHE_SIZE) cache.clear()
  cache.set(key, value)
}
