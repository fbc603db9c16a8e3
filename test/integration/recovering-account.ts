/**
 * An account with a recovery commitment for the recovery tests: its own folder and keystore
 * (fast scrypt) made with a recovery phrase, the wait for a friend to pin the commitment its
 * device list carries, and a thief's copy of its folder.
 */
import { cp } from 'node:fs/promises'
import { Keystore } from '../../node/identity/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { waitUntil } from '../helpers/relay-network.ts'
import { type FriendNode, friendNodeFolder } from './friends-nodes.ts'

export const RECOVERY_SCRYPT = { N: 2 ** 10, r: 8, p: 1 }
export const RECOVERY_PASSWORD = 'correct horse battery staple'

/** A new account in a folder of its own, with its backup phrase and commitment. */
export async function recoveringAccount(prefix: string) {
  const dir = await friendNodeFolder(prefix)
  const keystore = new Keystore(dir.path, { scrypt: RECOVERY_SCRYPT })
  const { identity, backupPhrase } = await keystore.create(RECOVERY_PASSWORD)
  const { commitment } = await keystore.keyChain()
  return { dir, keystore, identity, backupPhrase, commitment }
}

/** Resolves once `friend` pinned `commitment` for the account `account`. */
export function commitmentPinned(
  friend: FriendNode,
  account: Uint8Array,
  commitment: Uint8Array,
): Promise<void> {
  return waitUntil(
    friend.node.friends,
    'friends:commitment',
    () =>
      toHex(friend.node.friends.recoveryCommitment(account) ?? new Uint8Array(0)) ===
      toHex(commitment),
    'the friend pins the account’s recovery commitment',
  )
}

/** A thief's copy of the (stopped) account's folder, and the keystore in it. */
export async function stolenCopy(dir: { path: string }, prefix: string) {
  const thiefDir = await friendNodeFolder(prefix)
  await cp(dir.path, thiefDir.path, { recursive: true })
  return { dir: thiefDir, keystore: new Keystore(thiefDir.path, { scrypt: RECOVERY_SCRYPT }) }
}
