/**
 * Files in rooms between real nodes (TCP loopback, LevelDB, the whole node): an image sent
 * by alice is fetched by carol from bob while alice is offline, with its hash checked and a
 * thumbnail made; a node outside the room is refused the file; bytes that do not hash to
 * what the room message announced fail the transfer.
 */
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createTokenimNode,
  generateIdentity,
  type Identity,
  type TokenimNode,
} from '../../node/index.ts'
import type { RoomService } from '../../node/rooms/index.ts'
import { FileStatusCode } from '../../protocol/attachments.ts'
import type { EmittedNodeEvent, TransferView } from '../../protocol/local-api.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { waitForEvent, withTimeout } from '../helpers/wait.ts'
import { askForFile, testPng } from './file-probe.ts'
import { keysSettled, meshFormed, type RoomPeer, waitUntil } from './room-network.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface Member {
  node: TokenimNode
  identity: Identity
  dataDir: string
}

async function startMember(again?: Member): Promise<Member> {
  let dataDir = again?.dataDir
  if (dataDir == null) {
    const dir = await makeTempDir('tokenim-room-files-')
    cleanups.push(() => dir.remove())
    dataDir = dir.path
  }
  const identity = again?.identity ?? generateIdentity()
  const node = await createTokenimNode({
    dataDir,
    identity,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    apiPort: 0,
    allowPrivateAddresses: true,
    rooms: { syncIntervalMs: 2_000, keyRetryIntervalMs: 1_000, minSyncGapMs: 200 },
    attachments: { retryIntervalMs: 1_000 },
  })
  cleanups.push(() => node.stop())
  return { node, identity, dataDir }
}

/** A member as the room-network helpers see it. */
function peerOf({ node, identity }: Member): RoomPeer {
  return {
    identity,
    keyHex: Buffer.from(identity.publicKey).toString('hex'),
    host: node.host,
    rooms: node.rooms,
    events: node.rooms as unknown as EventTarget,
  } as unknown as RoomPeer
}

async function connect(a: Member, b: Member): Promise<void> {
  await a.node.host.dial(b.node.host.getMultiaddrs()[0])
}

function transferEvent(
  member: Member,
  type: 'transfer:complete' | 'transfer:failed',
  fileId: string,
  timeoutMs = 30_000,
): Promise<TransferView> {
  return waitForEvent<EmittedNodeEvent<typeof type>>(member.node, type, {
    timeoutMs,
    filter: (event) => event.data.fileId === fileId,
  }).then((event) => event.data)
}

async function scratchFile(name: string, bytes: Uint8Array): Promise<string> {
  const dir = await makeTempDir('tokenim-room-file-')
  cleanups.push(() => dir.remove())
  const path = join(dir.path, name)
  await writeFile(path, bytes)
  return path
}

/** Alice's room with bob and carol in it, every sender key handed out. */
async function roomOfThree(): Promise<{ roomId: string; members: Member[] }> {
  const members = [await startMember(), await startMember(), await startMember()]
  const [alice, bob, carol] = members
  await connect(bob, alice)
  await connect(carol, alice)
  await connect(carol, bob)
  const { roomId } = await alice.node.rooms.create('photos')
  await bob.node.rooms.join(roomId, { via: [alice.node.peerId] })
  await carol.node.rooms.join(roomId, { via: [alice.node.peerId] })
  const peers = members.map(peerOf)
  await waitUntil(peers, () => keysSettled(peers, roomId, 3), 'members and keys settled', 30_000)
  await waitUntil(peers, () => meshFormed(peers, roomId), 'gossip mesh', 30_000)
  return { roomId, members }
}

describe('files in rooms', () => {
  it('carol fetches alice’s image from bob while alice is offline', async () => {
    const { roomId, members } = await roomOfThree()
    const [alice, bob] = members
    let carol = members[2]
    await carol.node.stop()

    const image = testPng(300, 200)
    const path = await scratchFile('sunset.png', image.bytes)
    const bobGot = waitForEvent<EmittedNodeEvent<'room:message'>>(bob.node, 'room:message', {
      timeoutMs: 20_000,
      filter: (event) => event.data.attachment != null,
    })
    const sent = await alice.node.attachments.sendToRoom(roomId, { path }, 'look @bob', [
      bob.node.peerId,
    ])
    expect(sent.transfer).toMatchObject({ roomId, direction: 'out', state: 'complete' })
    const message = (await bobGot).data
    expect(message.attachment).toMatchObject({ name: 'sunset.png', mime: 'image/png' })
    expect(message.mentionsMe).toBe(true)
    const atBob = await transferEvent(bob, 'transfer:complete', sent.transfer.fileId)
    expect(atBob).toMatchObject({ roomId, sha256: image.sha256 })
    expect(atBob.thumbnail?.width).toBe(256)

    await alice.node.stop()
    carol = await startMember(carol)
    const carolDone = transferEvent(carol, 'transfer:complete', sent.transfer.fileId, 60_000)
    await connect(carol, bob)
    const atCarol = await withTimeout(carolDone, 60_000, 'carol has the image')
    expect(atCarol).toMatchObject({ roomId, sha256: image.sha256, state: 'complete' })
    expect(bob.node.attachments.servedChunks(sent.transfer.fileId)).toBeGreaterThan(0)
    const file = await carol.node.attachments.file(image.sha256)
    const chunks: Buffer[] = []
    for await (const chunk of file!.read()) chunks.push(Buffer.from(chunk))
    expect(Buffer.concat(chunks).equals(Buffer.from(image.bytes))).toBe(true)
    const history = carol.node.rooms.history(roomId)
    expect(history.messages.at(-1)?.attachment?.sha256).toBe(image.sha256)
    // The conversation list names the file beside the caption.
    const conversations = await carol.node.conversations.list()
    expect(conversations.find((c) => c.id === roomId)?.preview).toMatchObject({
      text: 'look @bob',
      attachment: { name: 'sunset.png', mime: 'image/png' },
    })
  }, 180_000)

  it('refuses a node outside the room, and fails a file whose bytes miss the hash', async () => {
    const { roomId, members } = await roomOfThree()
    const [alice, bob] = members
    const bytes = randomBytes(150_000)
    const path = await scratchFile('notes.bin', bytes)
    // Alice's node announces a hash the bytes do not have (a lying sender).
    const rooms: RoomService = alice.node.rooms
    const send = rooms.send.bind(rooms)
    rooms.send = (room, text, options = {}) =>
      send(room, text, {
        ...options,
        attachment: options.attachment && { ...options.attachment, sha256: randomBytes(32) },
      })
    const sent = await alice.node.attachments.sendToRoom(roomId, { path })
    const failed = await transferEvent(bob, 'transfer:failed', sent.transfer.fileId)
    expect(failed.failure).toMatch(/hash/i)
    expect(await bob.node.attachments.file(failed.sha256)).toBeUndefined()

    // A stranger who learnt the file id is refused by its holder.
    const stranger = await startMember()
    await connect(stranger, alice)
    expect(await askForFile(stranger.node, alice.node, sent.transfer.fileId)).toBe(
      FileStatusCode.NOT_YOURS,
    )
  }, 180_000)
})
