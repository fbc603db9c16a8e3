/**
 * A stolen data dir, without the password: two full nodes chat (a text, a file, a room
 * message, a friend request with a note, usernames), stop, and every file of both data
 * dirs (LevelDB's tables and logs, the attachment store) is searched raw for what they said
 * and for whom they said it to: the peers' ids and keys, the room's id, in text and as bytes,
 * in keys, values and file names (libp2p's peer store included).
 */
import { createHash } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { FRIENDS_API_PATHS, type TransferView } from '../../protocol/local-api.ts'
import { findOnDisk } from '../helpers/disk-scan.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { waitForEvent } from '../helpers/wait.ts'
import { relayForFriendNodes, startNamedNode } from './friends-nodes.ts'

const relay = relayForFriendNodes()

describe('sealed at rest', () => {
  it('leaves nothing a conversation said readable in the data dirs of stopped nodes', async () => {
    const alice = await startNamedNode(relay(), 'marzipan-alice')
    const bob = await startNamedNode(relay(), 'tamarind-bob')
    await alice.api.request('POST', FRIENDS_API_PATHS.add, {
      to: bob.peerId,
      note: 'remember the gazebo picnic',
    })
    await bob.event('friend:request', (request) => request.peerId === alice.peerId)
    await bob.api.request('POST', FRIENDS_API_PATHS.accept, { peer: alice.peerId })
    await alice.event('friend:accepted', (accepted) => accepted.peerId === bob.peerId)

    await alice.node.messages.send(bob.peerId, 'the walrus sings at dawn')
    await bob.event('message:received', (message) => message.text.includes('walrus'))

    const scratch = await makeTempDir('tokenim-sealed-file-')
    const content = `kumquat ledger, line after line: ${'abacus '.repeat(20_000)}`
    const sha256 = createHash('sha256').update(content).digest('hex')
    const path = join(scratch.path, 'kumquat-ledger.txt')
    await writeFile(path, content)
    const received = waitForEvent<{ data: TransferView }>(bob.node, 'transfer:complete', {
      timeoutMs: 30_000,
      filter: (event) => event.data.sha256 === sha256,
    })
    await alice.node.attachments.sendFile(bob.peerId, path, 'the ledger')
    await received
    await scratch.remove()

    const { roomId, invite } = await alice.node.rooms.create('obsidian-lounge', {
      inviteOnly: true,
    })
    await alice.node.rooms.send(roomId, 'saffron meteor tonight')

    // The search index holds the words, and finds them, before the nodes stop.
    for (const node of [alice, bob]) {
      const found = await node.node.conversations.search('walrus')
      expect(found.hits).toHaveLength(1)
    }
    expect((await alice.node.conversations.search('saffron')).hits).toHaveLength(1)

    await alice.stop()
    await bob.stop()
    const secrets = [
      'walrus',
      'dawn',
      'saffron',
      'meteor',
      'marzipan-alice',
      'tamarind-bob',
      'gazebo',
      'kumquat',
      'abacus',
      'obsidian-lounge',
      invite,
      sha256,
      `hex:${sha256}`,
      roomId,
      `hex:${roomId}`,
      ...[alice, bob].flatMap((node) => [
        node.peerId,
        peerIdFromString(node.peerId).toCID().toString(),
        node.publicKey,
        `hex:${node.publicKey}`,
        `hex:${Buffer.from(peerIdFromString(node.peerId).toMultihash().bytes).toString('hex')}`,
      ]),
    ]
    expect(await findOnDisk(alice.dataDir, secrets)).toEqual([])
    expect(await findOnDisk(bob.dataDir, secrets)).toEqual([])
  }, 90_000)
})
