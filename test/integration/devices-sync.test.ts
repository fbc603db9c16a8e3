/**
 * Own-device sync (real nodes behind a loopback relay, real LevelDB): alice on a laptop and a
 * linked phone, bob on one device. What alice does on one of her devices, her others follow:
 * reading bob's conversation, deleting its history.
 */
import { describe, expect, it } from 'vitest'
import { type FriendNode, relayForFriendNodes } from './friends-nodes.ts'
import { aliceWithPhoneAndBob, linkDevice } from './linked-account.ts'

const relay = relayForFriendNodes()

/** Resolves once `node` was shown `text` from `peer`. */
function received(node: FriendNode, peer: string, text: string) {
  return node.event(
    'message:received',
    (message) => message.peerId === peer && message.text === text,
    { timeoutMs: 30_000 },
  )
}

async function unread(node: FriendNode, peer: string): Promise<number> {
  return (await node.node.messages.history(peer, { limit: 1 })).unread
}

async function texts(node: FriendNode, peer: string): Promise<string[]> {
  const page = await node.node.messages.history(peer, { limit: 500 })
  return page.messages.map((message) => message.text)
}

describe('own-device sync', () => {
  it("reading bob's conversation on the laptop reads it on the phone, without a second receipt; each way", async () => {
    const { alice, phone, bob } = await aliceWithPhoneAndBob(relay)

    const ids: string[] = []
    for (const text of ['one', 'two', 'three']) {
      ids.push((await bob.node.messages.send(alice.peerId, text)).id)
    }
    await Promise.all([received(alice, bob.peerId, 'three'), received(phone, bob.peerId, 'three')])
    expect(await unread(phone, bob.peerId)).toBe(3)

    await alice.node.messages.markRead(bob.peerId)
    expect(await unread(alice, bob.peerId)).toBe(0)
    const read = await phone.event(
      'conversation:read',
      (data) => data.peerId === bob.peerId && data.unread === 0,
      { timeoutMs: 30_000 },
    )
    expect(read.data.unread).toBe(0)
    expect(await unread(phone, bob.peerId)).toBe(0)
    expect((await phone.node.messages.inbox()).map((c) => [c.peerId, c.unread])).toEqual([
      [bob.peerId, 0],
    ])
    // Bob sees his texts read through the laptop's receipt; the phone sends none of its own,
    // even when its user opens the conversation too.
    await bob.event('message:state', (s) => s.id === ids[2] && s.state === 'read', {
      timeoutMs: 30_000,
    })
    await phone.node.messages.markRead(bob.peerId)
    // A text from the phone after its read: a receipt queued before it would have reached bob.
    await phone.node.messages.send(bob.peerId, 'from the phone')
    await received(bob, alice.peerId, 'from the phone')
    const states = async (id: string) =>
      (await bob.node.messages.messageDevices(alice.peerId, id)).devices.map((d) => d.state)
    expect(await states(ids[2]!)).toEqual(['read', 'delivered'])

    // Now the other way: read on the phone (its texts are copies), the laptop follows, and
    // what arrived after the phone's mark stays unread on the laptop.
    const four = await bob.node.messages.send(alice.peerId, 'four')
    await Promise.all([received(alice, bob.peerId, 'four'), received(phone, bob.peerId, 'four')])
    await phone.node.messages.markRead(bob.peerId)
    await alice.event(
      'conversation:read',
      (data) => data.peerId === bob.peerId && data.unread === 0,
      { since: Date.now() - 60_000, timeoutMs: 30_000 },
    )
    expect(await unread(alice, bob.peerId)).toBe(0)
    await alice.node.messages.markRead(bob.peerId)
    await bob.event('message:state', (s) => s.id === four.id && s.state === 'read', {
      timeoutMs: 30_000,
    })
    // A text from the laptop after both reads: any receipt queued before it has reached bob.
    await alice.node.messages.send(bob.peerId, 'after reading')
    await received(bob, alice.peerId, 'after reading')
    expect(await states(four.id)).toEqual(['delivered', 'read'])
  })

  it('messages deleted on the laptop go on the phone; the conversation deleted on the phone goes on the laptop, up to the same text', async () => {
    const { alice, phone, bob } = await aliceWithPhoneAndBob(relay)

    const one = await bob.node.messages.send(alice.peerId, 'old one')
    await Promise.all([
      received(alice, bob.peerId, 'old one'),
      received(phone, bob.peerId, 'old one'),
    ])
    const two = await alice.node.messages.send(bob.peerId, 'old two')
    await Promise.all([
      received(bob, alice.peerId, 'old two'),
      phone.event('message:received', (m) => m.text === 'old two' && m.direction === 'out', {
        timeoutMs: 30_000,
      }),
    ])
    await bob.node.messages.send(alice.peerId, 'old three')
    await Promise.all([
      received(alice, bob.peerId, 'old three'),
      received(phone, bob.peerId, 'old three'),
    ])
    const all = ['old one', 'old two', 'old three']
    expect(await texts(alice, bob.peerId)).toEqual(all)
    expect(await texts(phone, bob.peerId)).toEqual(all)

    // Delete for me, on the laptop: bob's text and the laptop's own; the phone holds copies.
    const mine = await alice.node.conversations.deleteConversation(bob.peerId, [one.id, two.id])
    expect(mine.deleted).toBe(2)
    const gone = await phone.event('conversation:cleared', (data) => data.peerId === bob.peerId, {
      timeoutMs: 30_000,
    })
    expect(gone.data.deleted).toBe(2)
    expect(await texts(phone, bob.peerId)).toEqual(['old three'])

    // The whole conversation, on the phone: the laptop deletes up to the same text.
    const deleted = await phone.node.conversations.deleteConversation(bob.peerId)
    expect(deleted.deleted).toBe(1)
    const cleared = await alice.event(
      'conversation:cleared',
      (data) => data.peerId === bob.peerId,
      { timeoutMs: 30_000 },
    )
    expect(cleared.data.deleted).toBe(1)
    expect(await texts(alice, bob.peerId)).toEqual([])
    // Search on the laptop no longer finds them; the conversation goes on.
    await alice.node.conversations.indexNow()
    expect((await alice.node.conversations.search('old')).hits).toEqual([])
    await bob.node.messages.send(alice.peerId, 'new one')
    await Promise.all([
      received(alice, bob.peerId, 'new one'),
      received(phone, bob.peerId, 'new one'),
    ])
    expect(await texts(alice, bob.peerId)).toEqual(['new one'])
    expect(await texts(phone, bob.peerId)).toEqual(['new one'])
  })

  it("bob links a tablet while alice's devices run: her phone learns his list and writes to the tablet, no restart", async () => {
    const { alice, phone, bob } = await aliceWithPhoneAndBob(relay)
    const tablet = await linkDevice(relay(), bob, [alice], 'bob-tablet')
    const version = bob.node.devices.own().version
    // Bob's node sends his new list to each of alice's devices, the linked phone included.
    await phone.event(
      'friend:devices',
      (data) => data.peerId === bob.peerId && data.devices.version === version,
      { timeoutMs: 30_000 },
    )
    await phone.node.messages.send(bob.peerId, 'from the phone to all of bob')
    await alice.node.messages.send(bob.peerId, 'from the laptop to all of bob')
    for (const text of ['from the phone to all of bob', 'from the laptop to all of bob']) {
      await Promise.all([received(bob, alice.peerId, text), received(tablet, alice.peerId, text)])
    }
    expect((await tablet.node.messages.inbox()).map((c) => c.peerId)).toEqual([alice.peerId])

    // The tablet's text shows under bob on the laptop; deleting bob's conversation there deletes
    // it from the tablet's own (hidden) conversation too.
    await tablet.node.messages.send(alice.peerId, 'from the tablet')
    await received(alice, bob.peerId, 'from the tablet')
    const tabletKey = tablet.identity.publicKey
    expect((await alice.node.messages.pipeline.history(tabletKey)).messages).not.toEqual([])
    await alice.node.conversations.deleteConversation(bob.peerId)
    expect((await alice.node.messages.pipeline.history(tabletKey)).messages).toEqual([])
  })

  it('a revoked device is told: it says so and sends nothing as the account, also after a restart', async () => {
    const { alice, phone, bob } = await aliceWithPhoneAndBob(relay)
    const list = await alice.node.devices.revoke('phone')
    const told = await phone.event('device:revoked', () => true, { timeoutMs: 30_000 })
    expect(told.data).toMatchObject({ peerId: phone.peerId, version: list.version })
    expect(phone.node.devices.own().version).toBe(list.version)
    await expect(phone.node.messages.send(bob.peerId, 'still here?')).rejects.toThrow(
      expect.objectContaining({ name: 'DeviceRevokedError' }),
    )
    const again = await phone.restart()
    expect(again.node.devices.revokedHere).toBe(true)
    await expect(again.node.messages.send(bob.peerId, 'still here?')).rejects.toThrow(
      expect.objectContaining({ name: 'DeviceRevokedError' }),
    )
  })
})
