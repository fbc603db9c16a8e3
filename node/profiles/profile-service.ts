/**
 * This account's profile (display name, avatar) and its friends' (protocol/friend-profile.ts).
 *
 * - Own profile: signed by the account key, kept sealed in the component's sublevel; every
 *   change is a new version, `max(last + 1, now in ms)`, so a version only grows, across
 *   restarts and across the account's devices (whose clocks roughly agree).
 * - Sent to every friend, and to each other device of the friend's account, as a `profile`
 *   friend message through messaging: directly, or through the mailbox when the friend is
 *   away. `sent/<device>` records the version messaging holds for each device, written once
 *   messaging took it, so a crash in between sends it again (taking it twice is a no-op).
 * - Sent to our own other devices (own-device sync), which keep the newest they get as theirs.
 *   Every device sends it to friends (a linked one too): a friend's node takes it from any
 *   device of the account its list names, as the account's.
 * - Friends' profiles: the newest valid one per friend. Kept only when it opens, is signed
 *   by the friend's account, and has a higher version than the one held (newerProfile);
 *   anything else is refused, logged and dropped, and what was held stays.
 * - A profile from someone we asked to be our friend, before their answer: messaging does
 *   not order friend messages (they carry no seq), so a new friend's profile can overtake
 *   its accept. Such a profile, checked the same way, is held (`awaiting/<hex>`, the newest
 *   one per peer we asked) and taken as a friend's once the accept made it one; dropped once
 *   the request ended otherwise. The sender counts it sent, so refusing it would leave its
 *   name unshown until its next change.
 * - Room members' profiles (node/rooms carries them as PROFILE ops): the same rule, for a
 *   member who is not a friend, kept only while we share a room with it (`pruneMembers`
 *   drops the others when a room's members change, and at start) and for at most
 *   MAX_MEMBER_PROFILES members: what a stranger can make the node store is bounded by
 *   (friends + peers asked + MAX_MEMBER_PROFILES) times MAX_FRIEND_PROFILE_SIZE.
 *
 * Stored in the sublevel `profiles` in the layout of node/friend-records-store.ts, members'
 * under `member/<account key hex>`, those held for an answer under `awaiting/<hex>`.
 *
 * Changes run one at a time (ServiceLifecycle.exclusive). Incoming profiles arrive inside
 * messaging's lane for their peer, so nothing run exclusively waits on messaging: sends run
 * on a chain of their own.
 */
import type { Logger } from '@libp2p/interface'
import { TypedEventEmitter } from 'main-event'
import { bytesEqual, fromHex, toHex } from '../../protocol/bytes.ts'
import {
  checkDisplayName,
  newerProfile,
  type OpenedFriendProfile,
  openFriendProfile,
  signFriendProfile,
} from '../../protocol/friend-profile.ts'
import { MAX_MEMBER_PROFILES } from '../../protocol/limits.ts'
import type { NodeEventMap } from '../../protocol/local-api.ts'
import { encodeFriendMessage } from '../../protocol/social.ts'
import { sendToFriendDevices } from '../friend-record-fan-out.ts'
import { FriendRecordsStore, SYNC } from '../friend-records-store.ts'
import type { SocialSender } from '../friends/index.ts'
import { accountKeyOf, type Identity, peerIdOf } from '../identity/index.ts'
import { ServiceLifecycle } from '../service-lifecycle.ts'
import type { AppLevel } from '../storage.ts'
import { profileView } from './api-routes.ts'
import { InvalidDisplayNameError, ProfilesStoppedError } from './errors.ts'

/** What profiles need of friends (node/friends). */
export interface ProfileFriends extends EventTarget {
  friendKeys(): Uint8Array[]
  isFriend(peer: Uint8Array): boolean
  /** True while our friend request to `peer` waits for its answer. */
  awaitsAnswerFrom(peer: Uint8Array): boolean
  /** Hands friend messages still waiting (an accept) to messaging. */
  sendPending(): Promise<void>
}

export interface ProfileServiceComponents {
  identity: Identity
  /** The component's own sublevel of the node's LevelDB. */
  store: AppLevel
  friends: ProfileFriends
  /** Messaging, once it exists (it is built after this component). */
  messaging: () => SocialSender | undefined
  /** The devices of a friend's account other than its account key (node/devices). */
  otherDevicesOf?(friend: Uint8Array): Uint8Array[]
  /** Sends our signed profile to the account's other devices (own-device sync). */
  syncOwn?(record: Uint8Array): Promise<void>
  /** The friend's account whose device list names `device` (node/devices), if any. */
  accountOf?(device: Uint8Array): Uint8Array | undefined
  /** Whether a member (account key, hex) is in a room we are in (node/rooms). @default never */
  sharesRoomWith?(memberHex: string): boolean
  /** Room members' profiles kept at most (not friends'). @default MAX_MEMBER_PROFILES */
  maxMemberProfiles?: number
  log: Logger
  /** Tells API clients of a friend's newer profile, and of ours. */
  emit?(type: 'profile:changed', data: NodeEventMap['profile:changed']): void
  /** @default Date.now */
  clock?: () => number
}

export interface ProfileChange {
  /** The display name; undefined leaves it, '' removes it. */
  displayName?: string
  /** The avatar's bytes; undefined leaves it, null removes it. */
  avatar?: Uint8Array | null
}

export interface ProfileServiceEvents {
  /** Our own profile changed, here or on another of the account's devices. */
  'profiles:own': CustomEvent<OpenedFriendProfile>
  /** A friend's newer profile was taken. */
  'profiles:friend': CustomEvent<{ peer: Uint8Array; profile: OpenedFriendProfile }>
  /** A newer profile of a room member who is not a friend was taken. */
  'profiles:member': CustomEvent<{ peer: Uint8Array; profile: OpenedFriendProfile }>
  /** A profile was refused: forged, another account's, too large, or not newer. */
  'profiles:refused': CustomEvent<{ peer: Uint8Array; reason: string }>
}

interface Held {
  profile: OpenedFriendProfile
  record: Uint8Array
}

const ZERO_REQUEST_ID = new Uint8Array(16)
const MEMBER = 'member/'
const AWAITING = 'awaiting/'

export class ProfileService extends TypedEventEmitter<ProfileServiceEvents> {
  readonly #components: ProfileServiceComponents
  readonly #store: FriendRecordsStore
  readonly #log: Logger
  readonly #clock: () => number
  readonly #lifecycle = new ServiceLifecycle(() => new ProfilesStoppedError())
  #own?: Held
  readonly #friendProfiles = new Map<string, Held>()
  readonly #memberProfiles = new Map<string, Held>()
  /** Profiles of peers we asked that came before their answer (hex key). */
  readonly #awaiting = new Map<string, Held>()
  readonly #sent = new Map<string, number>()
  #sending: Promise<void> = Promise.resolve()
  readonly #onFriendsChanged = (event: Event) => {
    const { peer, friend } = (event as CustomEvent<{ peer: Uint8Array; friend: boolean }>).detail
    if (friend) void this.sendPending()
    else void this.#forget(toHex(peer))
    void this.#settleAwaiting()
  }

  constructor(components: ProfileServiceComponents) {
    super()
    this.#components = components
    this.#store = new FriendRecordsStore(components.store)
    this.#log = components.log
    this.#clock = components.clock ?? Date.now
  }

  get running(): boolean {
    return this.#lifecycle.running
  }

  async start(): Promise<void> {
    if (!this.#lifecycle.start()) return
    await this.#lifecycle.exclusive(async () => {
      await this.#load()
      await this.#settleAwaitingNow()
    })
    this.#components.friends.addEventListener('friends:changed', this.#onFriendsChanged)
    void this.sendPending()
  }

  async stop(): Promise<void> {
    await this.#lifecycle.stop(() => {
      this.#components.friends.removeEventListener('friends:changed', this.#onFriendsChanged)
    })
  }

  /** Our profile, or undefined while we never set one. */
  own(): OpenedFriendProfile | undefined {
    return this.#own?.profile
  }

  /** Our signed profile as it travels, or undefined while we never set one. */
  ownRecord(): Uint8Array | undefined {
    return this.#own?.record
  }

  /** The newest valid profile a friend sent, or undefined. */
  friendProfile(peer: Uint8Array): OpenedFriendProfile | undefined {
    return this.#friendProfiles.get(toHex(peer))?.profile
  }

  /** The newest valid profile we hold of anyone: ours, a friend's or a room member's. */
  profileOf(peer: Uint8Array): OpenedFriendProfile | undefined {
    const hex = toHex(peer)
    if (bytesEqual(peer, accountKeyOf(this.#components.identity).publicKey)) return this.own()
    const friend = this.#friendProfiles.get(hex)?.profile
    const member = this.#memberProfiles.get(hex)?.profile
    return (member?.version ?? 0) > (friend?.version ?? 0) ? member : friend
  }

  /**
   * Signs the next version of our profile with `change` applied, keeps it and sends it to
   * every friend and our other devices. InvalidDisplayNameError for a bad name,
   * InvalidAvatarError (protocol) for an image that is not a small PNG, JPEG or WebP.
   */
  set(change: ProfileChange): Promise<OpenedFriendProfile> {
    return this.#lifecycle.exclusive(async () => {
      const current = this.#own?.profile
      let displayName = current?.displayName ?? ''
      if (change.displayName != null) {
        try {
          displayName = checkDisplayName(change.displayName)
        } catch (err) {
          throw new InvalidDisplayNameError((err as Error).message)
        }
      }
      const avatar = change.avatar === undefined ? current?.avatar : (change.avatar ?? undefined)
      const version = Math.max((current?.version ?? 0) + 1, this.#clock())
      const record = signFriendProfile(accountKeyOf(this.#components.identity), {
        version,
        displayName,
        ...(avatar != null && { avatar }),
      })
      const profile = openFriendProfile(record)
      await this.#store.putOwn(record)
      this.#own = { profile, record }
      this.#ownChanged(profile)
      void this.#syncOwn(record)
      void this.sendPending()
      return profile
    })
  }

  /**
   * A profile a friend, or another device of a friend's account, sent (the friends component
   * hands it over). Never throws for bad
   * input: a record that does not open, is not the friend's, or is not newer is logged and
   * refused, and what was held stays.
   */
  receive(sender: Uint8Array, record: Uint8Array): Promise<void> {
    return this.#lifecycle.exclusive(async () => {
      const { friends, accountOf } = this.#components
      // A friend's other device sends its account's profile: kept as the account's.
      const peer = friends.isFriend(sender) ? sender : (accountOf?.(sender) ?? sender)
      if (friends.isFriend(peer)) return this.#take(peer, record, 'friend')
      if (friends.awaitsAnswerFrom(sender)) return this.#hold(sender, record)
      this.#refuse(sender, 'not a friend')
    })
  }

  /** Keeps `record` of a peer we asked until its answer (see the file's header). */
  async #hold(peer: Uint8Array, record: Uint8Array): Promise<void> {
    const hex = toHex(peer)
    const profile = this.#judge(peer, record, this.#awaiting.get(hex))
    if (profile == null) return
    await this.#settleAwaitingNow()
    await this.#components.store.put(AWAITING + hex, record, SYNC)
    this.#awaiting.set(hex, { profile, record })
    this.#log('holding the profile of %s until it answers our friend request', hex)
  }

  /** Takes the held profiles of peers who became friends, drops those of requests that ended. */
  async #settleAwaiting(): Promise<void> {
    try {
      await this.#lifecycle.exclusive(() => this.#settleAwaitingNow())
    } catch (err) {
      if (this.running) this.#log.error('could not settle the profiles held: %e', err)
    }
  }

  async #settleAwaitingNow(): Promise<void> {
    const { friends } = this.#components
    for (const [hex, held] of [...this.#awaiting]) {
      const peer = fromHex(hex)
      if (friends.awaitsAnswerFrom(peer)) continue
      if (friends.isFriend(peer)) await this.#take(peer, held.record, 'friend')
      await this.#components.store.del(AWAITING + hex, SYNC)
      this.#awaiting.delete(hex)
    }
  }

  /**
   * A profile a room carried (node/rooms, PROFILE op) for `member`, the account its author
   * writes for: kept as a friend's for a friend, else as a member's while we share a room
   * with it and hold fewer than MAX_MEMBER_PROFILES. Never throws for bad input.
   */
  receiveFromRoom(member: Uint8Array, record: Uint8Array): Promise<void> {
    return this.#lifecycle.exclusive(async () => {
      if (bytesEqual(member, accountKeyOf(this.#components.identity).publicKey)) return
      if (this.#components.friends.isFriend(member)) return this.#take(member, record, 'friend')
      const hex = toHex(member)
      if (this.#components.sharesRoomWith?.(hex) !== true) {
        return this.#refuse(member, 'shares no room with us')
      }
      const most = this.#components.maxMemberProfiles ?? MAX_MEMBER_PROFILES
      if (!this.#memberProfiles.has(hex) && this.#memberProfiles.size >= most) {
        await this.#pruneMembers()
        if (this.#memberProfiles.size >= most) {
          return this.#refuse(member, `we keep at most ${most} members' profiles`)
        }
      }
      await this.#take(member, record, 'member')
    })
  }

  /** Drops the profiles of members we no longer share a room with (and who are no friends). */
  pruneMembers(): Promise<void> {
    return this.#lifecycle.exclusive(() => this.#pruneMembers())
  }

  async #pruneMembers(): Promise<void> {
    const gone = [...this.#memberProfiles.keys()].filter(
      (hex) => this.#components.sharesRoomWith?.(hex) !== true,
    )
    if (gone.length === 0) return
    await this.#components.store.batch(
      gone.map((hex) => ({ type: 'del' as const, key: MEMBER + hex })),
      SYNC,
    )
    for (const hex of gone) this.#memberProfiles.delete(hex)
  }

  #refuse(peer: Uint8Array, reason: string): void {
    this.#log('refused a profile from %s: %s', toHex(peer), reason)
    this.safeDispatchEvent('profiles:refused', { detail: { peer, reason } })
  }

  /**
   * The profile in `record` when it opens, is signed by `peer` and is newer than `held`;
   * undefined for the same record again (a room read twice), refused for anything else.
   */
  #judge(
    peer: Uint8Array,
    record: Uint8Array,
    held: Held | undefined,
  ): OpenedFriendProfile | undefined {
    if (held != null && bytesEqual(held.record, record)) return undefined
    let profile: OpenedFriendProfile
    try {
      profile = openFriendProfile(record)
    } catch (err) {
      this.#refuse(peer, `${(err as Error).name}: ${(err as Error).message}`)
      return undefined
    }
    if (!bytesEqual(profile.account, peer)) {
      this.#refuse(peer, 'signed by another account')
      return undefined
    }
    const verdict = newerProfile(held && { version: held.profile.version, record: held.record }, {
      version: profile.version,
      record,
    })
    if (verdict === 'newer') return profile
    if (verdict === 'refused') {
      this.#refuse(peer, `version ${profile.version} is not above ${held?.profile.version}`)
    }
    return undefined
  }

  /** Keeps `record` as `peer`'s when #judge finds it good. */
  async #take(peer: Uint8Array, record: Uint8Array, as: 'friend' | 'member'): Promise<void> {
    const map = as === 'friend' ? this.#friendProfiles : this.#memberProfiles
    const peerHex = toHex(peer)
    const profile = this.#judge(peer, record, map.get(peerHex))
    if (profile == null) return
    if (as === 'friend') await this.#store.putFriend(peerHex, record)
    else await this.#components.store.put(MEMBER + peerHex, record, SYNC)
    map.set(peerHex, { profile, record })
    this.safeDispatchEvent(as === 'friend' ? 'profiles:friend' : 'profiles:member', {
      detail: { peer, profile },
    })
    this.#components.emit?.('profile:changed', {
      peerId: peerIdOf({ publicKey: peer }).toString(),
      own: false,
      profile: profileView(profile),
    })
  }

  /**
   * Our profile from another device of the account (own-device sync): kept when it is the
   * account's and newer than ours. Never throws for bad input.
   */
  receiveOwn(record: Uint8Array): Promise<void> {
    return this.#lifecycle.exclusive(async () => {
      let profile: OpenedFriendProfile
      try {
        profile = openFriendProfile(record)
      } catch (err) {
        this.#log('refused our profile from another device: %s', (err as Error).message)
        return
      }
      const account = accountKeyOf(this.#components.identity).publicKey
      if (!bytesEqual(profile.account, account)) return
      const held = this.#own
      const verdict = newerProfile(held && { version: held.profile.version, record: held.record }, {
        version: profile.version,
        record,
      })
      if (verdict !== 'newer') return
      await this.#store.putOwn(record)
      this.#own = { profile, record }
      this.#ownChanged(profile)
      void this.sendPending()
    })
  }

  /**
   * Hands our profile to messaging for every friend device not sent this version. Runs one
   * at a time, outside the exclusive sections: messaging queues it in the friend's lane,
   * where an incoming profile may be waiting for one (`receive`).
   */
  sendPending(): Promise<void> {
    const next = this.#sending.then(() =>
      this.running ? this.#lifecycle.track(() => this.#sendPendingNow()) : undefined,
    )
    this.#sending = next.catch(() => undefined)
    return next.catch((err) => {
      if (this.running) this.#log.error('sending our profile failed: %e', err)
    })
  }

  async #sendPendingNow(): Promise<void> {
    const messaging = this.#components.messaging()
    const own = this.#own
    // Every device of the account sends it: friends take it from any device their list names.
    if (messaging == null || own == null) return
    // A new friend hears our accept first: a profile before it would come from a stranger.
    await this.#components.friends.sendPending()
    const { version } = own.profile
    const payload = encodeFriendMessage({
      type: 'profile',
      requestId: ZERO_REQUEST_ID,
      note: '',
      name: '',
      profile: own.record,
    })
    await sendToFriendDevices(
      {
        friends: this.#components.friends,
        messaging,
        otherDevicesOf: (friend) => this.#components.otherDevicesOf?.(friend) ?? [],
        sent: this.#sent,
        store: this.#store,
        log: this.#log,
        what: 'profile',
      },
      payload,
      version,
    )
  }

  #ownChanged(profile: OpenedFriendProfile): void {
    this.safeDispatchEvent('profiles:own', { detail: profile })
    this.#components.emit?.('profile:changed', {
      peerId: peerIdOf(this.#components.identity).toString(),
      own: true,
      profile: profileView(profile),
    })
  }

  async #syncOwn(record: Uint8Array): Promise<void> {
    try {
      await this.#components.syncOwn?.(record)
    } catch (err) {
      this.#log.error('could not send our profile to our other devices: %e', err)
    }
  }

  async #load(): Promise<void> {
    const stored = await this.#store.loadRecords()
    const open = (what: string, record: Uint8Array): Held | undefined => {
      try {
        return { profile: openFriendProfile(record), record }
      } catch (err) {
        this.#log.error('dropped the stored profile of %s: %e', what, err)
        return undefined
      }
    }
    if (stored.own != null) this.#own = open('this account', stored.own)
    const account = accountKeyOf(this.#components.identity)
    const own = this.#own?.profile
    if (own != null && !bytesEqual(own.account, account.publicKey)) {
      // The account key changed (a rotation restarts the node under the new key): friends
      // take only a profile the key they know now signed.
      const { displayName, avatar } = own
      const version = Math.max(own.version + 1, this.#clock())
      const record = signFriendProfile(account, { version, displayName, ...(avatar && { avatar }) })
      await this.#store.putOwn(record)
      this.#own = { profile: openFriendProfile(record), record }
    }
    for (const [hex, record] of stored.friends) {
      const held = open(hex, record)
      if (held != null) this.#friendProfiles.set(hex, held)
    }
    for (const [hex, version] of stored.sent) this.#sent.set(hex, version)
    for (const [key, record] of stored.extra) {
      const [prefix, map] = key.startsWith(MEMBER)
        ? [MEMBER, this.#memberProfiles]
        : [AWAITING, this.#awaiting]
      if (!key.startsWith(prefix)) continue
      const hex = key.slice(prefix.length)
      const held = open(hex, record)
      if (held != null && bytesEqual(held.profile.account, fromHex(hex))) map.set(hex, held)
    }
  }

  async #forget(peerHex: string): Promise<void> {
    try {
      await this.#lifecycle.exclusive(async () => {
        const held = this.#friendProfiles.get(peerHex)
        await this.#store.forget(peerHex)
        this.#friendProfiles.delete(peerHex)
        this.#sent.delete(peerHex)
        // A friend no more may still be a member of one of our rooms: its face stays there.
        if (held != null && this.#components.sharesRoomWith?.(peerHex) === true) {
          if (!this.#memberProfiles.has(peerHex)) {
            await this.#components.store.put(MEMBER + peerHex, held.record, SYNC)
            this.#memberProfiles.set(peerHex, held)
          }
        }
      })
    } catch (err) {
      if (this.running) this.#log.error('could not forget the profile of %s: %e', peerHex, err)
    }
  }
}
