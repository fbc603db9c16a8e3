/**
 * An account on several devices for the multi-device tests and benchmark: alice's running
 * node links a new device (a new folder, its own device key), which starts beside her; every
 * friend of alice given here holds her list naming every device before this resolves.
 */
import { linkNewDevice } from '../../node/devices/index.ts'
import type { Identity } from '../../node/identity/index.ts'
import { Keystore, type TokenimNode } from '../../node/index.ts'
import type { HistoryChoice } from '../../protocol/local-api.ts'
import type { RelayNode } from '../../relay/index.ts'
import { FAST_SCRYPT } from '../helpers/api-daemon.ts'
import { waitForEvent } from '../helpers/wait.ts'
import { befriend, type FriendNode, friendNodeFolder, startFriendNode } from './friends-nodes.ts'

export const LINKED_DEVICE_PASSWORD = 'correct horse battery staple'

export async function linkDevice(
  relay: RelayNode,
  account: FriendNode,
  friends: FriendNode[],
  deviceName = 'phone',
  options: { history?: HistoryChoice } = {},
): Promise<FriendNode> {
  const { dir, identity } = await linkDeviceFolder(account.node, deviceName, options)
  const device = await startFriendNode(relay, { identity, dir })
  const version = account.node.devices.own().version
  await Promise.all(
    friends.map((friend) =>
      friend.event(
        'friend:devices',
        (data) => data.peerId === account.peerId && data.devices.version === version,
      ),
    ),
  )
  return device
}

/**
 * Links a new device, in a new folder, to the account `node` runs (both sides confirm): once
 * this resolves the account's list names it. Starts nothing; the folder's identity unlocks with
 * LINKED_DEVICE_PASSWORD.
 */
export async function linkDeviceFolder(
  node: Pick<TokenimNode, 'linkHost'>,
  deviceName: string,
  options: { history?: HistoryChoice } = {},
): Promise<{ dir: Awaited<ReturnType<typeof friendNodeFolder>>; identity: Identity }> {
  const opened = node.linkHost.open()
  const dir = await friendNodeFolder('tokenim-phone-')
  const asked = waitForEvent(node.linkHost, 'devices:link', {
    timeoutMs: 20_000,
    filter: (status: { state: string }) => status.state === 'confirm',
  })
  const linking = linkNewDevice({
    dataDir: dir.path,
    code: opened.code!,
    password: LINKED_DEVICE_PASSWORD,
    deviceName,
    allowPrivateAddresses: true,
    keystore: { scrypt: FAST_SCRYPT },
    confirm: async () => true,
    history: options.history,
  })
  await asked
  node.linkHost.confirm(true)
  await linking
  const identity = await new Keystore(dir.path, { scrypt: FAST_SCRYPT }).unlock(
    LINKED_DEVICE_PASSWORD,
  )
  return { dir, identity }
}

/** Alice on a laptop and a linked phone, and her friend bob on one device. */
export async function aliceWithPhoneAndBob(
  relay: () => RelayNode,
): Promise<{ alice: FriendNode; phone: FriendNode; bob: FriendNode }> {
  const alice = await startFriendNode(relay())
  const bob = await startFriendNode(relay())
  await befriend(alice, bob)
  const phone = await linkDevice(relay(), alice, [bob])
  return { alice, phone, bob }
}
