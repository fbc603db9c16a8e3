/**
 * What the API and other components see of the friend list: the views of friends, requests
 * and blocked people, built from the stored tables, and the events a change raises. Events
 * are raised only after the change they report is stored, so a listener that reads the
 * list finds the change in it.
 */
import { fromHex } from '../../protocol/bytes.ts'
import type {
  BlockedView,
  FriendRequestView,
  FriendView,
  NodeEventMap,
  PeerRef,
} from '../../protocol/local-api.ts'
import type { FriendNames } from './friend-names.ts'
import type { FriendRecord, FriendStore } from './friend-store.ts'
import type { FriendEventType, FriendsEvents } from './friends-contract.ts'

/** Raises one of the events of `Friends` itself (for presence, conversations). */
export type FriendsDispatch = <K extends keyof FriendsEvents>(
  type: K,
  init: { detail: FriendsEvents[K]['detail'] },
) => void

export class FriendViews {
  readonly #store: FriendStore
  readonly #names: FriendNames
  readonly #emit: <T extends FriendEventType>(type: T, data: NodeEventMap[T]) => void
  readonly #dispatch: FriendsDispatch

  constructor(
    store: FriendStore,
    names: FriendNames,
    emit: <T extends FriendEventType>(type: T, data: NodeEventMap[T]) => void,
    dispatch: FriendsDispatch,
  ) {
    this.#store = store
    this.#names = names
    this.#emit = emit
    this.#dispatch = dispatch
  }

  list(): Array<Omit<FriendView, 'online' | 'lastSeen' | 'reach'>> {
    return this.#store
      .entries('friends')
      .map(([key, record]) => ({ ...this.#names.ref(key, record.name), since: record.since }))
  }

  requests(): { incoming: FriendRequestView[]; outgoing: FriendRequestView[] } {
    const view = (direction: 'in' | 'out') => {
      const table = direction === 'in' ? 'incoming' : 'outgoing'
      return this.#store
        .entries(table)
        .map(([key, record]) => ({
          ...this.#names.ref(key, record.name),
          direction,
          requestId: record.requestId,
          note: record.note,
          at: record.at,
        }))
        .sort((a, b) => b.at - a.at)
    }
    return { incoming: view('in'), outgoing: view('out') }
  }

  blocked(): BlockedView[] {
    return this.#store
      .entries('blocked')
      .map(([key, record]) => ({ ...this.#names.ref(key, record.name), since: record.since }))
  }

  /** `peerHex` became a friend: its view, announced to the API and to presence. */
  friended(peerHex: string, record: FriendRecord): FriendView {
    const view: FriendView = {
      ...this.#names.ref(peerHex, record.name),
      since: record.since,
      online: false,
      lastSeen: null,
      // Presence finds the way to the new friend; until then, what it can count on.
      reach: { via: 'mailbox' },
    }
    this.#emit('friend:accepted', view)
    this.#dispatch('friends:changed', { detail: { peer: fromHex(peerHex), friend: true } })
    return view
  }

  /** A friend's account moved to a new key: the old key leaves the list, the new one joins. */
  keyChanged(previousHex: string, currentHex: string): void {
    const ref = this.#names.ref(currentHex)
    const previous = this.#names.ref(previousHex, ref.name)
    this.#emit('friend:key-changed', {
      ...ref,
      previousPeerId: previous.peerId,
      previousPublicKey: previous.publicKey,
    })
    const [before, after] = [fromHex(previousHex), fromHex(currentHex)]
    this.#dispatch('friends:key-changed', { detail: { previous: before, current: after } })
    this.#dispatch('friends:changed', { detail: { peer: before, friend: false } })
    this.#dispatch('friends:changed', { detail: { peer: after, friend: true } })
  }

  /** A friendship, or a `pending` request, ended, by us or by the peer. */
  removed(ref: PeerRef, by: 'me' | 'peer', pending: boolean): void {
    this.#emit('friend:removed', { ...ref, by, pending })
    if (!pending) {
      this.#dispatch('friends:changed', {
        detail: { peer: fromHex(ref.publicKey), friend: false },
      })
    }
  }
}
