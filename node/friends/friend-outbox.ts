/**
 * The friends' outbox: a friend message to send is written in the same synced batch as the
 * change that caused it, then handed to messaging in the order written and deleted once
 * messaging took it. A crash in between sends it again; receivers take friend messages
 * idempotently (request ids). A request or answer goes to every device of the peer's account
 * known when it is handed over, and carries our account's list from a linked device
 * (account-reach.ts); one messaging did not take for every device is handed over again to
 * all. Flushes run one at a time; a flush asked for during one runs again right after it.
 */
import type { Logger } from '@libp2p/interface'
import { fromHex } from '../../protocol/bytes.ts'
import { encodeFriendMessage, type FriendMessageValue } from '../../protocol/social.ts'
import { ACCOUNT_MESSAGES, type AccountReach } from './account-reach.ts'
import type { Change, FriendStore } from './friend-store.ts'
import type { SocialSender } from './friends-contract.ts'

export class FriendOutbox {
  readonly #store: FriendStore
  readonly #messaging: () => SocialSender | undefined
  readonly #running: () => boolean
  readonly #log: Logger
  readonly #reach: AccountReach
  #flushing: Promise<void> | undefined
  #flushAgain = false
  #sendCounter = 0

  constructor(
    store: FriendStore,
    messaging: () => SocialSender | undefined,
    running: () => boolean,
    log: Logger,
    reach: AccountReach,
  ) {
    this.#reach = reach
    this.#store = store
    this.#messaging = messaging
    this.#running = running
    this.#log = log
  }

  /** Whether any friend message waits for messaging. */
  get pending(): boolean {
    return this.#store.entries('sends').length > 0
  }

  /** The flush under way, if any: stop() waits for it. */
  get flushing(): Promise<void> | undefined {
    return this.#flushing
  }

  /** A pending send, to write in the same batch as the change that causes it. */
  change(peerHex: string, message: FriendMessageValue): Change {
    const key = `${String(Date.now()).padStart(15, '0')}-${String(this.#sendCounter++).padStart(9, '0')}`
    const payload = Buffer.from(encodeFriendMessage(this.#reach.carry(message))).toString('base64')
    const account = ACCOUNT_MESSAGES.has(message.type) ? { account: true } : {}
    return { table: 'sends', key, value: { peer: peerHex, payload, ...account } }
  }

  /** Hands pending friend messages to messaging, in order; each is deleted once it took it. */
  flush(): Promise<void> {
    if (this.#flushing != null) {
      this.#flushAgain = true
      return this.#flushing
    }
    this.#flushing = (async () => {
      do {
        this.#flushAgain = false
        const messaging = this.#messaging()
        if (messaging == null || !this.#running()) return
        const sends = this.#store.entries('sends').sort(([a], [b]) => (a < b ? -1 : 1))
        for (const [key, send] of sends) {
          const payload = Buffer.from(send.payload, 'base64')
          const devices = send.account === true ? this.#reach.targets(send.peer) : [send.peer]
          try {
            for (const device of devices) await messaging.sendSocial(fromHex(device), payload)
          } catch (err) {
            this.#log('messaging did not take a friend message yet: %s', (err as Error).message)
            return
          }
          await this.#store.write([{ table: 'sends', key, value: null }])
        }
      } while (this.#flushAgain)
    })()
      .catch((err: Error) => {
        this.#log.error('sending friend messages failed: %s', err.message)
      })
      .finally(() => {
        this.#flushing = undefined
      })
    return this.#flushing
  }
}
