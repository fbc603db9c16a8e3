/**
 * Attachments between real nodes on loopback: a small image inline in the DM, a 5 MiB file
 * in chunks whose hash matches on the receiver, a transfer cut halfway by stopping the
 * receiver's node that resumes after its restart with only the missing chunks, the size
 * limit, the local API's upload and download routes, and everything still there after
 * restarts.
 */
import { createHash, randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { type AddressInfo, createServer, type Socket } from 'node:net'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { multiaddr } from '@multiformats/multiaddr'
import jpeg from 'jpeg-js'
import { afterEach, describe, expect, it } from 'vitest'
import { LocalApiServer } from '../../node/api/local-api-server.ts'
import { attachmentRoutes, FileSizeError } from '../../node/attachments/index.ts'
import { conversationRoutes } from '../../node/conversations/index.ts'
import { ATTACHMENT_CHUNK_SIZE, MAX_INLINE_ATTACHMENT_SIZE } from '../../protocol/limits.ts'
import {
  CONVERSATION_API_PATHS,
  FILE_API_PATHS,
  type OpenConversationResponse,
  type SendFileResponse,
  type TransferView,
} from '../../protocol/local-api.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { withTimeout } from '../helpers/wait.ts'
import {
  type ChatPeer,
  type ChatPeerOptions,
  connectChatPeers,
  startChatPeer,
  transferEvent,
} from './conversations-network.ts'
import { BundleDirectory, receivedCount } from './messaging-peers.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function peer(
  directory: BundleDirectory,
  options: Partial<ChatPeerOptions> = {},
): Promise<{ current: ChatPeer }> {
  const holder = { current: await startChatPeer({ directory, ...options }) }
  cleanups.push(() => holder.current.remove())
  return holder
}

async function scratchFile(name: string, bytes: Uint8Array): Promise<string> {
  const dir = await makeTempDir('tokenim-send-')
  cleanups.push(() => dir.remove())
  const path = join(dir.path, name)
  await writeFile(path, bytes)
  return path
}

/** A small valid PNG: signature, IHDR, a text chunk of `padding` bytes, IEND. */
function png(width: number, height: number, padding: number): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const head = Buffer.alloc(8)
    head.writeUInt32BE(data.length, 0)
    head.write(type, 4, 'latin1')
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])))
    return Buffer.concat([head, data, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 6, 0, 0, 0], 8)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from(`Comment\u0000${'x'.repeat(padding)}`, 'latin1')),
    chunk('IEND', new Uint8Array(0)),
  ])
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

async function api(peer: ChatPeer): Promise<LocalApiServer> {
  const server = new LocalApiServer({
    routes: {
      ...attachmentRoutes(() => peer.attachments),
      ...conversationRoutes(() => peer.conversations),
    },
  })
  await server.start()
  cleanups.push(() => server.stop())
  return server
}

describe('attachments', () => {
  it('sends a small image inline; the receiver stores it, detects it and serves it', async () => {
    const directory = new BundleDirectory()
    const alice = (await peer(directory)).current
    const bob = (await peer(directory)).current
    await connectChatPeers(alice, bob)
    const image = png(640, 480, 2000)
    const path = await scratchFile('cat.png', image)

    const sent = await alice.attachments.sendFile(bob.peerId, path, 'my cat')
    expect(sent.transfer).toMatchObject({
      inline: true,
      mime: 'image/png',
      width: 640,
      height: 480,
    })
    const done = await transferEvent(bob, 'transfer:complete', sent.transfer.fileId)
    expect(done).toMatchObject({
      direction: 'in',
      name: 'cat.png',
      mime: 'image/png',
      sha256: sha256(image),
      width: 640,
      height: 480,
      state: 'complete',
    })
    expect(Buffer.from(await bob.attachments.files.read(sha256(image)))).toEqual(Buffer.from(image))
    // Its header is all there is of it: delivered, but no thumbnail can be made.
    expect(done.thumbnail).toBeUndefined()

    const server = await api(bob)
    const url = `${server.url}${FILE_API_PATHS.file}?sha256=${sha256(image)}`
    const refused = await fetch(url)
    expect(refused.status).toBe(401)
    const served = await fetch(url, { headers: { authorization: `Bearer ${server.token}` } })
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('image/png')
    expect(served.headers.get('content-security-policy')).toContain('sandbox')
    expect(Buffer.from(await served.arrayBuffer())).toEqual(Buffer.from(image))
    const missing = await fetch(`${server.url}${FILE_API_PATHS.file}?sha256=${'0'.repeat(64)}`, {
      headers: { authorization: `Bearer ${server.token}` },
    })
    expect(missing.status).toBe(404)
    const noThumbnail = await fetch(`${url}&thumbnail=1`, {
      headers: { authorization: `Bearer ${server.token}` },
    })
    expect(noThumbnail.status).toBe(404)

    // Opening the conversation shows the attachment with its state, for a client to render.
    const opened = (await (
      await fetch(`${server.url}${CONVERSATION_API_PATHS.open}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ peer: alice.peerId }),
      })
    ).json()) as OpenConversationResponse
    expect(opened.history.messages[0]).toMatchObject({
      text: 'my cat',
      attachment: { name: 'cat.png', inline: true, state: 'complete', width: 640 },
    })
  })

  it('makes a thumbnail of a received photo and serves it', async () => {
    const directory = new BundleDirectory()
    const alice = (await peer(directory)).current
    const bob = (await peer(directory)).current
    await connectChatPeers(alice, bob)
    const pixels = Buffer.alloc(1200 * 800 * 4)
    for (let i = 0; i < pixels.length; i += 4) pixels.set([(i >> 4) & 255, 90, 160, 255], i)
    const photo = jpeg.encode({ width: 1200, height: 800, data: pixels }, 90).data
    expect(photo.length).toBeGreaterThan(MAX_INLINE_ATTACHMENT_SIZE)
    const sent = await alice.attachments.sendFile(bob.peerId, await scratchFile('beach.jpg', photo))

    const done = await transferEvent(bob, 'transfer:complete', sent.transfer.fileId)
    expect(done).toMatchObject({
      mime: 'image/jpeg',
      width: 1200,
      height: 800,
      thumbnail: { mime: 'image/jpeg', width: 256, height: 171 },
    })
    const pieces: Uint8Array[] = []
    for await (const piece of bob.attachments.files.readThumbnail(sha256(photo))) pieces.push(piece)
    const stored = Buffer.concat(pieces)
    expect(stored.length).toBe(done.thumbnail?.size)
    expect(jpeg.decode(stored)).toMatchObject({ width: 256, height: 171 })
    const server = await api(bob)
    const served = await fetch(
      `${server.url}${FILE_API_PATHS.file}?sha256=${sha256(photo)}&thumbnail=1`,
      { headers: { authorization: `Bearer ${server.token}` } },
    )
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('image/jpeg')
    expect(served.headers.get('content-disposition')).toContain('beach.thumbnail.jpg')
    expect(Buffer.from(await served.arrayBuffer())).toEqual(stored)
    expect((await bob.attachments.transfers())[0].thumbnail).toEqual(done.thumbnail)
    // The sender's own copy has none: thumbnails are made of received images.
    expect((await alice.attachments.transfer(sent.transfer.fileId))?.thumbnail).toBeUndefined()
  })

  it('sends 5 MiB in chunks; the hash matches on the receiver', async () => {
    const directory = new BundleDirectory()
    const alice = (await peer(directory)).current
    const bob = (await peer(directory)).current
    await connectChatPeers(alice, bob)
    const bytes = randomBytes(5 * 1024 * 1024)
    const path = await scratchFile('video.bin', bytes)

    const sent = await alice.attachments.sendFile(bob.peerId, path)
    const chunks = (5 * 1024 * 1024) / ATTACHMENT_CHUNK_SIZE
    expect(sent.transfer).toMatchObject({ inline: false, totalChunks: chunks, state: 'pending' })
    const done = await transferEvent(bob, 'transfer:complete', sent.transfer.fileId)
    expect(done.sha256).toBe(sha256(bytes))
    expect(sha256(await bob.attachments.files.read(done.sha256))).toBe(sha256(bytes))
    expect(alice.attachments.servedChunks(sent.transfer.fileId)).toBe(chunks)
    // The sender hears that the recipient has it.
    await transferEvent(alice, 'transfer:complete', sent.transfer.fileId)
    expect((await alice.attachments.transfer(sent.transfer.fileId))?.state).toBe('complete')
  })

  it('resumes a transfer cut by stopping the receiver, with only the missing chunks', async () => {
    const directory = new BundleDirectory()
    const alice = (await peer(directory)).current
    const bobHolder = await peer(directory, {
      attachments: { flushEveryChunks: 4, progressIntervalMs: 0 },
    })
    let bob = bobHolder.current
    await connectChatPeers(alice, bob)
    const bytes = randomBytes(5 * 1024 * 1024)
    const chunks = bytes.length / ATTACHMENT_CHUNK_SIZE
    const path = await scratchFile('archive.tar', bytes)

    const first = bob
    const halfway = new Promise<number>((resolve) => {
      first.events.addEventListener('transfer:progress', (event) => {
        const view = (event as CustomEvent).detail
        if (view.direction === 'in' && view.chunks >= chunks / 2) {
          // Stopped from inside the transfer: no chunk is taken in after this call.
          void first.attachments.stop()
          resolve(view.chunks)
        }
      })
    })
    const sent = await alice.attachments.sendFile(bob.peerId, path)
    const heldWhenStopped = await halfway
    await bob.stop()
    expect(heldWhenStopped).toBeLessThan(chunks)
    const servedBefore = alice.attachments.servedChunks(sent.transfer.fileId)

    bob = await bobHolder.current.restart()
    bobHolder.current = bob
    // What was synced before the stop is still held.
    const resumed = (await bob.attachments.transfer(sent.transfer.fileId))!
    expect(resumed.chunks).toBeGreaterThan(0)
    await connectChatPeers(bob, alice)
    const done = await transferEvent(bob, 'transfer:complete', sent.transfer.fileId)
    expect(sha256(await bob.attachments.files.read(done.sha256))).toBe(sha256(bytes))
    const sentAgain = alice.attachments.servedChunks(sent.transfer.fileId) - servedBefore
    expect(sentAgain).toBeGreaterThan(0)
    expect(sentAgain).toBeLessThan(chunks)
    expect(sentAgain).toBeLessThanOrEqual(chunks - resumed.chunks)

    // Everything is still there after both restart.
    const aliceAgain = await alice.restart()
    cleanups.push(() => aliceAgain.remove())
    bob = await bob.restart()
    bobHolder.current = bob
    const transfers = await bob.attachments.transfers()
    expect(transfers.map((t) => [t.fileId, t.state, t.chunks])).toEqual([
      [sent.transfer.fileId, 'complete', chunks],
    ])
    expect((await bob.attachments.file(done.sha256))?.size).toBe(bytes.length)
    const history = await bob.base.messages.history(aliceAgain.peerId)
    expect(history.messages[0].attachment).toMatchObject({
      name: 'archive.tar',
      size: bytes.length,
    })
  })

  it('a run that fails while the sender reconnects goes again at once', async () => {
    const directory = new BundleDirectory()
    const alice = (await peer(directory)).current
    // No retry timer to fall back on: only the reconnection can restart the transfer.
    const bobHolder = await peer(directory, {
      attachments: { dialTimeoutMs: 2_000, retryIntervalMs: 3_600_000 },
    })
    let bob = bobHolder.current
    await connectChatPeers(alice, bob)
    const bytes = randomBytes(2 * 1024 * 1024)
    const first = bob
    const started = new Promise<void>((resolve) => {
      first.events.addEventListener('transfer:progress', (event) => {
        if ((event as CustomEvent<TransferView>).detail.direction !== 'in') return
        void first.attachments.stop()
        resolve()
      })
    })
    const sent = await alice.attachments.sendFile(bob.peerId, await scratchFile('a.bin', bytes))
    await started
    // Bob only knows an address of alice's that accepts and then never answers: his first
    // run at start hangs on it until the dial times out, while alice reaches him herself.
    const held: Socket[] = []
    const silent = createServer((socket) => held.push(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    cleanups.push(async () => {
      for (const socket of held) socket.destroy()
      await new Promise((resolve) => silent.close(resolve))
    })
    const port = (silent.address() as AddressInfo).port
    await bob.base.host.peerStore.save(alice.base.host.peerId, {
      multiaddrs: [multiaddr(`/ip4/127.0.0.1/tcp/${port}`)],
    })
    const dialled = new Promise<void>((resolve) => silent.once('connection', () => resolve()))
    bob = await bob.restart()
    bobHolder.current = bob
    await withTimeout(dialled, 10_000, 'bob dials the silent address')
    await connectChatPeers(alice, bob)
    const done = await transferEvent(bob, 'transfer:complete', sent.transfer.fileId, 20_000)
    expect(done.sha256).toBe(sha256(bytes))
  })

  it('refuses files over the size limit and streams uploads through the API', async () => {
    const directory = new BundleDirectory()
    const alice = (await peer(directory, { attachments: { maxFileSize: 1024 * 1024 } })).current
    const bob = (await peer(directory)).current
    await connectChatPeers(alice, bob)
    const big = await scratchFile('big.bin', randomBytes(1024 * 1024 + 1))
    await expect(alice.attachments.sendFile(bob.peerId, big)).rejects.toBeInstanceOf(FileSizeError)

    const server = await api(alice)
    const text = 'shopping list: eggs, milk\n'.repeat(100)
    const query = new URLSearchParams({ to: bob.peerId, name: 'list.txt', text: 'for later' })
    const answer = await fetch(`${server.url}${FILE_API_PATHS.upload}?${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}` },
      body: text,
    })
    expect(answer.status).toBe(200)
    const sent = (await answer.json()) as SendFileResponse
    expect(sent.transfer).toMatchObject({ name: 'list.txt', mime: 'text/plain', inline: true })
    const done = await transferEvent(bob, 'transfer:complete', sent.transfer.fileId)
    expect(done.mime).toBe('text/plain')
    await receivedCount(bob.base, 1)
    expect(bob.base.received[0]).toMatchObject({
      text: 'for later',
      attachment: { name: 'list.txt' },
    })

    const tooBig = await fetch(`${server.url}${FILE_API_PATHS.upload}?${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}` },
      body: randomBytes(1024 * 1024 + 1),
    })
    expect(tooBig.status).toBe(413)
    expect(((await tooBig.json()) as { error: { name: string } }).error.name).toBe('FileSizeError')
  })
})
