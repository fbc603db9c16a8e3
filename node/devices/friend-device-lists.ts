/**
 * The reader's rule for friends' device lists (doc/accounts.md, "Records"): a list is taken
 * only when it opens (every signature by the account it names), names the friend it came
 * from as its account, and has a higher version than the one held. The same list again is a
 * no-op; a lower version (a replay of an old list, which could bring back a revoked device)
 * or another list under the same version is refused. Pure.
 */

import { type OpenedDeviceList, openDeviceList } from '../../protocol/accounts/index.ts'
import { bytesEqual } from '../../protocol/bytes.ts'

export type FriendListVerdict =
  | { status: 'newer'; list: OpenedDeviceList }
  | { status: 'same' }
  | { status: 'refused'; reason: string; version?: number }

export function judgeFriendList(
  friend: Uint8Array,
  held: { list: OpenedDeviceList; record: Uint8Array } | undefined,
  record: Uint8Array,
): FriendListVerdict {
  let list: OpenedDeviceList
  try {
    list = openDeviceList(record)
  } catch (err) {
    return { status: 'refused', reason: `it does not open: ${(err as Error).message}` }
  }
  const version = list.version
  if (!bytesEqual(list.account, friend)) {
    return { status: 'refused', reason: 'it is the list of another account', version }
  }
  if (held == null || version > held.list.version) return { status: 'newer', list }
  if (bytesEqual(held.record, record)) return { status: 'same' }
  return {
    status: 'refused',
    reason: `version ${version} is not above the version ${held.list.version} held`,
    version,
  }
}
