/**
 * Own-device sync (doc/accounts.md, "Messaging across devices"): what the user does on this
 * device that the account's other devices follow, and what they tell us. A read mark when a
 * conversation or a room is read here, a cleared mark when its history is deleted here, and the
 * account's device list (node/devices sends it), each as a `device-sync` friend message to
 * every other current device of the account: end-to-end encrypted over the per-device
 * session, sent directly or through the mailbox like any message.
 *
 * Guarantees, and how:
 * - only our own devices are heard: a sync from any other key is dropped and logged (and one
 *   from a revoked device never decrypts: messaging drops it like a blocked peer's);
 * - idempotent: marks are applied by synced-marks.ts, which never raises an unread count nor
 *   deletes past the mark; a room's read mark only moves forward (node/rooms); a device list
 *   is judged by version (node/devices);
 * - a read mark whose text has not arrived yet (the mailbox may bring a device's sync before
 *   the peer's texts) is kept, one per conversation, in memory and on disk (written in the
 *   batch that found its text missing, so a restart keeps it: `start` loads them), and applied
 *   when the text arrives (reader `device-sync` of the history feed);
 * - bounded: a read mark goes only when something was unread here, one message carries one
 *   mark (MAX_DEVICE_SYNC_SIZE), and at most MAX_MARKS_AHEAD marks wait for their text.
 */
import type { Logger } from '@libp2p/interface'
import { bytesEqual, fromHex, toHex } from '../../protocol/bytes.ts'
import {
  type DeviceSyncValue,
  decodeDeviceSync,
  encodeDeviceSync,
  type FriendSyncEntry,
} from '../../protocol/device-sync.ts'
import { MAX_DEVICE_SYNC_IDS } from '../../protocol/limits.ts'
import type { ConversationClearedEvent, ConversationReadEvent } from '../../protocol/local-api.ts'
import { encodeFriendMessage } from '../../protocol/social.ts'
import { peerIdOf } from '../identity/index.ts'
import { copyId } from './device-fan-out.ts'
import { HiddenCopies } from './hidden-copies.ts'
import type { HistoryChange } from './history-feed.ts'
import type { MessagePipeline } from './message-pipeline.ts'
import type { AccountDevicesPort } from './ports.ts'
import { type DeviceMark, syncId } from './synced-marks.ts'

const ZERO_REQUEST_ID = new Uint8Array(16)
/** Conversations whose read mark waits for its text, at most (a mark past it is not kept). */
const MAX_MARKS_AHEAD = 1_000

export interface OwnDeviceSyncInit {
  pipeline: MessagePipeline
  devices: AccountDevicesPort
  myKey: Uint8Array
  log: Logger
  /** Our account's device list from another of its devices (node/devices judges it). */
  takeOwnList?(from: Uint8Array, record: Uint8Array): Promise<void>
  /** Our account's profile from another of its devices (node/profiles judges it). */
  takeOwnProfile?(record: Uint8Array): Promise<void>
  /** A room read on another device of ours up to Lamport time `lamport` (node/rooms). */
  takeRoomRead?(roomIdHex: string, lamport: number): void
  /** Where the friend list stands with `peer` on another device of ours (node/friends). */
  takeFriend?(from: Uint8Array, peer: Uint8Array, entry: FriendSyncEntry): Promise<void>
  /**
   * The files of texts deleted here as another device did (node/attachments forgets them),
   * and with `compact`, a whole history deleted: the database is compacted, as on the device
   * where the user deleted (node/conversations).
   */
  forgetDeleted?(files: string[], compact: boolean): Promise<void>
  /** Tells API clients what a mark changed here. */
  emit(type: 'conversation:read', data: ConversationReadEvent): void
  emit(type: 'conversation:cleared', data: ConversationClearedEvent): void
}

export class OwnDeviceSync {
  readonly #init: OwnDeviceSyncInit
  /** The conversation's texts that arrived elsewhere: deleted with it. */
  readonly #hidden: HiddenCopies
  readonly #deleting = new Set<Promise<void>>()
  /** Read marks whose text is not here yet, per conversation (the newest one each), as on disk. */
  readonly #ahead = new Map<string, DeviceMark>()

  constructor(init: OwnDeviceSyncInit) {
    this.#init = init
    this.#hidden = new HiddenCopies(init.pipeline, init.devices)
  }

  /** Resolves once the deletions started by syncs taken so far are done. */
  async stop(): Promise<void> {
    await Promise.all(this.#deleting)
  }

  /**
   * Deletes the texts of a conversation that arrived elsewhere once the batch taking this
   * sync is committed, then forgets the files of all it deleted: the device that sent it
   * keeps a conversation here among those walked, and its lane is the one running now, so
   * awaiting it here would wait for ourselves. A crash in between leaves those copies (and
   * files) until the conversation is deleted again. `then` tells API clients, once the copies
   * and files went (or failed to).
   */
  #afterThisBatch(deleteCopies: () => Promise<unknown>, then: () => void): void {
    const done = deleteCopies()
      .catch((err: Error) => {
        this.#init.log.error('deleting copies or files of a conversation failed: %s', err.message)
      })
      .then(then)
    this.#deleting.add(done)
    void done.finally(() => this.#deleting.delete(done))
  }

  /** Loads the read marks that waited for their text when the node last stopped. */
  async start(): Promise<void> {
    for (const [peerHex, mark] of await this.#init.pipeline.marks.marksAhead()) {
      this.#ahead.set(peerHex, mark)
    }
  }

  /** The conversation with `peer` was read here: the other devices read it up to the same text. */
  async read(peer: Uint8Array): Promise<void> {
    if (!this.#syncs(peer)) return
    const upTo = await this.#init.pipeline.marks.newestId(peer, true)
    if (upTo != null) await this.#send({ kind: 'read', peer, upTo: fromHex(upTo) })
  }

  /** The history with `peer` was deleted here up to record `upTo` (none: it was empty). */
  async cleared(peer: Uint8Array, upTo: string | undefined): Promise<void> {
    if (!this.#syncs(peer)) return
    await this.#send({ kind: 'cleared', peer, upTo: upTo == null ? undefined : fromHex(upTo) })
  }

  /**
   * Messages of the conversation with `peer` are about to be deleted here (delete for me): the
   * other devices delete them too. Call it before deleting: it reads their records.
   */
  async deleting(peer: Uint8Array, ids: string[]): Promise<void> {
    if (!this.#syncs(peer) || this.#init.devices.ownOtherDevices().length === 0) return
    const known = await this.#init.pipeline.marks.syncIds(peer, ids)
    for (let i = 0; i < known.length; i += MAX_DEVICE_SYNC_IDS) {
      const chunk = known.slice(i, i + MAX_DEVICE_SYNC_IDS).map((id) => fromHex(id))
      await this.#send({ kind: 'deleted', peer, ids: chunk })
    }
  }

  /** The room was read here up to its events of Lamport time `lamport`: so it is on the others. */
  async roomRead(roomIdHex: string, lamport: number): Promise<void> {
    if (lamport <= 0) return
    await this.#send({ kind: 'room-read', room: fromHex(roomIdHex), lamport })
  }

  /** Sends our account's signed list to `devices` (our other devices, or one just revoked). */
  async sendList(record: Uint8Array, devices: Uint8Array[]): Promise<void> {
    await this.#send({ kind: 'list', deviceList: record }, devices)
  }

  /** Sends our account's signed profile to our other devices. */
  async sendProfile(record: Uint8Array): Promise<void> {
    await this.#send({ kind: 'profile', profile: record })
  }

  /**
   * A `device-sync` friend message from `from`, decrypted by messaging, inside `from`'s lane
   * (so it waits only on other lanes). Never throws for bad input.
   */
  async take(from: Uint8Array, payload: Uint8Array, sentAtMs: number): Promise<void> {
    const { devices, pipeline, log } = this.#init
    if (!devices.isOwnDevice(from)) {
      log('dropped a device sync from %s, not a device of this account', toHex(from))
      return
    }
    let sync: DeviceSyncValue
    try {
      sync = decodeDeviceSync(payload)
    } catch (err) {
      log.error('dropped a malformed device sync from %s: %s', toHex(from), (err as Error).message)
      return
    }
    if (sync.kind === 'list') {
      await this.#init.takeOwnList?.(from, sync.deviceList)
      return
    }
    if (sync.kind === 'profile') {
      await this.#init.takeOwnProfile?.(sync.profile)
      return
    }
    if (sync.kind === 'room-read') {
      this.#init.takeRoomRead?.(toHex(sync.room), sync.lamport)
      return
    }
    // A conversation with one of our own devices (or ourselves) is never synced.
    if (!this.#syncs(sync.peer)) return
    if (sync.kind === 'friend') {
      await this.#init.takeFriend?.(from, sync.peer, sync.entry)
      return
    }
    const peerId = peerIdOf({ publicKey: sync.peer }).toString()
    if (sync.kind === 'deleted') {
      // Here a text is known by that id, or as the copy made of it for this device.
      const ids = sync.ids.flatMap((id) => [toHex(id), toHex(copyId(toHex(id), this.#init.myKey))])
      const { deleted, files } = await pipeline.deleteForMe(sync.peer, ids)
      this.#afterThisBatch(
        async () => {
          files.push(...(await this.#hidden.delete(sync.peer, ids)))
          if (files.length > 0) await this.#init.forgetDeleted?.(files, false)
        },
        () => deleted > 0 && this.#init.emit('conversation:cleared', { peerId, deleted }),
      )
      return
    }
    const mark = { upTo: sync.upTo == null ? undefined : toHex(sync.upTo), sentAtMs }
    if (sync.kind === 'read') {
      await this.#takeRead(sync.peer, mark)
      return
    }
    const { deleted, files } = await pipeline.marks.takeCleared(sync.peer, mark)
    if (deleted === 0) return
    log('deleted %d records with %s, as another device did', deleted, peerId)
    // What arrived elsewhere goes whole: it is shown under the peer only as a copy.
    this.#afterThisBatch(
      async () => {
        files.push(...(await this.#hidden.clear(sync.peer)))
        await this.#init.forgetDeleted?.(files, true)
      },
      () => this.#init.emit('conversation:cleared', { peerId, deleted }),
    )
  }

  /**
   * A page of the history feed (reader `device-sync`): a text a read mark named, arriving
   * after the mark (the mailbox may bring a device's sync before the peer's texts), is read
   * with everything before it.
   */
  async takeArrived(entries: HistoryChange[]): Promise<undefined> {
    for (const entry of entries) {
      if (entry.kind !== 'added' || entry.record.direction !== 'in') continue
      const ahead = this.#ahead.get(entry.peerHex)
      if (ahead?.upTo !== syncId(entry.record)) continue
      this.#ahead.delete(entry.peerHex)
      await this.#takeRead(fromHex(entry.peerHex), ahead)
    }
    return undefined
  }

  async #takeRead(peer: Uint8Array, mark: DeviceMark): Promise<void> {
    const { devices, pipeline } = this.#init
    const peerHex = toHex(peer)
    const keepAhead = this.#ahead.has(peerHex) || this.#ahead.size < MAX_MARKS_AHEAD
    const { unread, found } = await pipeline.marks.takeRead(peer, mark, { keepAhead })
    if (found) this.#ahead.delete(peerHex)
    else if (keepAhead) this.#ahead.set(peerHex, mark)
    if (unread == null) return
    if (unread === 0) {
      // All read: the texts the peer's other devices sent (shown under it) are read too.
      for (const device of devices.otherDevicesOf(peer)) {
        await pipeline.marks.readQuietly(device.key)
      }
    }
    this.#init.emit('conversation:read', {
      peerId: peerIdOf({ publicKey: peer }).toString(),
      unread,
    })
  }

  #syncs(peer: Uint8Array): boolean {
    const { devices, myKey } = this.#init
    return !bytesEqual(peer, myKey) && !devices.isOwnDevice(peer)
  }

  async #send(sync: DeviceSyncValue, to?: Uint8Array[]): Promise<void> {
    const { devices, pipeline, log } = this.#init
    const targets = to ?? devices.ownOtherDevices().map((device) => device.key)
    if (targets.length === 0) return
    const payload = encodeFriendMessage({
      type: 'device-sync',
      requestId: ZERO_REQUEST_ID,
      note: '',
      name: '',
      deviceSync: encodeDeviceSync(sync),
    })
    for (const device of targets) {
      try {
        await pipeline.sendSocial(device, payload)
      } catch (err) {
        log.error('could not queue a device sync for %s: %s', toHex(device), (err as Error).message)
      }
    }
  }
}
