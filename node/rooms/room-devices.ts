/**
 * Our account's devices in our rooms (doc/rooms.md, "A member on several devices"). The room
 * log decides who writes for a member (protocol/rooms/member-devices.ts); this part puts our
 * account's signed device list there and follows it.
 *
 * Guarantees, and how they are kept:
 * - Every device of ours reads what we write: our account's other current devices are
 *   readers of every room we are in (`ownDevices`, used by RoomKeys), so each gets our chain
 *   sealed to its own key, enrolled or not.
 * - A room we are in reaches our other devices: a device that gets a bundle from one of our
 *   devices for a room it does not hold fetches the room from that device (`unknownRoom`:
 *   the device serves its own account's devices like members) and enrols, by publishing a
 *   DEVICES op with the account's list; from then on every member hands it its chain and
 *   takes its events as our account's.
 * - A device our account revokes reads nothing written after we learn of it: when our list
 *   changes, every room we are in gets the newer list (a DEVICES op, which makes every member
 *   drop the device and rekey), and we drop what waited for it and rekey at once ourselves.
 * - A room joined on a linked device is joined by the account: the JOIN carries our list
 *   (`joinFields`), so our other devices find it as above.
 * - A revoked device (our own list no longer names us) publishes no list.
 */
import type { Logger, PeerId } from '@libp2p/interface'
import { fromHex } from '../../protocol/bytes.ts'
import { deviceCutsFor, RoomOpKind } from '../../protocol/rooms/index.ts'
import { peerIdOf } from '../identity/index.ts'
import type { OwnEvents } from './own-events.ts'
import type { RoomGossip } from './room-gossip.ts'
import type { RoomKeys } from './room-keys.ts'
import type { RoomRegistry } from './room-registry.ts'
import type { RoomRuntime } from './room-runtime.ts'
import type { RoomSync } from './room-sync.ts'

/** Our account's device list as the rooms need it (from node/devices). */
export interface OwnDeviceList {
  /** The signed list, as it travels (SignedRecord, DEVICE_LIST_DOMAIN). */
  record: Uint8Array
  version: number
  /** Hex keys of the account's current devices (the account key among them for device 1). */
  devices: readonly string[]
}

export interface RoomDevicesComponents {
  /** This device's key, which signs our events. */
  selfHex: string
  /** The member we write for: our account key. */
  accountHex: string
  /** Our account's current list; undefined while the node keeps none (a single device). */
  ownList(): OwnDeviceList | undefined
  rooms: RoomRegistry
  own: Pick<OwnEvents, 'publishOp'>
  keys: Pick<RoomKeys, 'drop' | 'rekey' | 'share'>
  gossip: Pick<RoomGossip, 'subscribe'>
  fetchRoom(roomId: Uint8Array, peer: PeerId): Promise<RoomRuntime | undefined>
  syncWith(room: RoomRuntime, peer: PeerId): Promise<number>
  sync: Pick<RoomSync, 'dialMembers' | 'connectedMembers'>
  /** We are in the room again: write it, take the topic, hand our chain (RoomMembership). */
  rejoined(room: RoomRuntime): Promise<void>
  log: Logger
}

export class RoomDevices {
  private readonly components: RoomDevicesComponents
  /**
   * Our other devices as last seen, to tell which a new list added or dropped. Empty at
   * first: on start every device of ours is handed our chain again (the receiver keeps one).
   */
  private known: ReadonlySet<string> = new Set()
  /** Rooms being fetched from one of our devices: once at a time each. */
  private readonly fetching = new Set<string>()

  constructor(components: RoomDevicesComponents) {
    this.components = components
  }

  /** Our account's other current devices (hex); none once our list no longer names us. */
  ownDevices(): string[] {
    const list = this.components.ownList()
    if (list == null || !list.devices.includes(this.components.selfHex)) return []
    return list.devices.filter((device) => device !== this.components.selfHex)
  }

  /**
   * What our JOIN carries: on a linked device, our account's list, so that the account joins
   * and this device is enrolled with it; nothing on the account key's own device.
   */
  joinFields(): { deviceList?: Uint8Array } {
    const list = this.components.ownList()
    const { selfHex, accountHex } = this.components
    if (selfHex === accountHex || list == null || !list.devices.includes(selfHex)) return {}
    return { deviceList: list.record }
  }

  /** Whether our account is a member of the room (through any of its devices). */
  accountIsMember(room: RoomRuntime): boolean {
    return room.log.membership().members.has(this.components.accountHex)
  }

  /**
   * Puts our list in the room when the room lacks it: the room holds an older version for our
   * account, or this device (not the account key) is not enrolled yet.
   */
  async enrol(room: RoomRuntime): Promise<void> {
    const { selfHex, accountHex, own } = this.components
    const list = this.components.ownList()
    if (list == null || !list.devices.includes(selfHex) || !this.accountIsMember(room)) return
    const state = room.log.membership()
    const held = state.deviceLists.get(accountHex)?.version ?? 0
    const enrolled = selfHex === accountHex || state.devices.get(selfHex) === accountHex
    if (held >= list.version && enrolled) return
    // A single-device account has nothing to tell a room that holds no list of it (every
    // room made before devices): it stays as it was.
    if (held === 0 && list.devices.length === 1 && enrolled) return
    if (held > list.version) return // The room knows a newer list: ours arrives soon.
    await own.publishOp(room, {
      kind: RoomOpKind.DEVICES,
      deviceList: list.record,
      deviceCuts: endingDeviceCuts(room, accountHex, new Set(list.devices)),
    })
  }

  /** At start, and whenever our list changes: follow it in every room we are in. */
  async listChanged(): Promise<void> {
    // A revoked device has nothing to put anywhere: its account keys it out.
    if (!this.components.ownList()?.devices.includes(this.components.selfHex)) return
    const now = new Set(this.ownDevices())
    const dropped = [...this.known].filter((device) => !now.has(device))
    const added = [...now].filter((device) => !this.known.has(device))
    this.known = now
    for (const room of this.components.rooms.all()) {
      if (!room.meta.joined || !this.accountIsMember(room)) continue
      try {
        // Devices the room's list named or we handed our chain to, that our list no longer
        // names (revoked while we were stopped, or now).
        const held = room.log.membership().deviceLists.get(this.components.accountHex)
        const gone = new Set([...dropped, ...(held?.devices ?? [])].filter((d) => !now.has(d)))
        gone.delete(this.components.selfHex)
        await this.enrol(room)
        if (gone.size > 0) {
          // The DEVICES op makes every member drop them; we rekey whether ours were enrolled
          // or not.
          for (const device of gone) this.components.keys.drop(room, device)
          this.components.keys.rekey(room)
        } else if (added.length > 0) {
          // A new device of ours reads from now on; the bundle is how it finds the room.
          this.components.keys.share(room, added)
        }
      } catch (err) {
        this.components.log.error('room %s: our device list not put: %e', room.log.roomIdHex, err)
      }
    }
  }

  /**
   * One of our devices handed us its chain for a room we do not hold: fetch the room from it,
   * take the topic and enrol. Errors are logged; the device's retry brings us here again.
   */
  unknownRoom(roomIdHex: string, deviceHex: string): void {
    if (this.fetching.has(roomIdHex)) return
    this.fetching.add(roomIdHex)
    void this.fetchAndEnrol(roomIdHex, peerIdOf({ publicKey: fromHex(deviceHex) }))
      .catch((err) => {
        this.components.log.error('room %s from our device: %e', roomIdHex, err)
      })
      .finally(() => this.fetching.delete(roomIdHex))
  }

  private async fetchAndEnrol(roomIdHex: string, device: PeerId): Promise<void> {
    const { rooms, gossip, fetchRoom, syncWith, sync, rejoined, log } = this.components
    const room = rooms.get(roomIdHex) ?? (await fetchRoom(fromHex(roomIdHex), device))
    if (room == null || !this.accountIsMember(room)) {
      log('room %s: our device %p gave no room our account is in', roomIdHex, device)
      return
    }
    room.meta.joined = true
    gossip.subscribe(room)
    await this.enrol(room)
    // Our chain to every reader (a device already enrolled, or the account key, posts no op).
    await rejoined(room)
    // Members seeing us ahead pull our DEVICES op back at once, before the gossip mesh has
    // formed: then they hand us their chains.
    await sync.dialMembers(room)
    const peers = [device, ...sync.connectedMembers(room).filter((peer) => !peer.equals(device))]
    await Promise.all(peers.map((peer) => syncWith(room, peer)))
  }
}

/**
 * RoomOp.device_cuts for an op that ends the enrolled devices of `accountHex` (all but
 * `keep`): where each one's events end, as this device saw them.
 */
export function endingDeviceCuts(
  room: RoomRuntime,
  accountHex: string,
  keep?: ReadonlySet<string>,
): Array<{ device: Uint8Array; seq: number }> {
  const log = room.log
  return deviceCutsFor(log.membership(), accountHex, (key) => log.lastSeqOf(key), keep)
}
