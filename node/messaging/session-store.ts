/**
 * Where ratchet sessions live between messages and across restarts: one sealed record per
 * peer (the active session and the previous ones) and the set of session base keys accepted
 * from each peer. Records are sealed with AES-256-GCM under a key derived from the identity
 * seed, so the database alone does not give away session secrets. Writes go out as batch
 * operations, committed by the caller together with the message they belong to.
 */
import { toHex } from '../../protocol/bytes.ts'
import { MalformedMessageError } from '../../protocol/errors.ts'
import { SessionRatchet } from '../../protocol/session/index.ts'
import { AtRestSealer } from '../at-rest-sealer.ts'
import type { Identity } from '../identity/index.ts'
import type { AppLevel } from '../storage.ts'
import type { BatchOp } from './durable-writer.ts'
import { PeerSessions } from './peer-sessions.ts'

const SEAL_INFO = 'tokenim/messaging/session-store/v1'
const RECORD_VERSION = 1
const SESSION_PREFIX = 's/'
const BASE_KEY_PREFIX = 'b/'

export class SessionStore {
  readonly #db: AppLevel
  readonly #sealer: AtRestSealer

  constructor(db: AppLevel, identity: Identity) {
    this.#db = db
    this.#sealer = new AtRestSealer(identity, SEAL_INFO)
  }

  /** The peer's sessions as last committed (empty when none). */
  async load(peerHex: string): Promise<PeerSessions> {
    const key = SESSION_PREFIX + peerHex
    const sealed = await this.#db.get(key)
    if (sealed == null) return new PeerSessions()
    return decodeRecord(this.#sealer.open(key, sealed))
  }

  /** The operation that persists `sessions` for the peer. */
  saveOp(peerHex: string, sessions: PeerSessions): BatchOp {
    const key = SESSION_PREFIX + peerHex
    return { type: 'put', key, value: this.#sealer.seal(key, encodeRecord(sessions)) }
  }

  async isBaseKeyAccepted(peerHex: string, baseKey: Uint8Array): Promise<boolean> {
    return (await this.#db.get(baseKeyKey(peerHex, baseKey))) != null
  }

  acceptedBaseKeyOp(peerHex: string, baseKey: Uint8Array): BatchOp {
    return { type: 'put', key: baseKeyKey(peerHex, baseKey), value: new Uint8Array(0) }
  }

  /** Hex keys of every peer we hold a session with. */
  async peers(): Promise<string[]> {
    const peers: string[] = []
    for await (const key of this.#db.keys({ gt: SESSION_PREFIX, lt: `${SESSION_PREFIX}~` })) {
      peers.push(key.slice(SESSION_PREFIX.length))
    }
    return peers
  }
}

function baseKeyKey(peerHex: string, baseKey: Uint8Array): string {
  return `${BASE_KEY_PREFIX}${peerHex}/${toHex(baseKey)}`
}

/** version u8 | has active u8 | previous count u8 | (length u32 | serialized state)* */
function encodeRecord(sessions: PeerSessions): Uint8Array {
  const states = [...(sessions.active == null ? [] : [sessions.active]), ...sessions.previous].map(
    (session) => session.serialize(),
  )
  const size = 3 + states.reduce((sum, state) => sum + 4 + state.length, 0)
  const out = Buffer.alloc(size)
  out[0] = RECORD_VERSION
  out[1] = sessions.active == null ? 0 : 1
  out[2] = sessions.previous.length
  let offset = 3
  for (const state of states) {
    out.writeUInt32BE(state.length, offset)
    out.set(state, offset + 4)
    offset += 4 + state.length
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length)
}

function decodeRecord(bytes: Uint8Array): PeerSessions {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  if (buffer.length < 3 || buffer[0] !== RECORD_VERSION) {
    throw new MalformedMessageError('stored session record has an unknown version')
  }
  const hasActive = buffer[1] === 1
  const count = (hasActive ? 1 : 0) + buffer[2]
  const sessions: SessionRatchet[] = []
  let offset = 3
  for (let i = 0; i < count; i++) {
    const length = buffer.readUInt32BE(offset)
    sessions.push(SessionRatchet.deserialize(buffer.subarray(offset + 4, offset + 4 + length)))
    offset += 4 + length
  }
  return hasActive
    ? new PeerSessions(sessions[0], sessions.slice(1))
    : new PeerSessions(null, sessions)
}
