/**
 * Conversations between real nodes on loopback: the list's order, unread counts and
 * previews across 1:1 chats and rooms, opening a conversation (read receipts reach the
 * sender), styles end to end, history pages, full-text search (also after delete), and
 * everything still there after both nodes restart.
 */
import { randomBytes } from 'node:crypto'
import { readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { findOnDisk } from '../helpers/disk-scan.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { withTimeout } from '../helpers/wait.ts'
import {
  type ChatPeer,
  connectChatPeers,
  startChatPeer,
  transferEvent,
} from './conversations-network.ts'
import { BundleDirectory, receivedCount, stateReached } from './messaging-peers.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function peer(directory: BundleDirectory): Promise<{ current: ChatPeer }> {
  const holder = { current: await startChatPeer({ directory }) }
  cleanups.push(() => holder.current.remove())
  return holder
}

async function restart(holder: { current: ChatPeer }): Promise<ChatPeer> {
  holder.current = await holder.current.restart()
  return holder.current
}

describe('conversations', () => {
  it('lists 1:1 chats and rooms by last message with unread counts; opening marks read', async () => {
    const directory = new BundleDirectory()
    const alice = (await peer(directory)).current
    const bob = (await peer(directory)).current
    const carol = (await peer(directory)).current
    await connectChatPeers(alice, bob)
    await connectChatPeers(alice, carol)

    const first = await bob.base.messages.send(alice.peerId, 'hi alice, lunch today?')
    const second = await bob.base.messages.send(alice.peerId, 'or tomorrow')
    await receivedCount(alice.base, 2)
    await carol.base.messages.send(alice.peerId, 'the report is ready')
    await receivedCount(alice.base, 3)
    const { roomId } = await alice.rooms.create('book club')
    await alice.rooms.send(roomId, 'next book: Dune')

    const list = await alice.conversations.list()
    expect(list.map((item) => [item.kind, item.id, item.unread])).toEqual([
      ['room', roomId, 0],
      ['direct', carol.peerId, 1],
      ['direct', bob.peerId, 2],
    ])
    expect(list[0]).toMatchObject({
      name: 'book club',
      preview: { text: 'next book: Dune', mine: true },
    })
    expect(list[2].preview).toMatchObject({ text: 'or tomorrow', mine: false })
    expect(list[1].lastMessageAt).toBeGreaterThan(list[2].lastMessageAt!)

    const opened = await alice.conversations.open({ peer: bob.peerId }, { limit: 10 })
    expect(opened.kind).toBe('direct')
    expect(opened.conversation.unread).toBe(0)
    if (opened.kind !== 'direct') throw new Error('unreachable')
    expect(opened.history.messages.map((m) => m.text)).toEqual([
      'hi alice, lunch today?',
      'or tomorrow',
    ])
    // The read receipt travels back through the messaging pipeline.
    await stateReached(bob.base, first.id, 'read')
    await stateReached(bob.base, second.id, 'read')
    const after = await alice.conversations.list()
    expect(after.find((item) => item.id === bob.peerId)?.unread).toBe(0)
    expect(after.find((item) => item.id === carol.peerId)?.unread).toBe(1)

    await bob.base.messages.send(alice.peerId, 'ping')
    await receivedCount(alice.base, 4)
    expect((await alice.conversations.list()).map((item) => [item.id, item.unread])).toEqual([
      [bob.peerId, 1],
      [roomId, 0],
      [carol.peerId, 1],
    ])
  })

  it('a deleted conversation leaves the disk at once: its records and files are in no file', async () => {
    const directory = new BundleDirectory()
    const alice = (await peer(directory)).current
    const bob = (await peer(directory)).current
    await connectChatPeers(alice, bob)
    await bob.base.messages.send(alice.peerId, 'burn after reading')
    const scratch = await makeTempDir('tokenim-delete-file-')
    const path = join(scratch.path, 'plans.bin')
    await writeFile(path, randomBytes(200_000))
    const sent = await bob.attachments.sendFile(alice.peerId, path)
    await scratch.remove()
    await transferEvent(alice, 'transfer:complete', sent.transfer.fileId)
    await receivedCount(alice.base, 2)
    const sealed: string[] = []
    // The bytes as stored: under keys with the peer's name hidden (node/key-names.ts).
    const messaging = alice.base.storage.sublevel('messaging')
    for await (const value of messaging.raw.values({
      gt: messaging.names.hide(`h/${bob.keyHex}/`),
      lt: messaging.names.hide(`h/${bob.keyHex}/~`),
    })) {
      sealed.push(`hex:${Buffer.from(value).toString('hex')}`)
    }
    expect(sealed).toHaveLength(2)
    const attachments = alice.base.storage.sublevel('attachments')
    const transfer = await attachments.raw.get(attachments.names.hide(`x/${sent.transfer.fileId}`))
    sealed.push(`hex:${Buffer.from(transfer!).toString('hex')}`)
    const storedFiles = async () =>
      (await readdir(join(alice.dataDir, 'files'), { withFileTypes: true })).filter((entry) =>
        entry.isFile(),
      )
    expect(await storedFiles()).toHaveLength(1)
    expect(await findOnDisk(alice.dataDir, sealed)).toHaveLength(3)

    await alice.conversations.deleteConversation(bob.peerId)
    expect(await findOnDisk(alice.dataDir, sealed)).toEqual([])
    expect(await storedFiles()).toEqual([])
    expect(await alice.attachments.transfers()).toEqual([])
    // The sender keeps its copy: the conversation is deleted here only.
    expect(await bob.attachments.file(sent.transfer.sha256)).toBeDefined()
  })

  it('a deleted conversation leaves the disk at once when its texts were sealed together', async () => {
    const directory = new BundleDirectory()
    const alice = (await peer(directory)).current
    const bob = (await peer(directory)).current
    await connectChatPeers(alice, bob)
    // Sent at once, the texts after the first travel in one bundle and are written in one
    // batch on alice's node: their records share a group (node/record-groups.ts).
    const words = ['first', 'second', 'third', 'fourth', 'fifth']
    await Promise.all(words.map((word) => bob.base.messages.send(alice.peerId, `${word} secret`)))
    await receivedCount(alice.base, words.length)
    // The groups the history records point into (each key a 9-byte pointer: the group's id
    // and the place). The dedup ids stay after a delete, as they did sealed one by one.
    const messaging = alice.base.storage.sublevel('messaging')
    const ids = new Set<string>()
    for await (const value of messaging.raw.values({
      gt: messaging.names.hide(`h/${bob.keyHex}/`),
      lt: messaging.names.hide(`h/${bob.keyHex}/~`),
    })) {
      if (value.length === 9) ids.add(Buffer.from(value.subarray(0, 8)).toString('hex'))
    }
    expect(ids.size).toBeGreaterThan(0)
    const groups = await messaging.groups!.raw.getMany([...ids])
    const sealed = groups.map((group) => `hex:${Buffer.from(group!).toString('hex')}`)
    expect(await findOnDisk(alice.dataDir, sealed)).not.toEqual([])

    await alice.conversations.deleteConversation(bob.peerId)
    expect(await messaging.groups!.raw.getMany([...ids])).toEqual([...ids].map(() => undefined))
    expect(await findOnDisk(alice.dataDir, sealed)).toEqual([])
    expect(await alice.base.messages.history(bob.peerId)).toMatchObject({ messages: [] })
  })

  it('carries style attributes end to end and pages history', async () => {
    const directory = new BundleDirectory()
    const alice = (await peer(directory)).current
    const bob = (await peer(directory)).current
    await connectChatPeers(alice, bob)
    await bob.base.messages.send(alice.peerId, 'big red bold', {
      style: { bold: true, color: 0xff0000, size: 18 },
    })
    await bob.base.messages.send(alice.peerId, 'plain', {})
    for (let i = 0; i < 5; i++) await bob.base.messages.send(alice.peerId, `filler ${i}`)
    await receivedCount(alice.base, 7)
    expect(alice.base.received[0].style).toEqual({ bold: true, color: '#ff0000', size: 18 })
    expect(alice.base.received[1].style).toBeUndefined()

    const latest = await alice.base.messages.history(bob.peerId, { limit: 3 })
    expect(latest.messages.map((m) => m.text)).toEqual(['filler 2', 'filler 3', 'filler 4'])
    const older = await alice.base.messages.history(bob.peerId, {
      limit: 3,
      before: latest.nextBefore!,
    })
    expect(older.messages.map((m) => m.text)).toEqual(['plain', 'filler 0', 'filler 1'])
    const oldest = await alice.base.messages.history(bob.peerId, {
      limit: 3,
      before: older.nextBefore!,
    })
    expect(oldest.messages.map((m) => [m.text, m.style])).toEqual([
      ['big red bold', { bold: true, color: '#ff0000', size: 18 }],
    ])
    expect(oldest.nextBefore).toBeNull()
    // The sender's own copy shows the style too.
    const sent = await bob.base.messages.history(alice.peerId, { limit: 50 })
    expect(sent.messages[0].style).toEqual({ bold: true, color: '#ff0000', size: 18 })
  })

  it('searches every conversation, finds nothing after delete, and keeps all across restarts', async () => {
    const directory = new BundleDirectory()
    const aliceHolder = await peer(directory)
    const bobHolder = await peer(directory)
    const carolHolder = await peer(directory)
    let alice = aliceHolder.current
    let bob = bobHolder.current
    const carol = carolHolder.current
    await connectChatPeers(alice, bob)
    await connectChatPeers(alice, carol)

    await bob.base.messages.send(alice.peerId, 'Bring the pineapple pizza')
    await bob.base.messages.send(alice.peerId, '明天去北京吃饭')
    await receivedCount(alice.base, 2)
    await alice.base.messages.send(bob.peerId, 'no PINEAPPLE on pizza, ever')
    await carol.base.messages.send(alice.peerId, 'pineapple juice for me')
    await receivedCount(alice.base, 3)
    const { roomId } = await alice.rooms.create('kitchen')
    await alice.rooms.send(roomId, 'who ate the pineapple?')

    const all = await alice.conversations.search('pineapple')
    expect(all.hits.map((hit) => hit.message.text)).toEqual([
      'who ate the pineapple?',
      'pineapple juice for me',
      'no PINEAPPLE on pizza, ever',
      'Bring the pineapple pizza',
    ])
    expect(all.hits.map((hit) => hit.kind)).toEqual(['room', 'direct', 'direct', 'direct'])
    const both = await alice.conversations.search('pizza pineapple', { limit: 1 })
    expect(both.hits.map((hit) => hit.message.text)).toEqual(['no PINEAPPLE on pizza, ever'])
    const next = await alice.conversations.search('pizza pineapple', {
      limit: 1,
      before: both.nextBefore!,
    })
    expect(next.hits.map((hit) => hit.message.text)).toEqual(['Bring the pineapple pizza'])
    expect((await alice.conversations.search('北京')).hits.map((h) => h.message.text)).toEqual([
      '明天去北京吃饭',
    ])

    const deleted = await alice.conversations.deleteConversation(bob.peerId)
    expect(deleted).toEqual({ peerId: bob.peerId, deleted: 3 })
    expect((await alice.conversations.search('pizza')).hits).toEqual([])
    expect((await alice.conversations.search('北京')).hits).toEqual([])
    expect((await alice.conversations.search('pineapple')).hits.map((h) => h.message.text)).toEqual(
      ['who ate the pineapple?', 'pineapple juice for me'],
    )
    expect((await alice.conversations.list()).map((item) => item.id)).toEqual([
      roomId,
      carol.peerId,
    ])
    expect((await alice.base.messages.history(bob.peerId)).messages).toEqual([])

    // The conversation goes on after the delete, in order, with only the new messages.
    await bob.base.messages.send(alice.peerId, 'did you delete our pizza chat?')
    await receivedCount(alice.base, 4)
    expect((await alice.conversations.search('pizza')).hits.map((h) => h.message.text)).toEqual([
      'did you delete our pizza chat?',
    ])

    alice = await restart(aliceHolder)
    bob = await restart(bobHolder)
    await connectChatPeers(alice, bob)
    expect((await alice.conversations.list()).map((item) => item.id)).toEqual([
      bob.peerId,
      roomId,
      carol.peerId,
    ])
    expect((await alice.conversations.search('pineapple')).hits).toHaveLength(2)
    expect((await alice.conversations.search('pizza')).hits).toHaveLength(1)
    expect((await bob.conversations.search('pineapple')).hits.map((h) => h.message.text)).toEqual([
      'no PINEAPPLE on pizza, ever',
      'Bring the pineapple pizza',
    ])
    // A message stored after the restart is indexed too.
    await withTimeout(bob.base.messages.send(alice.peerId, 'pizza again tonight'), 10_000, 'send')
    await receivedCount(alice.base, 1)
    expect((await alice.conversations.search('tonight')).hits).toHaveLength(1)
  })

  it('search and attachments follow the history feed: stopped, they catch up once after a restart', async () => {
    const directory = new BundleDirectory()
    const aliceHolder = await peer(directory)
    const bobHolder = await peer(directory)
    const alice = aliceHolder.current
    let bob = bobHolder.current
    await connectChatPeers(alice, bob)

    // Bob's two readers stop; his messaging goes on storing what arrives.
    await bob.conversations.stop()
    await bob.attachments.stop()
    const dir = await makeTempDir('tokenim-feed-file-')
    cleanups.push(() => dir.remove())
    const path = join(dir.path, 'walrus.txt')
    await writeFile(path, 'a small file about walruses')
    const sent = await alice.attachments.sendFile(bob.peerId, path, 'the walrus file')
    await alice.base.messages.send(bob.peerId, 'walrus tusks are teeth')
    await receivedCount(bob.base, 2)

    bob = await restart(bobHolder)
    await transferEvent(bob, 'transfer:complete', sent.transfer.fileId)
    const hits = (await bob.conversations.search('walrus')).hits.map((hit) => hit.message.text)
    // Both stored within the same millisecond at times: their order is not the point here.
    expect(hits.sort()).toEqual(['the walrus file', 'walrus tusks are teeth'])

    // Started again, neither takes anything twice.
    bob = await restart(bobHolder)
    expect((await bob.conversations.search('walrus')).hits).toHaveLength(2)
    expect(await bob.attachments.transfers()).toHaveLength(1)
    expect(bob.transfers.filter(({ view }) => view.fileId === sent.transfer.fileId)).toEqual([])
  })
})
