/**
 * Messages reach every device of an account (real nodes behind a loopback relay, real
 * LevelDB): alice on a laptop and a linked phone, bob on one device. Bob's texts reach both of
 * alice's devices once each, in order, and read delivered on bob's side; the phone's texts
 * show under alice's account on bob's side and as sent on alice's laptop; texts sent while
 * the phone is away wait in the mailbox for it.
 */
import { describe, expect, it } from 'vitest'
import { copyId } from '../../node/messaging/device-fan-out.ts'
import { toHex } from '../../protocol/bytes.ts'
import { API_PATHS, type MessageDevicesResponse } from '../../protocol/local-api.ts'
import { befriend, type FriendNode, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'
import { linkDevice } from './linked-account.ts'

const relay = relayForFriendNodes()

/** The texts of `node`'s conversation with `peer`, oldest first, with direction. */
async function texts(node: FriendNode, peer: string) {
  const page = await node.node.messages.history(peer, { limit: 500 })
  return page.messages.map((message) => ({
    text: message.text,
    direction: message.direction,
    sentFrom: message.sentFrom,
  }))
}

/** Resolves once `node` was shown `text` from `peer`. */
function received(node: FriendNode, peer: string, text: string, since = 0) {
  return node.event(
    'message:received',
    (message) => message.peerId === peer && message.text === text,
    { since, timeoutMs: 30_000 },
  )
}

describe('one account on several devices', () => {
  it("bob's texts reach alice's laptop and phone once each, in order; the phone's reach bob under alice and show on her laptop", async () => {
    const alice = await startFriendNode(relay())
    const bob = await startFriendNode(relay())
    await befriend(alice, bob)
    const phone = await linkDevice(relay(), alice, [bob])

    const sent = ['one', 'two', 'three', 'four', 'five']
    const ids: string[] = []
    for (const text of sent) ids.push((await bob.node.messages.send(alice.peerId, text)).id)
    await Promise.all([received(alice, bob.peerId, 'five'), received(phone, bob.peerId, 'five')])
    const inFromBob = sent.map((text) => ({ text, direction: 'in', sentFrom: undefined }))
    expect(await texts(alice, bob.peerId)).toEqual(inFromBob)
    expect(await texts(phone, bob.peerId)).toEqual(inFromBob)
    // Bob sees one conversation with alice, his texts delivered on both devices.
    expect((await bob.node.messages.inbox()).map((c) => c.peerId)).toEqual([alice.peerId])
    await bob.event('message:state', (s) => s.id === ids[4] && s.state === 'delivered')

    // From the phone: bob sees it from alice; alice's laptop shows it as hers, sent from the phone.
    const fromPhone = await phone.node.messages.send(bob.peerId, 'from the phone')
    await received(bob, alice.peerId, 'from the phone')
    await alice.event(
      'message:received',
      (m) => m.peerId === bob.peerId && m.text === 'from the phone' && m.direction === 'out',
      { timeoutMs: 30_000 },
    )
    expect((await texts(bob, alice.peerId)).at(-1)).toEqual({
      text: 'from the phone',
      direction: 'in',
      sentFrom: undefined,
    })
    expect((await texts(alice, bob.peerId)).at(-1)).toEqual({
      text: 'from the phone',
      direction: 'out',
      sentFrom: phone.peerId,
    })
    expect((await bob.node.messages.inbox()).map((c) => c.peerId)).toEqual([alice.peerId])
    expect((await alice.node.messages.inbox()).map((c) => c.peerId)).toEqual([bob.peerId])
    // Bob reads alice's conversation: the phone's text is read on the phone too.
    await bob.node.messages.markRead(alice.peerId)
    await phone.event('message:state', (s) => s.id === fromPhone.id && s.state === 'read', {
      timeoutMs: 30_000,
    })
    // Search finds each text once, under the account, on bob's side and on alice's laptop.
    for (const node of [bob, alice]) {
      const found = await node.node.conversations.search('three')
      expect(found.hits.map((hit) => (hit.kind === 'direct' ? hit.peerId : ''))).toEqual([
        node === bob ? alice.peerId : bob.peerId,
      ])
    }
    const phoneHits = await bob.node.conversations.search('phone')
    expect(phoneHits.hits.map((hit) => (hit.kind === 'direct' ? hit.peerId : ''))).toEqual([
      alice.peerId,
    ])
    // The phone answered after taking bob's texts (and acknowledging them): each device's state.
    const detail = await bob.api.request<MessageDevicesResponse>(
      'GET',
      `${API_PATHS.messageDevices}?peer=${alice.peerId}&id=${ids[4]}`,
    )
    expect(detail).toEqual({
      id: ids[4],
      peerId: alice.peerId,
      state: 'delivered',
      devices: [
        { peerId: alice.peerId, state: 'delivered' },
        { peerId: phone.peerId, state: 'delivered' },
      ],
    })

    // And from the laptop: the phone shows it as alice's, sent from the laptop.
    await alice.node.messages.send(bob.peerId, 'from the laptop')
    await phone.event(
      'message:received',
      (m) => m.peerId === bob.peerId && m.text === 'from the laptop' && m.direction === 'out',
      { timeoutMs: 30_000 },
    )
    expect((await texts(phone, bob.peerId)).at(-1)).toEqual({
      text: 'from the laptop',
      direction: 'out',
      sentFrom: alice.peerId,
    })

    // The phone away: bob's next texts wait in the mailbox and reach it once it is back.
    await phone.stop()
    const away = Array.from({ length: 20 }, (_, i) => `while away ${i + 1}`)
    for (const text of away) await bob.node.messages.send(alice.peerId, text)
    await received(alice, bob.peerId, 'while away 20')
    const back = await phone.restart()
    await received(back, bob.peerId, 'while away 20')
    const phoneTexts = (await texts(back, bob.peerId)).map((message) => message.text)
    expect(phoneTexts.filter((text) => text.startsWith('while away'))).toEqual(away)
    expect(phoneTexts).toEqual([...sent, 'from the phone', 'from the laptop', ...away])
  })

  it('a revoked device gets nothing new: friends and the account drop it, and what it sends is not shown', async () => {
    const alice = await startFriendNode(relay())
    const bob = await startFriendNode(relay())
    await befriend(alice, bob)
    const phone = await linkDevice(relay(), alice, [bob])
    const phoneKey = phone.identity.publicKey
    await bob.node.messages.send(alice.peerId, 'before')
    await received(phone, bob.peerId, 'before')

    const list = await alice.node.devices.revoke('phone')
    expect(list.devices.map((device) => device.name)).not.toContain('phone')
    expect(list.revoked.map((entry) => toHex(entry.device))).toContain(toHex(phoneKey))
    await bob.event(
      'friend:devices',
      (data) => data.peerId === alice.peerId && data.devices.version === list.version,
    )

    // Nothing new is queued for the phone, by bob or by alice's laptop (own-device sync).
    const toAlice = await bob.node.messages.send(alice.peerId, 'after')
    const toBob = await alice.node.messages.send(bob.peerId, 'laptop after')
    await received(alice, bob.peerId, 'after')
    await received(bob, alice.peerId, 'laptop after')
    for (const [node, id] of [
      [bob, toAlice.id],
      [alice, toBob.id],
    ] as const) {
      await Promise.all(node.node.messages.devices!.followers.map((f) => f.catchUp()))
      const copy = await node.node.messages.pipeline.sentRecord(
        phoneKey,
        toHex(copyId(id, phoneKey)),
      )
      expect(copy).toBeUndefined()
    }
    expect((await texts(phone, bob.peerId)).map((m) => m.text)).toEqual(['before'])

    // The phone refuses to send once told (devices-sync.test.ts); what a revoked device sends
    // anyway (one not told yet, or a thief's) is taken like a blocked peer's: acknowledged,
    // never shown.
    const late = await phone.node.messages.pipeline.send(
      bob.identity.publicKey,
      'from the revoked phone',
    )
    await phone.event('message:state', (s) => s.id === late.id && s.state === 'delivered', {
      timeoutMs: 30_000,
    })
    expect((await texts(bob, alice.peerId)).map((m) => m.text)).toEqual([
      'before',
      'after',
      'laptop after',
    ])
    expect((await bob.node.messages.inbox()).map((c) => c.peerId)).toEqual([alice.peerId])
  })

  it("a linked device finds its friends' device lists and writes to every device of theirs", async () => {
    const alice = await startFriendNode(relay())
    const bob = await startFriendNode(relay())
    await befriend(alice, bob)
    const bobPhone = await linkDevice(relay(), bob, [alice], 'bob-phone')
    const published = await bob.node.devices.publish()
    expect(published.confirmed).toBeGreaterThan(0)
    const phone = await linkDevice(relay(), alice, [bob])
    const version = bob.node.devices.own().version
    // The phone knows bob from its link only, and finds his list in the DHT.
    await phone.event(
      'friend:devices',
      (data) => data.peerId === bob.peerId && data.devices.version === version,
      { timeoutMs: 30_000 },
    )
    await phone.node.messages.send(bob.peerId, 'to both of bob')
    await received(bob, alice.peerId, 'to both of bob')
    expect((await texts(bob, alice.peerId)).map((m) => m.text)).toEqual(['to both of bob'])
    // Bob's phone looked alice's list up before her phone was linked; alice's node sent it her
    // new list (to every device of bob's), so it shows the text under alice, no restart needed.
    await received(bobPhone, alice.peerId, 'to both of bob')
    expect((await texts(bobPhone, alice.peerId)).map((m) => m.text)).toEqual(['to both of bob'])
    expect((await bobPhone.node.messages.inbox()).map((c) => c.peerId)).toEqual([alice.peerId])
  })
})
