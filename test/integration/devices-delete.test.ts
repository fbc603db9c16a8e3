/**
 * Deleting on one device of an account deletes everything that device holds of it, including
 * what arrived from other devices (real nodes behind a loopback relay, real LevelDB). Alice
 * runs a laptop and a linked phone, bob a node and a linked phone. What the phone sent bob,
 * and what bob's phone sent alice, arrive on the laptop in conversations of their own (the
 * devices') and show under bob: deleting a message for me, or the whole conversation, on the
 * laptop must remove those texts and their files from the laptop's stores, not only from
 * bob's conversation; the phone, which follows, forgets them too, and compacts its database
 * after the whole conversation.
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import type { Composition } from '../../node/composition.ts'
import type { NodeParts } from '../../node/node-parts.ts'
import { scratchFile } from './file-probe.ts'
import { befriend, type FriendNode, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'
import { linkDevice } from './linked-account.ts'

const relay = relayForFriendNodes()

/** Every text `node` stores, in every conversation it has (shown or a device's own). */
async function storedTexts(node: FriendNode): Promise<string[]> {
  const pipeline = node.node.messages.pipeline
  const texts: string[] = []
  for (const peer of await pipeline.knownPeers()) {
    for (const { record } of await pipeline.recordsPage(peer, 1_000)) texts.push(record.text)
  }
  return texts
}

/** Sends a file with `text` from `from` to `to`; resolves once each of `on` holds it whole. */
async function sendFileSeenOn(
  from: FriendNode,
  to: FriendNode,
  text: string,
  on: FriendNode[],
): Promise<{ sha256: string }> {
  const sent = await from.node.attachments.sendFile(
    to.peerId,
    await scratchFile('notes.bin', randomBytes(200_000)),
    text,
  )
  const [done] = await Promise.all(
    on.map((node) =>
      node.event('transfer:complete', (view) => view.fileId === sent.transfer.fileId, {
        timeoutMs: 60_000,
      }),
    ),
  )
  return { sha256: done!.data.sha256 }
}

/** Whether `node` holds the file with hash `sha256`. */
async function holds(node: FriendNode, sha256: string): Promise<boolean> {
  return (await node.node.attachments.file(sha256)) != null
}

describe('deleting on one device of an account', () => {
  it("deletes what the account's other devices and the friend's other devices sent, and their files", async () => {
    const alice = await startFriendNode(relay())
    const bob = await startFriendNode(relay())
    await befriend(alice, bob)
    const phone = await linkDevice(relay(), alice, [bob])
    const bobsPhone = await linkDevice(relay(), bob, [alice, phone], 'bobs-phone')

    const fromPhone = await sendFileSeenOn(phone, bob, 'sent from the phone', [alice])
    const secondFromPhone = await sendFileSeenOn(phone, bob, 'also from the phone', [alice])
    const fromBobsPhone = await sendFileSeenOn(bobsPhone, alice, "from bob's phone", [alice, phone])
    const files = [fromPhone, secondFromPhone, fromBobsPhone].map(({ sha256 }) => sha256)
    for (const sha256 of files) expect(await holds(phone, sha256)).toBe(true)
    const shown = await alice.node.messages.history(bob.peerId, { limit: 10 })
    expect(shown.messages.map((m) => m.text)).toEqual(
      expect.arrayContaining(['sent from the phone', 'also from the phone', "from bob's phone"]),
    )

    // Delete for me, on the laptop: the text is gone from every conversation the laptop keeps.
    const copy = shown.messages.find((m) => m.text === 'sent from the phone')!
    const deletedOnPhone = phone.event('conversation:cleared', (e) => e.peerId === bob.peerId)
    const deleted = await alice.node.conversations.deleteConversation(bob.peerId, [copy.id])
    expect(deleted.deleted).toBe(1)
    expect(await storedTexts(alice)).not.toContain('sent from the phone')
    expect(await storedTexts(alice)).toContain('also from the phone')
    // The phone follows: the text it sent goes from its own conversation with bob, its file
    // from its store.
    await deletedOnPhone
    expect(await storedTexts(phone)).not.toContain('sent from the phone')
    expect(await holds(phone, fromPhone.sha256)).toBe(false)
    expect(await holds(phone, secondFromPhone.sha256)).toBe(true)

    // The whole conversation: no text of it stays, nor any file exchanged in it, on the
    // laptop; on the phone, which follows, no text of it either (bob's phone's included).
    const clearedOnPhone = phone.event(
      'conversation:cleared',
      (e) => e.peerId === bob.peerId && e.deleted > 1,
    )
    const phoneStorage = (phone.node as unknown as { parts: Composition<NodeParts> }).parts.get(
      'storage',
    )
    const compacted = vi.spyOn(phoneStorage, 'compact')
    await alice.node.conversations.deleteConversation(bob.peerId)
    for (const device of [alice, phone]) {
      if (device === phone) await clearedOnPhone
      const left = await storedTexts(device)
      expect(left).not.toContain('also from the phone')
      expect(left).not.toContain("from bob's phone")
    }
    for (const sha256 of files) {
      expect(await holds(alice, sha256)).toBe(false)
      expect(await holds(phone, sha256)).toBe(false)
    }
    expect(compacted).toHaveBeenCalled()
  }, 240_000)
})
