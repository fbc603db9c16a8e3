/**
 * What the friends component (friends.ts) is built with and what it offers the parts that
 * follow it: the ports it needs of messaging, the username directory and the devices, its
 * options, and its events.
 */
import type { AbortOptions, Logger } from '@libp2p/interface'
import type { NodeEventMap } from '../../protocol/local-api.ts'
import type { FriendMessageValue } from '../../protocol/social.ts'
import type { Identity } from '../identity/index.ts'
import type { AppLevel } from '../storage.ts'
import type { FriendDevices } from './account-reach.ts'

/** What friends need from messaging: queue one social message for a peer. */
export interface SocialSender {
  sendSocial(peer: Uint8Array, payload: Uint8Array): Promise<{ id: string }>
}

/** What friends need from the username directory (node/directory). */
export interface FriendDirectory {
  /**
   * The verified owner of `name` (`alice` or `alice@<relay peer id>`). Throws an error named
   * `NameNotFoundError` when no relay knows the name.
   */
  lookup(name: string, options?: AbortOptions): Promise<{ publicKey: string; scopedName: string }>
  /** The name we tell the people we ask (`name@<relay peer id>`), if we have one. */
  ownName(): Promise<string | undefined>
}

/** What takes a friend's signed record: a device list (node/devices), a profile (node/profiles). */
export interface DeviceListInbox {
  /** Resolves once the record is stored or refused; never throws for bad input. */
  receive(peer: Uint8Array, record: Uint8Array): Promise<void>
}

export type FriendEventType =
  | 'friend:request'
  | 'friend:accepted'
  | 'friend:rejected'
  | 'friend:removed'
  | 'friend:key-changed'

export interface FriendsComponents {
  /** The sublevel friends own. */
  db: AppLevel
  identity: Identity
  /** Messaging, once it exists (it is built after friends, since it asks them whom to drop). */
  messaging: () => SocialSender | undefined
  directory?: FriendDirectory
  /** Where friends' device lists go (node/devices), once it exists. */
  deviceLists?: () => DeviceListInbox | undefined
  /** Where friends' profiles go (node/profiles), once it exists. */
  profiles?: () => DeviceListInbox | undefined
  /** Where recovery share messages go (node/recovery), once it exists. */
  recoveryShares?: () =>
    | { receive(peer: Uint8Array, message: FriendMessageValue): Promise<void> }
    | undefined
  /**
   * The account's other devices (node/devices), once known: the friend list is kept alike on
   * all of them (friend-sync.ts). Without it the list is this device's alone.
   */
  devices?: () => FriendDevices | undefined
  log: Logger
  emit<T extends FriendEventType>(type: T, data: NodeEventMap[T]): void
}

export interface FriendsInit {
  /** How often friend messages that messaging did not take yet are offered again. @default 10000 */
  retryIntervalMs?: number
  /** Longest wait for a username lookup. @default 15000 */
  lookupTimeoutMs?: number
  /**
   * Longest wait for a stranger's device list in the DHT before a request or answer to it
   * (account-reach.ts); without one, it goes to the account key alone. @default 5000
   */
  deviceLookupTimeoutMs?: number
}

/** For components that follow the friend list (presence): `peer` is a raw Ed25519 key. */
export interface FriendsEvents {
  'friends:changed': CustomEvent<{ peer: Uint8Array; friend: boolean }>
  /** A friend's account moved to a new key: its conversation moves with it. */
  'friends:key-changed': CustomEvent<{ previous: Uint8Array; current: Uint8Array }>
  /** A friend's recovery commitment was pinned. */
  'friends:commitment': CustomEvent<{ peer: Uint8Array }>
}
