/**
 * Sends one of this account's signed records (its device list, its profile) to every friend
 * and each other device of the friend's account, through messaging (directly, or through the
 * mailbox while the friend is away). `sent/<device>` (node/friend-records-store.ts) records
 * the version messaging holds for each device, written only once messaging took it: a crash
 * in between sends it again, and the receiver takes the same record twice as a no-op.
 */
import type { Logger } from '@libp2p/interface'
import { toHex } from '../protocol/bytes.ts'
import type { FriendRecordsStore } from './friend-records-store.ts'
import type { SocialSender } from './friends/index.ts'

export interface FriendRecordFanOut {
  friends: { friendKeys(): Uint8Array[]; isFriend(peer: Uint8Array): boolean }
  messaging: SocialSender
  /** The devices of a friend's account other than its account key. */
  otherDevicesOf(friend: Uint8Array): Uint8Array[]
  /** The version messaging holds for each device, by hex key; updated here. */
  sent: Map<string, number>
  store: Pick<FriendRecordsStore, 'putSent'>
  log: Logger
  /** What is sent, for the log: "device list", "profile". */
  what: string
}

/** Hands `payload` (version `version`) to messaging for every device not sent it yet. */
export async function sendToFriendDevices(
  fanOut: FriendRecordFanOut,
  payload: Uint8Array,
  version: number,
): Promise<void> {
  const { friends, messaging, sent, store, log } = fanOut
  for (const friend of friends.friendKeys()) {
    for (const device of [friend, ...fanOut.otherDevicesOf(friend)]) {
      const hex = toHex(device)
      if ((sent.get(hex) ?? 0) >= version) continue
      try {
        await messaging.sendSocial(device, payload)
      } catch (err) {
        log.error('could not queue our %s for %s: %e', fanOut.what, hex, err)
        continue
      }
      if (!friends.isFriend(friend)) break
      await store.putSent(hex, version)
      sent.set(hex, version)
    }
  }
}
