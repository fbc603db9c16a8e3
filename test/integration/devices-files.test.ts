/**
 * Files and images reach every device of both accounts (real nodes behind a loopback relay,
 * real LevelDB): alice on a laptop and a linked phone, bob on one device. An image bob sends
 * alice lands on both of her devices with the same bytes (and a thumbnail), a small one
 * inline too; a file alice sends from the phone shows on her laptop as sent, and the laptop
 * fetches its bytes from the phone; a stranger asking the phone for that file is refused, and
 * so is the phone asking bob for his image once alice revoked it.
 */
import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { FileStatusCode } from '../../protocol/attachments.ts'
import { MAX_INLINE_ATTACHMENT_SIZE } from '../../protocol/limits.ts'
import { askForFile, scratchFile, testPng } from './file-probe.ts'
import { befriend, type FriendNode, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'
import { linkDevice } from './linked-account.ts'

const relay = relayForFriendNodes()

function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** Resolves once `node` holds file `fileId` whole; returns the hash of the bytes it serves. */
async function landed(node: FriendNode, fileId: string): Promise<string> {
  const done = await node.event('transfer:complete', (view) => view.fileId === fileId, {
    timeoutMs: 60_000,
  })
  const file = await node.node.attachments.file(done.data.sha256)
  if (file == null) throw new Error(`${node.peerId} shows ${fileId} complete but has no file`)
  const chunks: Uint8Array[] = []
  for await (const chunk of file.read()) chunks.push(chunk)
  return sha256Of(Buffer.concat(chunks))
}

describe('files on every device of an account', () => {
  it("bob's images reach alice's laptop and phone; the phone's file shows on the laptop as sent, and a stranger is refused it", async () => {
    const alice = await startFriendNode(relay())
    const bob = await startFriendNode(relay())
    await befriend(alice, bob)
    const phone = await linkDevice(relay(), alice, [bob])

    // An image bob sends: chunked (over the inline size), and one small enough to go inline.
    const big = testPng(160, 160)
    expect(big.bytes.length).toBeGreaterThan(MAX_INLINE_ATTACHMENT_SIZE)
    const small = testPng(16, 16)
    const bigSent = await bob.node.attachments.sendFile(
      alice.peerId,
      await scratchFile('sunset.png', big.bytes),
      'look',
    )
    const smallSent = await bob.node.attachments.sendFile(
      alice.peerId,
      await scratchFile('icon.png', small.bytes),
    )
    expect(smallSent.transfer.inline).toBe(true)
    for (const device of [alice, phone]) {
      expect(await landed(device, bigSent.transfer.fileId)).toBe(big.sha256)
      expect(await landed(device, smallSent.transfer.fileId)).toBe(small.sha256)
      // The image's thumbnail is made on each device, as for any received image.
      const thumbnailed = await device.event(
        'transfer:complete',
        (view) => view.fileId === bigSent.transfer.fileId && view.thumbnail != null,
        { timeoutMs: 60_000 },
      )
      expect(await device.node.attachments.thumbnail(thumbnailed.data.sha256)).toBeDefined()
      const shown = (await device.node.messages.history(bob.peerId, { limit: 10 })).messages
      expect(shown.map((m) => [m.direction, m.attachment?.sha256])).toEqual([
        ['in', big.sha256],
        ['in', small.sha256],
      ])
    }
    // Bob's text reads delivered once either device has it.
    await bob.event('message:state', (s) => s.id === bigSent.messageId && s.state === 'delivered')

    // A file alice sends from the phone: her laptop shows it as sent from the phone, and
    // fetches its bytes from the phone.
    const notes = randomBytes(300_000)
    const fromPhone = await phone.node.attachments.sendFile(
      bob.peerId,
      await scratchFile('notes.bin', notes),
      'the notes',
    )
    expect(await landed(bob, fromPhone.transfer.fileId)).toBe(sha256Of(notes))
    expect(await landed(alice, fromPhone.transfer.fileId)).toBe(sha256Of(notes))
    const onLaptop = (await alice.node.messages.history(bob.peerId, { limit: 10 })).messages.at(-1)
    expect(onLaptop).toMatchObject({
      text: 'the notes',
      direction: 'out',
      sentFrom: phone.peerId,
      attachment: { name: 'notes.bin', sha256: sha256Of(notes) },
    })

    // A stranger who learnt the file id is refused by the phone.
    const stranger = await startFriendNode(relay())
    await stranger.node.host.dial(phone.node.host.getMultiaddrs())
    expect(await askForFile(stranger.node, phone.node, fromPhone.transfer.fileId)).toBe(
      FileStatusCode.NOT_YOURS,
    )

    // Once alice revokes the phone, bob's node no longer serves it bob's image.
    const list = await alice.node.devices.revoke('phone')
    await bob.event(
      'friend:devices',
      (data) => data.peerId === alice.peerId && data.devices.version === list.version,
    )
    expect(await askForFile(phone.node, bob.node, bigSent.transfer.fileId)).toBe(
      FileStatusCode.NOT_YOURS,
    )
  }, 240_000)
})
