/**
 * A member on several devices. A member is an account key; each of its devices writes with
 * its own key (its own seq, its own sender chain), and its events count as the member's once
 * the device is *enrolled* in the room. The room log alone decides it, so every member
 * agrees, whoever is a friend of whom:
 * - A DEVICES op carries the account's signed device list (protocol/accounts). The account
 *   signed it: the account wants these devices. Its author signed the event: the author is
 *   the account or one of the devices the list names.
 * - A device is enrolled only by a DEVICES op it authored itself (the device consents): no
 *   member can claim another's device key, and no device is attributed to an account whose
 *   list does not name it.
 * - A list newer than the room holds for the account replaces it: enrolled devices it no
 *   longer names stop counting from that op on (a revocation). An older list does nothing.
 * - The account key itself always counts (device 1 of every account, and every member of a
 *   room made before devices: nothing changes for them).
 */
import { openDeviceList } from '../accounts/device-records.ts'
import { fromHex, toHex } from '../bytes.ts'
import { ProtocolError } from '../errors.ts'
import type { RoomOp } from '../proto/room.ts'
import { InvalidRoomDevicesError } from './errors.ts'

/** What the replay needs of a DEVICES op's list, worked out once when the event arrives. */
export interface RoomDeviceList {
  accountHex: string
  version: number
  /** Hex keys of the devices the list names (the account key among them when it is device 1). */
  devices: ReadonlySet<string>
  /** The account's recovery commitment the list carries (hex; empty: none). */
  nextRecovery: string
}

/** What the membership keeps of members' devices. */
export interface MemberDevices {
  /** Enrolled device key (hex, never an account key) -> its account (hex). */
  devices: ReadonlyMap<string, string>
  /** Account (hex) -> the newest list the room took for it. */
  deviceLists: ReadonlyMap<string, RoomDeviceList>
}

/**
 * Opens a DEVICES op's list and checks that it names `authorHex` (or is the author's own
 * account's list). Throws InvalidRoomDevicesError.
 */
export function readRoomDeviceList(
  authorHex: string,
  op: Pick<RoomOp, 'deviceList'>,
): RoomDeviceList {
  let opened: ReturnType<typeof openDeviceList>
  try {
    opened = openDeviceList(op.deviceList)
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err
    throw new InvalidRoomDevicesError(`the device list does not open: ${err.message}`)
  }
  const list: RoomDeviceList = {
    accountHex: toHex(opened.account),
    version: opened.version,
    devices: new Set(opened.devices.map((certificate) => toHex(certificate.device))),
    nextRecovery: toHex(opened.nextRecovery),
  }
  if (authorHex !== list.accountHex && !list.devices.has(authorHex)) {
    throw new InvalidRoomDevicesError(
      'a DEVICES op is authored by the account or a device it names',
    )
  }
  return list
}

/**
 * The member a key writes for: the key itself when it is a member (an account key), the
 * account of an enrolled device whose account is a member, else undefined.
 */
export function memberOf(
  state: MemberDevices & { members: ReadonlyMap<string, unknown> },
  keyHex: string,
): string | undefined {
  if (state.members.has(keyHex)) return keyHex
  const account = state.devices.get(keyHex)
  return account != null && state.members.has(account) ? account : undefined
}

/** The enrolled devices of `accountHex` (not the account key itself). */
export function devicesOf(state: MemberDevices, accountHex: string): string[] {
  return [...state.devices]
    .filter(([, account]) => account === accountHex)
    .map(([device]) => device)
}

/**
 * RoomOp.device_cuts for an op that ends the enrolled devices of `accountHex` (all but
 * `keep`): each device's highest seq the log holds, so its later events placed before the op
 * are void.
 */
export function deviceCutsFor(
  state: MemberDevices,
  accountHex: string,
  lastSeqOf: (keyHex: string) => number,
  keep: ReadonlySet<string> = new Set(),
): Array<{ device: Uint8Array; seq: number }> {
  return devicesOf(state, accountHex)
    .filter((device) => !keep.has(device))
    .map((device) => ({ device: fromHex(device), seq: lastSeqOf(device) }))
}

/**
 * The effect of a DEVICES op by `authorHex` whose list is `list`, for a member account:
 * undefined when it changes nothing (an older list, or the same list and nothing to enroll).
 */
export function applyDeviceList(
  state: MemberDevices,
  authorHex: string,
  list: RoomDeviceList,
): MemberDevices | undefined {
  const held = state.deviceLists.get(list.accountHex)
  const heldVersion = held?.version ?? 0
  if (list.version < heldVersion) return undefined
  const enrolls = authorHex !== list.accountHex && state.devices.get(authorHex) !== list.accountHex
  if (list.version === heldVersion && !enrolls) return undefined
  // An equal version from another signing of the same number: the first one taken stays.
  const current = list.version === heldVersion ? held! : list
  if (!current.devices.has(authorHex) && authorHex !== list.accountHex) return undefined
  const devices = new Map(state.devices)
  for (const [device, account] of state.devices) {
    if (account === list.accountHex && !current.devices.has(device)) devices.delete(device)
  }
  if (enrolls && current.devices.has(authorHex)) devices.set(authorHex, list.accountHex)
  const deviceLists = new Map(state.deviceLists).set(list.accountHex, current)
  return { devices, deviceLists }
}
