import { TypedEventEmitter } from 'main-event'
import { fromHex, toHex } from '../../protocol/bytes.ts'
import type { FriendSyncEntry } from '../../protocol/device-sync.ts'
import { MAX_FRIEND_NOTE_LENGTH } from '../../protocol/limits.ts'
import type {
  AddFriendResponse,
  BlockedView,
  FriendRequestView,
  FriendView,
  PeerRef,
} from '../../protocol/local-api.ts'
import { decodeFriendMessage, type FriendMessageValue } from '../../protocol/social.ts'
import { ServiceLifecycle } from '../service-lifecycle.ts'
import { ACCOUNT_MESSAGES, AccountReach } from './account-reach.ts'
import {
  FriendRequestNotFoundError,
  FriendSelfError,
  FriendsStoppedError,
  InvalidFriendNoteError,
} from './errors.ts'
import {
  acceptRequest,
  askFriend,
  blockPeer,
  checkCanAsk,
  declineRequest,
  endFriendship,
  type FriendActionContext,
  type FriendTarget,
  unblockPeer,
} from './friend-actions.ts'
import {
  type FriendInboxContext,
  pick,
  takeFriendMessage,
  takeKeyRecovery,
  takeKeyRotation,
} from './friend-inbox.ts'
import { describe, FriendNames } from './friend-names.ts'
import { FriendOutbox } from './friend-outbox.ts'
import { FriendStore } from './friend-store.ts'
import { type FriendSyncContext, followEntry, withDeviceSyncs } from './friend-sync.ts'
import { FriendViews } from './friend-views.ts'
import type { FriendsComponents, FriendsEvents, FriendsInit } from './friends-contract.ts'
import {
  adoptFriends,
  pinCommitment,
  type RecoveryEpoch,
  recoveryEpoch,
  sendKeyRotation,
} from './key-rotation.ts'

export const DEFAULT_FRIENDS_RETRY_INTERVAL_MS = 10_000

export class Friends extends TypedEventEmitter<FriendsEvents> {
  readonly #components: FriendsComponents
  readonly #init: FriendsInit
  readonly #store: FriendStore
  readonly #myHex: string
  readonly #lifecycle = new ServiceLifecycle(
    () => new FriendsStoppedError('friends are not running; start the node'),
  )
  readonly #outbox: FriendOutbox
  readonly #names: FriendNames
  readonly #views: FriendViews
  readonly #inbox: FriendInboxContext
  readonly #actions: FriendActionContext
  readonly #sync: FriendSyncContext
  readonly #reach: AccountReach
  #retryTimer: NodeJS.Timeout | undefined
  #ownName: string | undefined

  constructor(components: FriendsComponents, init: FriendsInit = {}) {
    super()
    this.#components = components
    this.#init = init
    this.#store = new FriendStore(components.db)
    this.#myHex = toHex(components.identity.publicKey)
    this.#reach = new AccountReach({
      devices: () => components.devices?.(),
      deviceLists: () => components.deviceLists?.(),
      log: components.log,
      lookupTimeoutMs: init.deviceLookupTimeoutMs ?? 5_000,
    })
    this.#outbox = new FriendOutbox(
      this.#store,
      components.messaging,
      () => this.#lifecycle.running,
      components.log,
      this.#reach,
    )
    this.#names = new FriendNames(
      this.#store,
      components.directory,
      init.lookupTimeoutMs ?? 15_000,
      components.log,
    )
    this.#views = new FriendViews(
      this.#store,
      this.#names,
      (type, data) => components.emit(type, data),
      (type, init) => this.safeDispatchEvent(type, init),
    )
    this.#actions = {
      store: this.#store,
      outbox: this.#outbox,
      names: this.#names,
      views: this.#views,
      verifyClaim: (peerHex, claim) => this.#verifyClaim(peerHex, claim),
    }
    this.#inbox = {
      store: this.#store,
      outbox: this.#outbox,
      names: this.#names,
      log: components.log,
      emit: (type, data) => components.emit(type, data),
      ownName: () => this.#ownName,
      accept: (peerHex, ownName, crossing) =>
        acceptRequest(this.#actions, peerHex, ownName, crossing),
      views: this.#views,
      verifyClaim: (peerHex, claim) => this.#verifyClaim(peerHex, claim),
    }
    this.#sync = {
      store: this.#store,
      outbox: this.#outbox,
      names: this.#names,
      views: this.#views,
      emit: (type, data) => components.emit(type, data),
      devices: () => components.devices?.(),
    }
    this.#store.amend = (changes, byPeer) => withDeviceSyncs(this.#sync, changes, byPeer)
  }

  async start(): Promise<void> {
    await this.#store.load()
    if (!this.#lifecycle.start()) return
    this.#retryTimer = setInterval(() => {
      if (this.#outbox.pending) void this.#outbox.flush()
    }, this.#init.retryIntervalMs ?? DEFAULT_FRIENDS_RETRY_INTERVAL_MS)
    this.#retryTimer.unref()
    void this.#refreshOwnName()
    void this.#outbox.flush()
  }

  async stop(): Promise<void> {
    await this.#lifecycle.stop(() => clearInterval(this.#retryTimer))
    await this.#outbox.flushing
  }

  /**
   * Hands friend messages messaging has not taken yet to it now. The node calls it once
   * messaging runs; a timer calls it every `retryIntervalMs` while any wait.
   */
  sendPending(): Promise<void> {
    return this.#outbox.flush()
  }

  // ------------------------------------------------------------ what others ask

  /**
   * True when the user blocked `peer` (a raw Ed25519 key), or when it is a friend's retired
   * key: after a rotation the old key may sign nothing new. Synchronous: memory only.
   */
  isBlocked(peer: Uint8Array): boolean {
    const hex = toHex(peer)
    return this.#store.has('blocked', hex) || this.#store.has('retired', hex)
  }

  /** True when `peer` is a key a friend's account held before a rotation or recovery. */
  isRetired(peer: Uint8Array): boolean {
    return this.#store.has('retired', toHex(peer))
  }

  /**
   * Tells every friend that our account moved to a new key: `statement` is the rotation
   * (Keystore.rotate) or recovery statement (Keystore.recover), sent as a friend message
   * through messaging (directly, or through the mailbox to friends who are away). Resolves
   * once messaging holds them all.
   */
  async announceKeyRotation(
    statement: Uint8Array,
    kind: 'rotation' | 'recovery' = 'rotation',
  ): Promise<Array<{ id: string; peer: string }>> {
    this.#checkRunning()
    const peers = this.#store.entries('friends').map(([peerHex]) => peerHex)
    const messaging = this.#components.messaging()
    if (messaging == null) throw new FriendsStoppedError('messaging is not running; start the node')
    return sendKeyRotation(messaging, peers, statement, kind)
  }

  /** The recovery commitment in force for friend `peer`, once a device list showed it. */
  recoveryCommitment(peer: Uint8Array): Uint8Array | undefined {
    return recoveryEpoch(this.#store, toHex(peer))?.commitment
  }

  /** Where friend `peer`'s chain stands for a recovery: its epoch's first key and sequence. */
  recoveryEpoch(peer: Uint8Array): RecoveryEpoch | undefined {
    return recoveryEpoch(this.#store, toHex(peer))
  }

  /**
   * After this account was recovered through them on a new machine: `peers` (hex keys)
   * become friends again, so the recovery statement and everything after reach them.
   */
  async adoptAfterRecovery(peers: string[]): Promise<void> {
    await this.#serial(() => adoptFriends(this.#store, this.#views, peers))
  }

  /**
   * Pins a friend's recovery commitment, from its device list, unless one is pinned: a
   * different one later is logged as a conflict and changes nothing (key-rotation.ts).
   */
  async pinRecoveryCommitment(peer: Uint8Array, commitment: Uint8Array): Promise<void> {
    const peerHex = toHex(peer)
    await this.#serial(async () => {
      const { changes, conflict } = pinCommitment(this.#store, peerHex, commitment)
      if (conflict) this.#components.log.error('%s shows another recovery commitment', peerHex)
      if (changes == null) return
      await this.#store.write(changes)
      this.safeDispatchEvent('friends:commitment', { detail: { peer } })
    })
  }

  /**
   * Takes a rotation statement for the friend at `peer` found elsewhere than in its messages
   * (the DHT), as if the friend had sent it; returns the friend's new key, hex, when it moved.
   */
  takeKeyRotation(peer: Uint8Array, statement: Uint8Array): Promise<string | undefined> {
    const peerHex = toHex(peer)
    return this.#serial(() => takeKeyRotation(this.#inbox, peerHex, statement))
  }

  /** As takeKeyRotation, for a recovery statement (it names the friend's account itself). */
  takeKeyRecovery(statement: Uint8Array): Promise<string | undefined> {
    return this.#serial(() => takeKeyRecovery(this.#inbox, statement))
  }

  isFriend(peer: Uint8Array): boolean {
    return this.#store.has('friends', toHex(peer))
  }

  /** True while our friend request to `peer` waits for its answer. */
  awaitsAnswerFrom(peer: Uint8Array): boolean {
    return this.#store.has('outgoing', toHex(peer))
  }

  /** Raw Ed25519 keys of every friend. */
  friendKeys(): Uint8Array[] {
    return this.#store.entries('friends').map(([key]) => fromHex(key))
  }

  /**
   * The key of the one person we know (friend, request, blocked) by `name` (`alice` or
   * `alice@<relay>`), so that naming a friend needs no relay; undefined when none or several.
   */
  keyOfKnownName(name: string): Uint8Array | undefined {
    const known = this.#names.findByName(name.trim())
    return known == null ? undefined : new Uint8Array(Buffer.from(known.hex, 'hex'))
  }

  /** The key (hex) of `ref`: a username (asked of the directory if unknown), a peer id or a hex key. */
  async resolvePeer(ref: string): Promise<string> {
    return (await this.#names.resolve(ref)).hex
  }

  /** The peer as the API names it, with the verified name we know. */
  peerRef(peer: Uint8Array): PeerRef {
    return this.#names.ref(toHex(peer))
  }

  list(): Array<Omit<FriendView, 'online' | 'lastSeen' | 'reach'>> {
    return this.#views.list()
  }

  requests(): { incoming: FriendRequestView[]; outgoing: FriendRequestView[] } {
    return this.#views.requests()
  }

  blocked(): BlockedView[] {
    return this.#views.blocked()
  }

  // ------------------------------------------------------------ the user's actions

  /**
   * Asks `to` (a username, a peer id or a hex key) to be our friend. When `to` had asked us
   * first, this accepts that request instead.
   */
  async add(to: string, note = ''): Promise<AddFriendResponse> {
    this.#checkRunning()
    if (note.length > MAX_FRIEND_NOTE_LENGTH) {
      throw new InvalidFriendNoteError(
        `the note is ${note.length} characters; a friend request carries at most ${MAX_FRIEND_NOTE_LENGTH}`,
      )
    }
    const target = await this.#target(to)
    if (target.hex === this.#myHex) throw new FriendSelfError('you cannot add yourself as a friend')
    const ownName = await this.#refreshOwnName()
    await this.#reach.prefetch(target.hex)
    return this.#change(async (): Promise<AddFriendResponse> => {
      if (checkCanAsk(this.#store, target) === 'accept') {
        return {
          status: 'accepted',
          friend: await acceptRequest(this.#actions, target.hex, ownName),
        }
      }
      return askFriend(this.#actions, target, note, ownName)
    })
  }

  /** Accepts the pending request from `peer`: both friend lists now hold the other. */
  async accept(peer: string): Promise<FriendView> {
    this.#checkRunning()
    const target = await this.#target(peer)
    const ownName = await this.#refreshOwnName()
    await this.#reach.prefetch(target.hex)
    return this.#change(() => {
      if (!this.#store.has('incoming', target.hex)) {
        throw new FriendRequestNotFoundError(`no friend request from ${describe(peer, target.hex)}`)
      }
      return acceptRequest(this.#actions, target.hex, ownName)
    })
  }

  /** Declines the pending request from `peer`; the peer is told. */
  async reject(peer: string): Promise<PeerRef> {
    this.#checkRunning()
    const target = await this.#target(peer)
    await this.#reach.prefetch(target.hex)
    return this.#change(() => declineRequest(this.#actions, target))
  }

  /** Ends a friendship, or withdraws our pending request; the peer is told either way. */
  async remove(peer: string): Promise<PeerRef> {
    this.#checkRunning()
    const target = await this.#target(peer)
    return this.#change(() => endFriendship(this.#actions, target))
  }

  /**
   * Blocks `peer`: its messages and requests are dropped from now on, a friendship or request
   * between us ends (the peer is told it was removed, not that it was blocked).
   */
  async block(peer: string): Promise<BlockedView> {
    this.#checkRunning()
    const target = await this.#target(peer)
    if (target.hex === this.#myHex) throw new FriendSelfError('you cannot block yourself')
    return this.#change(() => blockPeer(this.#actions, target))
  }

  /** Lets `peer`'s messages and requests in again. Unblocking someone not blocked is no error. */
  async unblock(peer: string): Promise<PeerRef> {
    this.#checkRunning()
    const target = await this.#target(peer)
    return this.#serial(() => unblockPeer(this.#actions, target))
  }

  // --------------------------------------------------------- what peers send us

  /**
   * A friend message from `peer`, decrypted by messaging. Never throws for bad input: a
   * message that does not decode, or answers a request we never made, is logged and dropped.
   */
  async receive(peer: Uint8Array, payload: Uint8Array): Promise<void> {
    const peerHex = toHex(peer)
    let message: FriendMessageValue
    try {
      message = decodeFriendMessage(payload)
    } catch (err) {
      this.#components.log.error(
        'dropped a malformed friend message from %s: %s',
        peerHex,
        (err as Error).message,
      )
      return
    }
    if (this.#store.has('blocked', peerHex)) return
    if (message.type.startsWith('recovery-')) {
      // From anyone (a new machine asks in a friend's name): the recovery component judges.
      await this.#components.recoveryShares?.()?.receive(peer, message)
      return
    }
    if (message.type === 'device-sync') {
      // Messaging hands our own devices' syncs elsewhere: this one came from anyone else.
      this.#components.log('dropped a device sync from %s, not a device of ours', peerHex)
      return
    }
    if (message.type === 'device-list') {
      // Not a change of the friend list: the device list component keeps it, outside #serial.
      const inbox = this.#components.deviceLists?.()
      if (inbox == null)
        this.#components.log('no device list component; dropped one from %s', peerHex)
      else await inbox.receive(peer, message.deviceList ?? new Uint8Array(0))
      return
    }
    if (message.type === 'profile') {
      // Not a change of the friend list either: the profile component keeps it.
      const inbox = this.#components.profiles?.()
      if (inbox == null) this.#components.log('no profile component; dropped one from %s', peerHex)
      else await inbox.receive(peer, message.profile ?? new Uint8Array(0))
      return
    }
    // A request or answer speaks for the account whose list names the sending device.
    const account = ACCOUNT_MESSAGES.has(message.type)
      ? await this.#reach.senderAccount(peer, message)
      : peerHex
    if (account == null || account === this.#myHex || this.#store.has('blocked', account)) return
    await this.#serial(() => takeFriendMessage(this.#inbox, account, message))
    if (account !== peerHex && this.#store.has('friends', account)) {
      await this.#reach.takeCarriedList(peer, message)
    }
    void this.#outbox.flush()
  }

  /**
   * Where the friend list stands with `peer` on another device of our account (messaging
   * checked that `from` is one): taken as it is (friend-sync.ts). Never throws for bad input.
   */
  async takeSynced(from: Uint8Array, peer: Uint8Array, entry: FriendSyncEntry): Promise<void> {
    const peerHex = toHex(peer)
    if (peerHex === this.#myHex) return
    this.#components.log(
      'took the friend entry of %s (%s) from %s',
      peerHex,
      entry.state,
      toHex(from),
    )
    await this.#serial(() => followEntry(this.#sync, peerHex, entry))
    void this.#outbox.flush()
  }

  /**
   * On a linked device: the account's friends its link handed over become its friends (those
   * it holds no entry for), without a sync: the other devices hold them already. Nothing is
   * announced: it runs before presence and messaging, which read the list as they start (an
   * early `friends:changed` would look friends' device lists up before the DHT answers).
   */
  async adoptLinked(handed: Array<{ key: Uint8Array; name: string }>): Promise<void> {
    await this.#serial(async () => {
      const held = (hex: string) =>
        (['friends', 'incoming', 'outgoing', 'blocked'] as const).some((t) =>
          this.#store.has(t, hex),
        )
      const adopted = handed.filter((friend) => !held(toHex(friend.key)))
      const since = Date.now()
      const requestId = toHex(new Uint8Array(16))
      await this.#store.write(
        adopted.map((friend) => ({
          table: 'friends' as const,
          key: toHex(friend.key),
          value: { since, requestId, name: friend.name === '' ? null : friend.name },
        })),
        { following: true },
      )
    })
  }

  // ------------------------------------------------------------------ plumbing

  /**
   * Shows a claimed name once the directory confirms it belongs to the peer's key. Runs in
   * the background: never rejects.
   */
  async #verifyClaim(peerHex: string, claim: string): Promise<void> {
    const owner = await this.#names.claimOwner(peerHex, claim)
    if (owner == null || !this.#lifecycle.running) return
    await this.#serial(async () => {
      const friend = this.#store.get('friends', peerHex)
      const incoming = this.#store.get('incoming', peerHex)
      if (friend != null && friend.name == null) {
        await this.#store.write([
          { table: 'friends', key: peerHex, value: { ...friend, name: owner } },
        ])
      } else if (incoming != null && incoming.claim === claim) {
        const record = { ...incoming, name: owner, claim: null }
        await this.#store.write([{ table: 'incoming', key: peerHex, value: record }])
        this.#components.emit('friend:request', {
          ...this.#names.ref(peerHex, owner),
          direction: 'in',
          ...pick(record),
        })
      }
    })
      .then(() => this.#outbox.flush())
      .catch((err: Error) => {
        this.#components.log.error('could not store the name of %s: %s', peerHex, err.message)
      })
  }

  async #refreshOwnName(): Promise<string | undefined> {
    try {
      this.#ownName = (await this.#components.directory?.ownName()) ?? this.#ownName
    } catch (err) {
      this.#components.log('could not read our own name: %s', (err as Error).message)
    }
    return this.#ownName
  }

  /** Changes to the friend tables, one at a time; stop() waits for the one under way. */
  #serial<T>(job: () => Promise<T>): Promise<T> {
    return this.#lifecycle.exclusive(job)
  }

  /** A change that may tell the peer: the friend message goes to messaging once stored. */
  async #change<T>(job: () => Promise<T>): Promise<T> {
    const result = await this.#serial(job)
    await this.#outbox.flush()
    return result
  }

  async #target(asked: string): Promise<FriendTarget> {
    return { asked, ...(await this.#names.resolve(asked)) }
  }

  #checkRunning(): void {
    if (!this.#lifecycle.running) {
      throw new FriendsStoppedError('friends are not running; start the node')
    }
  }
}
