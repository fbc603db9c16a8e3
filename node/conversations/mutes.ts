/**
 * Conversations the user muted: no desktop notification, sound or unread count in the tab
 * for them. Kept on the node (so every browser and device of the user follows it) as one
 * sealed record of the conversations sublevel, read once and rewritten whole on each change;
 * changes run one at a time. Bounded by MAX_MUTED_CONVERSATIONS.
 */
import { MAX_MUTED_CONVERSATIONS } from '../../protocol/limits.ts'
import type { AppLevel } from '../storage.ts'
import { InvalidMuteError } from './errors.ts'

/** Key of the record in the conversations sublevel (apart from `m/`, `t/`, `d/`). */
const RECORD_KEY = 'muted'
/** `direct:<peer id>` or `room:<room id>`. */
const CONVERSATION_KEY = /^(direct|room):[0-9A-Za-z]{1,128}$/

export class ConversationMutes {
  readonly #db: AppLevel
  #muted?: Set<string>
  #changes: Promise<unknown> = Promise.resolve()

  constructor(db: AppLevel) {
    this.#db = db
  }

  async list(): Promise<string[]> {
    return [...(await this.#load())]
  }

  /** Mutes or unmutes `conversation` (`direct:<peer id>` or `room:<room id>`). */
  set(conversation: string, muted: boolean): Promise<string[]> {
    if (!CONVERSATION_KEY.test(conversation)) {
      return Promise.reject(
        new InvalidMuteError('name the conversation as "direct:<peer id>" or "room:<room id>"'),
      )
    }
    const change = this.#changes.then(async () => {
      const set = await this.#load()
      if (muted === set.has(conversation)) return [...set]
      if (muted && set.size >= MAX_MUTED_CONVERSATIONS) {
        throw new InvalidMuteError(
          `at most ${MAX_MUTED_CONVERSATIONS} conversations can be muted: unmute one first`,
        )
      }
      const next = new Set(set)
      if (muted) next.add(conversation)
      else next.delete(conversation)
      await this.#db.put(RECORD_KEY, new TextEncoder().encode(JSON.stringify([...next])))
      this.#muted = next
      return [...next]
    })
    this.#changes = change.catch(() => undefined)
    return change
  }

  async #load(): Promise<Set<string>> {
    if (this.#muted == null) {
      const stored = await this.#db.get(RECORD_KEY)
      this.#muted = new Set(
        stored == null ? [] : (JSON.parse(new TextDecoder().decode(stored)) as string[]),
      )
    }
    return this.#muted
  }
}
