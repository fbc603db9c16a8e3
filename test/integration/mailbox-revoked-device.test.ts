/**
 * Mailbox copies for a revoked device (real nodes behind a loopback relay, real DHT and
 * LevelDB). Bob leaves a copy for alice's away phone; alice revokes the phone from her first
 * device, which puts the new list in the DHT and goes away before telling bob (here the test
 * signs that list with her account key and puts it through a stranger's node, as her device
 * would). Bob's next message makes his node look the list up before leaving the phone a copy:
 * it takes the list, tombstones the copy it had left, and leaves none for the new message.
 * And a revoked phone clears unread what a depositor who had not heard of the revoke left it.
 */
import type { PeerId } from '@libp2p/interface'
import { describe, expect, it } from 'vitest'
import type { Composition } from '../../node/composition.ts'
import { revokeDevice } from '../../node/devices/own-device-list.ts'
import { getRecords, putRecord } from '../../node/mailbox/dht-records.ts'
import type { OfflineMailbox } from '../../node/mailbox/index.ts'
import type { NodeParts } from '../../node/node-parts.ts'
import { deviceListDhtKey, openDeviceList } from '../../protocol/accounts/index.ts'
import { bytesEqual } from '../../protocol/bytes.ts'
import { validateMailboxRecord } from '../../protocol/mailbox.ts'
import { waitForEvent } from '../helpers/wait.ts'
import { befriend, type FriendNode, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'
import { linkDevice } from './linked-account.ts'

const relay = relayForFriendNodes()
const WAIT = { timeoutMs: 30_000 }

type SlotEvent = { slotId: string; recipient: Uint8Array }

function mailboxOf(node: FriendNode): OfflineMailbox {
  return (node.node as unknown as { parts: Composition<NodeParts> }).parts.get('mailbox')
}

/** What the DHT serves for a mailbox slot, as read by `reader`. */
async function slotHolds(reader: FriendNode, slotId: string): Promise<string | undefined> {
  const key = new TextEncoder().encode(slotId)
  const { best } = await getRecords(reader.node.host.services.dht, key, { timeoutMs: 10_000 })
  return best == null ? undefined : validateMailboxRecord(key, best, Date.now()).kind
}

describe('mailbox copies for a revoked device', () => {
  it('once bob’s node sees the list revoking alice’s phone, his copy for it is tombstoned and no new one is left', async () => {
    const alice = await startFriendNode(relay())
    // Every copy bob leaves for a device looks its account's list up (60 s apart by default).
    const bob = await startFriendNode(relay(), { devices: { mailboxRecheckMs: 0 } })
    await befriend(alice, bob)
    const phone = await linkDevice(relay(), alice, [bob])
    const carol = await startFriendNode(relay())
    const phoneKey = phone.identity.publicKey
    // Bob has heard from the phone: what he leaves it goes to their pairwise slots.
    const since = Date.now()
    await phone.node.messages.send(bob.peerId, 'hello bob, from the phone')
    await bob.event('message:received', (m) => m.text === 'hello bob, from the phone', {
      ...WAIT,
      since,
    })
    await phone.stop()

    const bobMailbox = mailboxOf(bob)
    const forPhone: string[] = []
    bobMailbox.addEventListener('mailbox:stored', (event) => {
      const { slotId, recipient } = event.detail
      if (bytesEqual(recipient, phoneKey)) forPhone.push(slotId)
    })
    const isPhone = (detail: SlotEvent) => bytesEqual(detail.recipient, phoneKey)
    const stored = waitForEvent<SlotEvent>(bobMailbox, 'mailbox:stored', {
      ...WAIT,
      filter: isPhone,
    })
    await bob.node.messages.send(alice.peerId, 'while the phone is away')
    const { slotId } = await stored
    expect(await slotHolds(carol, slotId)).toBe('deposit')

    // Alice revokes the phone; only the DHT hears of it (her first device is gone).
    const list = alice.node.devices.own()
    await alice.stop()
    const revoked = revokeDevice(
      alice.identity,
      list,
      'phone',
      alice.identity.publicKey,
      Date.now(),
    )
    const version = openDeviceList(revoked.list).version
    const put = await putRecord(
      carol.node.host.services.dht,
      deviceListDhtKey(alice.identity.publicKey),
      revoked.list,
      { timeoutMs: 10_000 },
    )
    expect(put.confirmed).toBeGreaterThan(0)

    const withdrawn = waitForEvent<SlotEvent>(bobMailbox, 'mailbox:withdrawn', {
      ...WAIT,
      filter: (detail) => detail.slotId === slotId,
    })
    const toAlice = waitForEvent<SlotEvent>(bobMailbox, 'mailbox:stored', {
      ...WAIT,
      filter: (detail) => bytesEqual(detail.recipient, alice.identity.publicKey),
    })
    await bob.node.messages.send(alice.peerId, 'after the revoke')
    await bob.event(
      'friend:devices',
      (data) => data.peerId === alice.peerId && data.devices.version === version,
      WAIT,
    )
    await Promise.all([withdrawn, toAlice])
    expect(await slotHolds(carol, slotId)).toBe('tombstone')
    expect(forPhone).toEqual([slotId])
    const pending = await bobMailbox.pending()
    expect(pending.filter((deposit) => bytesEqual(deposit.recipient, phoneKey))).toEqual([])
  }, 180_000)

  it('the revoked phone clears unread what bob, not yet told, left it', async () => {
    let apart = false
    const phoneId: { id?: PeerId } = {}
    // Once `apart`, bob and the phone cannot connect: what bob sends it goes to the mailbox.
    const gater = {
      denyDialPeer: (peer: PeerId) => apart && phoneId.id?.equals(peer) === true,
      denyInboundEncryptedConnection: (peer: PeerId) => apart && phoneId.id?.equals(peer) === true,
    }
    const alice = await startFriendNode(relay())
    const bob = await startFriendNode(relay(), { hostOptions: { connectionGater: gater } })
    await befriend(alice, bob)
    const phone = await linkDevice(relay(), alice, [bob])
    phoneId.id = phone.node.host.peerId
    const since = Date.now()
    await phone.node.messages.send(bob.peerId, 'hello bob, from the phone')
    await bob.event('message:received', (m) => m.text === 'hello bob, from the phone', {
      ...WAIT,
      since,
    })
    apart = true
    await bob.node.host.hangUp(phone.node.host.peerId)

    // The list revoking the phone reaches the phone (from alice's laptop), not bob nor the DHT.
    const revoked = revokeDevice(
      alice.identity,
      alice.node.devices.own(),
      'phone',
      alice.identity.publicKey,
      Date.now(),
    )
    await phone.node.devices.receiveOwn(alice.identity.publicKey, revoked.list)
    await phone.event('device:revoked', () => true, WAIT)

    const bobMailbox = mailboxOf(bob)
    const stored = waitForEvent<SlotEvent>(bobMailbox, 'mailbox:stored', {
      ...WAIT,
      filter: (detail) => bytesEqual(detail.recipient, phone.identity.publicKey),
    })
    const text = 'for alice, after the phone was revoked'
    await bob.node.messages.send(alice.peerId, text)
    const { slotId } = await stored
    // A collection that starts now reads the copy (one under way is waited for first).
    await phone.node.messages.collect()
    expect(await slotHolds(alice, slotId)).toBe('tombstone')
    expect(
      phone.events.some(
        (event) =>
          event.type === 'message:received' && (event.data as { text?: string }).text === text,
      ),
    ).toBe(false)
    await alice.event('message:received', (m) => m.text === text, WAIT)
  }, 180_000)

  it('alice’s own revoked phone, away, is still told through the mailbox', async () => {
    const alice = await startFriendNode(relay())
    let phone = await linkDevice(relay(), alice, [])
    const phoneKey = phone.identity.publicKey
    await phone.stop()
    const told = waitForEvent<SlotEvent>(mailboxOf(alice), 'mailbox:stored', {
      ...WAIT,
      filter: (detail) => bytesEqual(detail.recipient, phoneKey),
    })
    const list = await alice.node.devices.revoke('phone')
    await told
    await alice.stop()
    phone = await phone.restart()
    const revoked = await phone.event('device:revoked', () => true, WAIT)
    expect(revoked.data.version).toBe(list.version)
  }, 120_000)
})
