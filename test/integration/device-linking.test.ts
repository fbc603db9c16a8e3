/**
 * Linking a device, between real nodes behind a loopback relay (real libp2p, real LevelDB):
 * alice's running node shows a one-time code naming its relay circuit; a new device dials
 * it, both show the same SAS, and after both confirm the new device holds the account key,
 * its certificate and the list naming it, which reaches alice's friend bob (directly and in
 * the DHT). The new device then runs beside alice's first one. Wrong, used and expired codes,
 * a refused SAS and a timeout are refused with typed errors on both sides.
 */
import { cp } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { linkNewDevice } from '../../node/devices/index.ts'
import { Keystore } from '../../node/index.ts'
import { decodeLinkCode, encodeLinkCode, type LinkSas } from '../../protocol/accounts/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { LINK_CODE_TTL_MS } from '../../protocol/limits.ts'
import {
  DEVICES_API_PATHS,
  type DeviceLinkStatus,
  type DeviceListResponse,
} from '../../protocol/local-api.ts'
import { FAST_SCRYPT } from '../helpers/api-daemon.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { waitForEvent } from '../helpers/wait.ts'
import { befriend, type FriendNode, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'

const relay = relayForFriendNodes()
const PASSWORD = 'correct horse battery staple'

/** Links a new device in a fresh folder to `existing` with `code`; `answer` is the new device's person. */
async function linkWith(
  code: string,
  answer: (sas: LinkSas) => Promise<boolean> = async () => true,
) {
  const dir = await makeTempDir('tokenim-linked-device-')
  const shown: LinkSas[] = []
  const linking = linkNewDevice({
    dataDir: dir.path,
    code,
    password: PASSWORD,
    deviceName: 'phone',
    allowPrivateAddresses: true,
    keystore: { scrypt: FAST_SCRYPT },
    confirm: (sas) => {
      shown.push(sas)
      return answer(sas)
    },
  })
  return { dir, shown, linking }
}

function linkEvent(node: FriendNode, state: DeviceLinkStatus['state']) {
  return waitForEvent<DeviceLinkStatus>(node.node.linkHost, 'devices:link', {
    timeoutMs: 20_000,
    filter: (status) => status.state === state,
  })
}

/** Resolves once the relay accepted `node`'s session announcement (now or later). */
async function announced(node: FriendNode): Promise<void> {
  const session = node.node.directory.session
  const accepted = waitForEvent(session, 'session:announced', { timeoutMs: 20_000 })
  if (session.acceptedBy.size > 0) return
  await accepted
}

describe('linking a device', () => {
  it('hands the account to a new device over a relay circuit; friends and the DHT see both devices', async () => {
    // Alice listens on nothing of her own: the code can only name her relay circuit.
    const alice = await startFriendNode(relay(), { listen: [] })
    const bob = await startFriendNode(relay())
    await befriend(alice, bob)

    const opened = alice.node.linkHost.open()
    const code = decodeLinkCode(opened.code!)
    expect(toHex(code.device)).toBe(alice.publicKey)
    expect(code.addresses.length).toBeGreaterThan(0)
    expect(opened.expiresAt! - Date.now()).toBeLessThanOrEqual(LINK_CODE_TTL_MS)

    const published = waitForEvent<{ version: number; confirmed: number }>(
      alice.node.devices,
      'devices:published',
      { timeoutMs: 30_000, filter: ({ version, confirmed }) => version === 2 && confirmed > 0 },
    )
    const confirming = linkEvent(alice, 'confirm')
    const linked = linkEvent(alice, 'linked')
    const phone = await linkWith(opened.code!)
    const asked = await confirming
    expect(asked.deviceName).toBe('phone')
    alice.node.linkHost.confirm(true)
    const result = await phone.linking
    await linked

    // The same SAS on both devices, derived from the secret and both keys.
    expect(phone.shown).toHaveLength(1)
    expect(asked.sas).toEqual(phone.shown[0])
    expect(asked.devicePeerId).not.toBe(alice.peerId)

    // The new device holds the account key, its own device key, and the list naming both.
    expect(toHex(result.account.publicKey)).toBe(alice.publicKey)
    expect(toHex(result.identity.publicKey)).not.toBe(alice.publicKey)
    expect(result.list.version).toBe(2)
    expect(result.state.friends.map((friend) => toHex(friend.key))).toEqual([bob.publicKey])

    // Alice's list is version 2 with both devices; bob gets it, and finds it in the DHT.
    const own = await alice.api.request<DeviceListResponse>('GET', DEVICES_API_PATHS.list)
    expect(own.version).toBe(2)
    expect(own.devices.map((device) => device.name)).toContain('phone')
    await bob.event(
      'friend:devices',
      (data) => data.peerId === alice.peerId && data.devices.count === 2,
    )
    await published
    const found = await bob.node.devices.lookup(alice.identity.publicKey)
    expect(found?.version).toBe(2)
    expect(found?.devices.map((device) => toHex(device.device))).toContain(
      toHex(result.identity.publicKey),
    )

    // The new device starts with its own key and the account key beside it, next to alice's.
    const identity = await new Keystore(phone.dir.path, { scrypt: FAST_SCRYPT }).unlock(PASSWORD)
    expect(toHex(identity.publicKey)).toBe(toHex(result.identity.publicKey))
    expect(toHex(identity.account!.publicKey)).toBe(alice.publicKey)
    const phoneNode = await startFriendNode(relay(), { identity, dir: phone.dir })
    const listed = await phoneNode.api.request<DeviceListResponse>('GET', DEVICES_API_PATHS.list)
    expect(listed).toMatchObject({ account: alice.peerId, version: 2, linkedFriends: 1 })
    expect(listed.devices.find((device) => device.thisDevice)?.name).toBe('phone')
    expect(phoneNode.peerId).not.toBe(alice.peerId)
    // Two devices of one account announce their sessions side by side: nobody is kicked.
    await announced(phoneNode)
    await announced(alice)
    expect(alice.node.status().peerId).toBe(alice.peerId)
    expect(alice.events.some((event) => event.type === 'session:signed-in-elsewhere')).toBe(false)
    expect(phoneNode.events.some((event) => event.type === 'session:signed-in-elsewhere')).toBe(
      false,
    )

    // The same linked device started twice (a copy of its folder): the newer stops the older,
    // and the account's other device runs on.
    await phoneNode.stop()
    const copy = await makeTempDir('tokenim-linked-device-copy-')
    await cp(phone.dir.path, copy.path, { recursive: true })
    const older = await startFriendNode(relay(), { identity, dir: phone.dir })
    await announced(older)
    const newer = await startFriendNode(relay(), { identity, dir: copy })
    await older.event('session:signed-in-elsewhere')
    await announced(newer)
    expect(newer.events.some((event) => event.type === 'session:signed-in-elsewhere')).toBe(false)
    expect(alice.events.some((event) => event.type === 'session:signed-in-elsewhere')).toBe(false)
    await newer.stop()
    await copy.remove()

    // The code worked once.
    const again = await linkWith(opened.code!)
    await expect(again.linking).rejects.toMatchObject({ name: 'LinkCodeUsedError' })
    // A failed link leaves no identity behind.
    expect(await new Keystore(again.dir.path).exists()).toBe(false)
  })

  it('refuses a wrong, a used and an expired code, a refused SAS and a silent person, on both sides', async () => {
    let now = Date.now()
    const alice = await startFriendNode(relay(), {
      listen: [],
      linking: { clock: () => now, timeoutMs: 4_000 },
    })

    // Wrong: another secret for the same device.
    const opened = alice.node.linkHost.open()
    const wrong = encodeLinkCode({ ...decodeLinkCode(opened.code!), secret: new Uint8Array(16) })
    await expect((await linkWith(wrong)).linking).rejects.toMatchObject({
      name: 'LinkCodeWrongError',
    })
    expect(alice.node.linkHost.status()).toMatchObject({
      state: 'waiting',
      error: { name: 'LinkCodeWrongError' },
    })

    // The SAS refused on the new device: both sides stop, and the code is used up.
    const failed = linkEvent(alice, 'failed')
    await expect((await linkWith(opened.code!, async () => false)).linking).rejects.toMatchObject({
      name: 'LinkSasRefusedError',
    })
    expect((await failed).error?.name).toBe('LinkSasRefusedError')
    await expect((await linkWith(opened.code!)).linking).rejects.toMatchObject({
      name: 'LinkCodeUsedError',
    })

    // Refused on the existing device.
    const second = alice.node.linkHost.open()
    const refusedHere = linkEvent(alice, 'confirm').then(() => alice.node.linkHost.confirm(false))
    await expect((await linkWith(second.code!)).linking).rejects.toMatchObject({
      name: 'LinkSasRefusedError',
    })
    await refusedHere

    // Nobody answers on the existing device: both time out.
    const third = alice.node.linkHost.open()
    const timedOut = linkEvent(alice, 'failed')
    await expect((await linkWith(third.code!)).linking).rejects.toMatchObject({
      name: 'LinkTimeoutError',
    })
    expect((await timedOut).error?.name).toBe('LinkTimeoutError')

    // Expired: ten minutes later by the existing device's clock.
    const fourth = alice.node.linkHost.open()
    now += LINK_CODE_TTL_MS
    await expect((await linkWith(fourth.code!)).linking).rejects.toMatchObject({
      name: 'LinkCodeExpiredError',
    })
    expect(alice.node.devices.own().version).toBe(1)
  })
})
