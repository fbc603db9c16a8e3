/**
 * Recovery through friends (doc/accounts.md): the owner's master secret M is split t-of-n
 * with `shamir-secret-sharing` (an audited implementation), and one share goes to each
 * chosen friend as an end-to-end encrypted friend message over the 1:1 session; the
 * friend's node keeps it sealed at rest (recovery-store.ts), one per friend, bounded.
 *
 * To recover on a new machine, the owner's node there asks the friends (`ask`); each
 * friend's node holds the request, bounded, until its user answers (`approve`, `decline`)
 * after comparing the six-digit code both screens show (recoveryRequestCode) out of band.
 * A released share travels back over the 1:1 session to the asking key. The asker keeps
 * only releases answering its own requests, and rebuilds M once `threshold` arrived
 * (`rebuild`), checking it against the commitment the friends report.
 *
 * Nothing here logs a share or a secret; messages that do not decode are logged and dropped.
 */
import type { Logger } from '@libp2p/interface'
import { TypedEventEmitter } from 'main-event'
import { combine, split } from 'shamir-secret-sharing'
import {
  decodeRecoveryShare,
  encodeRecoveryShare,
  type RecoveryShareFields,
  recoveryCommitment,
  recoveryKeyFromMasterSecret,
  recoveryRequestCode,
} from '../../protocol/accounts/index.ts'
import { bytesEqual, fromHex, toHex } from '../../protocol/bytes.ts'
import { randomBytes } from '../../protocol/crypto/index.ts'
import { MAX_PENDING_RECOVERY_REQUESTS, MAX_RECOVERY_FRIENDS } from '../../protocol/limits.ts'
import { encodeFriendMessage, type FriendMessageValue } from '../../protocol/social.ts'
import type { RecoveryEpoch, SocialSender } from '../friends/index.ts'
import type { AppLevel } from '../storage.ts'
import {
  InvalidRecoveryFriendsError,
  NotEnoughSharesError,
  RecoveryRequestNotFoundError,
} from './errors.ts'
import { type KeptShare, RecoveryStore } from './recovery-store.ts'

export interface RecoverySharesComponents {
  db: AppLevel
  friends: {
    isFriend(peer: Uint8Array): boolean
    recoveryEpoch(peer: Uint8Array): RecoveryEpoch | undefined
  }
  messaging: () => SocialSender | undefined
  log: Logger
}

/** A request waiting for this node's user. */
export interface RecoveryRequest {
  requestId: string
  /** The account asked about (the friend we keep the share for), hex. */
  account: string
  /** The key that asks (the owner's new machine, if the code matches), hex. */
  requester: string
  /** Six digits to compare with the owner out of band. */
  code: string
  at: number
}

/** One of our requests, as the asking machine tracks it. */
export interface AskedFriend {
  requestId: string
  peer: string
  code: string
  state: 'asked' | 'released' | 'declined'
}

export interface RecoverySharesEvents {
  /** A friend gave us a share to keep (`friend`, hex). */
  'recovery:kept': CustomEvent<{ friend: string }>
  'recovery:request': CustomEvent<RecoveryRequest>
  'recovery:answer': CustomEvent<AskedFriend>
}

const ZERO_ID = new Uint8Array(16)

export class RecoveryShares extends TypedEventEmitter<RecoverySharesEvents> {
  readonly #components: RecoverySharesComponents
  readonly #store: RecoveryStore
  readonly #pending = new Map<string, RecoveryRequest>()
  readonly #asked = new Map<string, AskedFriend & { account: string }>()
  readonly #released = new Map<string, RecoveryShareFields>()

  constructor(components: RecoverySharesComponents) {
    super()
    this.#components = components
    this.#store = new RecoveryStore(components.db)
  }

  async start(): Promise<void> {
    await this.#store.load()
  }

  async stop(): Promise<void> {}

  /**
   * Splits `master` (the account's master secret, from its phrase) `threshold`-of-n among
   * `peers` (friends' keys) and sends each its share. `account` is the account's epoch
   * first key (its original key until a recovery).
   */
  async split(
    master: Uint8Array,
    account: Uint8Array,
    threshold: number,
    peers: Uint8Array[],
  ): Promise<void> {
    const distinct = new Set(peers.map(toHex))
    if (distinct.size !== peers.length || peers.length > MAX_RECOVERY_FRIENDS) {
      throw new InvalidRecoveryFriendsError(
        `name 2..${MAX_RECOVERY_FRIENDS} different friends, got ${peers.length}`,
      )
    }
    if (!Number.isInteger(threshold) || threshold < 2 || threshold > peers.length) {
      throw new InvalidRecoveryFriendsError(
        `the threshold is 2..${peers.length} (the friends named), got ${threshold}`,
      )
    }
    const stranger = peers.find((peer) => !this.#components.friends.isFriend(peer))
    if (stranger != null) {
      throw new InvalidRecoveryFriendsError(`${toHex(stranger)} is not a friend: add them first`)
    }
    const shares = await split(master, peers.length, threshold)
    for (const [index, peer] of peers.entries()) {
      const recovery = encodeRecoveryShare('share', { account, threshold, share: shares[index] })
      await this.#send(peer, { type: 'recovery-share', requestId: ZERO_ID, recovery })
    }
  }

  /** Shares this node keeps for friends. */
  kept(): Array<{ friend: string } & Omit<KeptShare, 'share'>> {
    return this.#store.entries().map(([friend, { account, threshold, at }]) => ({
      friend,
      account,
      threshold,
      at,
    }))
  }

  /** Requests waiting for this node's user, oldest first. */
  requests(): RecoveryRequest[] {
    return [...this.#pending.values()]
  }

  /** Releases the share a pending request asks for, to the key that asked. */
  async approve(requestId: string): Promise<void> {
    const request = this.#pending.get(requestId)
    const kept = request == null ? undefined : this.#store.forAccount(request.account)
    const epoch = request && this.#components.friends.recoveryEpoch(fromHex(request.account))
    if (request == null || kept == null || epoch == null) {
      // The request stays: a commitment not pinned yet may arrive with the friend's device list.
      throw new RecoveryRequestNotFoundError(
        `no request ${requestId}, or no share and pinned commitment for its account`,
      )
    }
    this.#take(requestId)
    const recovery = encodeRecoveryShare('release', {
      account: epoch.account,
      threshold: kept.threshold,
      share: fromHex(kept.share),
      epochSequence: epoch.sequence,
      recoveries: epoch.recoveries,
      commitment: epoch.commitment,
    })
    await this.#send(fromHex(request.requester), {
      type: 'recovery-release',
      requestId: fromHex(requestId),
      recovery,
    })
  }

  /** Declines a pending request; the asker is told. */
  async decline(requestId: string): Promise<void> {
    const request = this.#take(requestId)
    await this.#send(fromHex(request.requester), {
      type: 'recovery-decline',
      requestId: fromHex(requestId),
    })
  }

  /**
   * Asks each of `peers` for the share it keeps for `account` (hex, the key they know the
   * account by); `self` is this node's key, for the codes. Returns what to show per friend.
   */
  async ask(account: string, peers: Uint8Array[], self: Uint8Array): Promise<AskedFriend[]> {
    const asked: AskedFriend[] = []
    for (const peer of peers) {
      const requestId = randomBytes(16)
      const entry = {
        requestId: toHex(requestId),
        peer: toHex(peer),
        code: recoveryRequestCode(requestId, self),
        state: 'asked' as const,
        account,
      }
      this.#asked.set(entry.requestId, entry)
      const recovery = encodeRecoveryShare('request', { account: fromHex(account) })
      await this.#send(peer, { type: 'recovery-request', requestId, recovery })
      asked.push(entry)
    }
    return asked
  }

  /** Our requests and how each was answered. */
  asked(): AskedFriend[] {
    return [...this.#asked.values()]
  }

  /**
   * M rebuilt from the shares released so far, checked against the commitment the friends
   * report, with where the chain stands. NotEnoughSharesError while fewer than the threshold.
   */
  async rebuild(): Promise<{ master: Uint8Array; epoch: RecoveryEpoch; friends: string[] }> {
    const released = [...this.#released.entries()]
    const threshold = released[0]?.[1].threshold ?? 2
    if (released.length < threshold) {
      throw new NotEnoughSharesError(
        `${released.length} of ${threshold} shares released so far: ask more friends, or wait`,
      )
    }
    const [, first] = released[0]
    const master = await combine(released.map(([, fields]) => fields.share))
    const key = recoveryKeyFromMasterSecret(master, first.recoveries)
    if (!bytesEqual(recoveryCommitment(key.publicKey), first.commitment)) {
      throw new NotEnoughSharesError('the released shares do not rebuild the committed secret')
    }
    const epoch = {
      account: first.account,
      sequence: first.epochSequence,
      recoveries: first.recoveries,
      commitment: first.commitment,
    }
    const friends = [...new Set([...this.#asked.values()].map((entry) => entry.peer))]
    return { master, epoch, friends }
  }

  /** A recovery friend message from `peer`; never throws for bad input. */
  async receive(peer: Uint8Array, message: FriendMessageValue): Promise<void> {
    const peerHex = toHex(peer)
    const requestId = toHex(message.requestId)
    try {
      switch (message.type) {
        case 'recovery-share': {
          if (!this.#components.friends.isFriend(peer)) return
          const fields = decodeRecoveryShare('share', message.recovery ?? new Uint8Array(0))
          const kept = await this.#store.keep(peerHex, {
            account: toHex(fields.account),
            threshold: fields.threshold,
            share: toHex(fields.share),
            at: Date.now(),
          })
          if (!kept) this.#components.log('refused a recovery share from %s: store full', peerHex)
          else this.safeDispatchEvent('recovery:kept', { detail: { friend: peerHex } })
          return
        }
        case 'recovery-request': {
          const fields = decodeRecoveryShare('request', message.recovery ?? new Uint8Array(0))
          const account = toHex(fields.account)
          if (this.#store.forAccount(account) == null) return
          const request: RecoveryRequest = {
            requestId,
            account,
            requester: peerHex,
            code: recoveryRequestCode(message.requestId, peer),
            at: Date.now(),
          }
          this.#pending.set(requestId, request)
          // Bounded: the oldest waiting request goes first.
          if (this.#pending.size > MAX_PENDING_RECOVERY_REQUESTS) {
            this.#pending.delete(this.#pending.keys().next().value as string)
          }
          this.safeDispatchEvent('recovery:request', { detail: request })
          return
        }
        case 'recovery-release':
        case 'recovery-decline': {
          const asked = this.#asked.get(requestId)
          if (asked == null || asked.peer !== peerHex || asked.state !== 'asked') return
          if (message.type === 'recovery-release') {
            const fields = decodeRecoveryShare('release', message.recovery ?? new Uint8Array(0))
            this.#released.set(requestId, fields)
            asked.state = 'released'
          } else {
            asked.state = 'declined'
          }
          this.safeDispatchEvent('recovery:answer', { detail: { ...asked } })
          return
        }
      }
    } catch (err) {
      this.#components.log.error(
        'dropped a %s from %s: %s',
        message.type,
        peerHex,
        (err as Error).message,
      )
    }
  }

  #take(requestId: string): RecoveryRequest {
    const request = this.#pending.get(requestId)
    if (request == null) {
      throw new RecoveryRequestNotFoundError(`no recovery request ${requestId} waits for an answer`)
    }
    this.#pending.delete(requestId)
    return request
  }

  async #send(
    peer: Uint8Array,
    message: Pick<FriendMessageValue, 'type' | 'requestId' | 'recovery'>,
  ): Promise<void> {
    const messaging = this.#components.messaging()
    if (messaging == null) throw new RecoveryRequestNotFoundError('messaging is not running')
    await messaging.sendSocial(peer, encodeFriendMessage({ note: '', name: '', ...message }))
  }
}
