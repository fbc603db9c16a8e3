/**
 * An account on two devices for the multi-device tests: alice's running node links a phone
 * (a new folder, its own device key) and the phone starts beside her; every friend of alice
 * given here has her list naming both devices before this resolves.
 */
import { linkNewDevice } from '../../node/devices/index.ts'
import { Keystore } from '../../node/index.ts'
import type { RelayNode } from '../../relay/index.ts'
import { FAST_SCRYPT } from '../helpers/api-daemon.ts'
import { waitForEvent } from '../helpers/wait.ts'
import { type FriendNode, friendNodeFolder, startFriendNode } from './friends-nodes.ts'

const PASSWORD = 'correct horse battery staple'

export async function linkPhone(
  relay: RelayNode,
  account: FriendNode,
  friends: FriendNode[],
): Promise<FriendNode> {
  const opened = account.node.linkHost.open()
  const dir = await friendNodeFolder('tokenim-phone-')
  const asked = waitForEvent(account.node.linkHost, 'devices:link', {
    timeoutMs: 20_000,
    filter: (status: { state: string }) => status.state === 'confirm',
  })
  const linking = linkNewDevice({
    dataDir: dir.path,
    code: opened.code!,
    password: PASSWORD,
    deviceName: 'phone',
    allowPrivateAddresses: true,
    keystore: { scrypt: FAST_SCRYPT },
    confirm: async () => true,
  })
  await asked
  account.node.linkHost.confirm(true)
  await linking
  const identity = await new Keystore(dir.path, { scrypt: FAST_SCRYPT }).unlock(PASSWORD)
  const phone = await startFriendNode(relay, { identity, dir })
  await Promise.all(
    friends.map((friend) =>
      friend.event(
        'friend:devices',
        (data) => data.peerId === account.peerId && data.devices.count === 2,
      ),
    ),
  )
  return phone
}
