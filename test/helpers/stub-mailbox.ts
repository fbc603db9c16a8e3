/**
 * An in-memory offline mailbox shared by test peers: each peer gets its own view
 * (`shared`) on the same slots. A deposit is confirmed by 3 of 3 holders at once; the
 * pairwise slot names its sender, the inbox does not (as if its seal named nobody).
 */
import type { Identity } from '../../node/identity/index.ts'
import type { CollectedEnvelope, MailboxPort } from '../../node/messaging/index.ts'
import { toHex } from '../../protocol/bytes.ts'

export interface StubSlot {
  recipient: string
  sender: string | null
  envelope: Uint8Array
}

/** What the views of one mailbox share. */
interface SharedState {
  slots: Map<string, StubSlot>
  next: number
  hold?: { started: () => void; released: Promise<void> }
}

export class StubMailbox extends EventTarget implements MailboxPort {
  readonly #shared: SharedState
  readonly #onChange: () => void

  /** `onChange` is called on every deposit and removal, from any view. */
  constructor(
    readonly owner: Identity,
    onChange: () => void = () => undefined,
    shared: SharedState = { slots: new Map(), next: 1 },
  ) {
    super()
    this.#onChange = onChange
    this.#shared = shared
  }

  get slots(): Map<string, StubSlot> {
    return this.#shared.slots
  }

  /** `owner`'s view on the same slots. */
  shared(owner: Identity): StubMailbox {
    return new StubMailbox(owner, this.#onChange, this.#shared)
  }

  async deposit(recipient: Uint8Array, envelope: Uint8Array) {
    return this.#put(recipient, toHex(this.owner.publicKey), envelope)
  }

  async depositToInbox(recipient: Uint8Array, envelope: Uint8Array) {
    return this.#put(recipient, null, envelope)
  }

  /**
   * Deposits from now on wait, in every view, until `release` is called; `started` resolves
   * when the first one begins to wait.
   */
  hold(): { started: Promise<void>; release: () => void } {
    const started = Promise.withResolvers<void>()
    const released = Promise.withResolvers<void>()
    this.#shared.hold = { started: started.resolve, released: released.promise }
    return {
      started: started.promise,
      release: () => {
        this.#shared.hold = undefined
        released.resolve()
      },
    }
  }

  async #put(recipient: Uint8Array, sender: string | null, envelope: Uint8Array) {
    const hold = this.#shared.hold
    if (hold != null) {
      hold.started()
      await hold.released
    }
    const slotId = `slot-${this.#shared.next++}`
    this.slots.set(slotId, { recipient: toHex(recipient), sender, envelope })
    this.#onChange()
    return { slotId, confirmed: 3, total: 3 }
  }

  async collect(senders: Uint8Array[]): Promise<CollectedEnvelope[]> {
    const me = toHex(this.owner.publicKey)
    const known = new Set(senders.map(toHex))
    return [...this.slots]
      .filter(
        ([, slot]) => slot.recipient === me && (slot.sender == null || known.has(slot.sender)),
      )
      .map(([slotId, slot]) => ({
        slotId,
        sender: slot.sender == null ? null : Buffer.from(slot.sender, 'hex'),
        envelope: slot.envelope,
      }))
  }

  async acknowledge(slotId: string) {
    this.slots.delete(slotId)
    this.#onChange()
  }

  async withdraw(slotId: string) {
    this.slots.delete(slotId)
    this.#onChange()
  }
}
