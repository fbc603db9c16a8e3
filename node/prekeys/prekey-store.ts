/**
 * The owner's prekeys in LevelDB:
 *
 *   meta          next ids and the current signed prekey (plain JSON)
 *   spk/<id>      a signed prekey, sealed
 *   otk/<id>      an unused one-time prekey, sealed
 *
 * Private halves are sealed with AES-256-GCM under a key derived (HKDF) from the identity's
 * private key, itself sealed at rest by the user's password (node/identity): a copy of the
 * database alone, or a backup of the 0700 data dir without the password, reveals no prekey.
 * The storage key is the associated data, so a sealed value moved under another id fails.
 */
import type { OneTimePrekey, SignedPrekey } from '../../protocol/session/index.ts'
import { AtRestSealer } from '../at-rest-sealer.ts'
import type { Identity } from '../identity/index.ts'
import type { AppLevel } from '../storage.ts'

const SEAL_INFO = 'tokenim prekey storage v1'

export interface PrekeyMeta {
  nextSignedPrekeyId: number
  nextOneTimePrekeyId: number
  /** Absent until the first signed prekey exists. */
  currentSignedPrekeyId?: number
}

export interface StoredSignedPrekey {
  prekey: SignedPrekey
  createdMs: number
  /** When a newer one replaced it; it stays usable for the grace period after. */
  retiredMs?: number
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export class PrekeyStore {
  readonly #db: AppLevel
  readonly #sealer: AtRestSealer

  constructor(db: AppLevel, identity: Identity) {
    this.#db = db
    this.#sealer = new AtRestSealer(identity, SEAL_INFO)
  }

  async meta(): Promise<PrekeyMeta> {
    const value = await this.#db.get('meta')
    return value == null
      ? { nextSignedPrekeyId: 1, nextOneTimePrekeyId: 1 }
      : (JSON.parse(decoder.decode(value)) as PrekeyMeta)
  }

  async putMeta(meta: PrekeyMeta): Promise<void> {
    await this.#db.put('meta', encoder.encode(JSON.stringify(meta)))
  }

  async signedPrekey(id: number): Promise<StoredSignedPrekey | undefined> {
    const key = signedKey(id)
    const value = await this.#db.get(key)
    return value == null ? undefined : fromJson(this.#sealer.open(key, value))
  }

  async signedPrekeys(): Promise<StoredSignedPrekey[]> {
    const out: StoredSignedPrekey[] = []
    for await (const [key, value] of this.#db.iterator({ gt: 'spk/', lt: 'spk0' })) {
      out.push(fromJson(this.#sealer.open(key, value)))
    }
    return out
  }

  async putSignedPrekey(stored: StoredSignedPrekey, meta?: PrekeyMeta): Promise<void> {
    const key = signedKey(stored.prekey.id)
    const operations: BatchOperation[] = [
      { type: 'put', key, value: this.#sealer.seal(key, toJson(stored)) },
    ]
    if (meta != null) {
      operations.push({ type: 'put', key: 'meta', value: encoder.encode(JSON.stringify(meta)) })
    }
    await this.#db.batch(operations)
  }

  async deleteSignedPrekey(id: number): Promise<void> {
    await this.#db.del(signedKey(id))
  }

  async oneTimePrekey(id: number): Promise<OneTimePrekey | undefined> {
    const key = oneTimeKey(id)
    const value = await this.#db.get(key)
    return value == null ? undefined : fromJson(this.#sealer.open(key, value))
  }

  async oneTimePrekeys(): Promise<OneTimePrekey[]> {
    const out: OneTimePrekey[] = []
    for await (const [key, value] of this.#db.iterator({ gt: 'otk/', lt: 'otk0' })) {
      out.push(fromJson(this.#sealer.open(key, value)))
    }
    return out
  }

  async addOneTimePrekeys(prekeys: OneTimePrekey[], meta: PrekeyMeta): Promise<void> {
    await this.#db.batch([
      ...prekeys.map((prekey) => {
        const key = oneTimeKey(prekey.id)
        return { type: 'put' as const, key, value: this.#sealer.seal(key, toJson(prekey)) }
      }),
      { type: 'put', key: 'meta', value: encoder.encode(JSON.stringify(meta)) },
    ])
  }

  /**
   * The deletion of one-time prekey `id`, for the caller to commit in its own batch: a
   * session start that used the key is stored in the same write that deletes it.
   */
  deleteOneTimePrekeyOp(id: number): { type: 'del'; key: string; sublevel: AppLevel } {
    return { type: 'del', key: oneTimeKey(id), sublevel: this.#db }
  }
}

type BatchOperation = { type: 'put'; key: string; value: Uint8Array } | { type: 'del'; key: string }

/** Zero-padded ids keep LevelDB's order numeric. */
function signedKey(id: number): string {
  return `spk/${String(id).padStart(10, '0')}`
}

function oneTimeKey(id: number): string {
  return `otk/${String(id).padStart(10, '0')}`
}

/** JSON with byte arrays as base64 strings marked `$b64`. */
function toJson(value: unknown): Uint8Array {
  return encoder.encode(
    JSON.stringify(value, (_key, field) =>
      field instanceof Uint8Array ? { $b64: Buffer.from(field).toString('base64') } : field,
    ),
  )
}

function fromJson<T>(bytes: Uint8Array): T {
  return JSON.parse(decoder.decode(bytes), (_key, field) =>
    field != null && typeof field === 'object' && typeof field.$b64 === 'string'
      ? new Uint8Array(Buffer.from(field.$b64, 'base64'))
      : field,
  ) as T
}
