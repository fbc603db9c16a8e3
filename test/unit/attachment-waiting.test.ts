/**
 * An incoming transfer that cannot reach its sender, neither directly nor through a relay,
 * says why in its view.
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Attachments, type AttachmentsComponents } from '../../node/attachments/index.ts'
import { generateIdentity } from '../../node/identity/index.ts'
import { HistoryFeed } from '../../node/messaging/index.ts'
import { MessageStore } from '../../node/messaging/message-store.ts'
import { openStorage } from '../../node/storage.ts'
import { ATTACHMENT_CHUNK_SIZE } from '../../protocol/limits.ts'
import type { TransferView } from '../../protocol/local-api.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { testLogger } from '../helpers/test-logger.ts'
import { waitForEvent } from '../helpers/wait.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Attachments whose host fails every dial with an error of this name. */
async function receiverFailingWith(errorName: string) {
  const dir = await makeTempDir('tokenim-attachments-waiting-')
  const storage = await openStorage(join(dir.path, 'db'))
  cleanups.push(async () => {
    await storage.close()
    await dir.remove()
  })
  const events = new EventTarget()
  const noop = () => {}
  const log = Object.assign(noop, { error: noop, trace: noop, enabled: false })
  const host = {
    handle: async () => {},
    unhandle: async () => {},
    addEventListener: noop,
    removeEventListener: noop,
    logger: { forComponent: () => log },
    getConnections: () => [],
    dialProtocol: async () => {
      const error = new Error('cannot open the stream')
      error.name = errorName
      throw error
    },
    peerRouting: {
      findPeer: async () => {
        throw new Error('not found')
      },
    },
  } as unknown as AttachmentsComponents['host']
  const attachments = new Attachments({
    host,
    db: storage.sublevel('attachments'),
    filesDir: join(dir.path, 'files'),
    identity: generateIdentity(),
    messages: {
      send: () => Promise.reject(new Error('not sending')),
      resolvePeer: () => Promise.reject(new Error('not sending')),
      // An empty feed: the offers come from the test.
      historyFeed: new HistoryFeed(
        storage.sublevel('messaging'),
        new MessageStore(storage.sublevel('messaging')),
        testLogger,
      ),
    },
    emit: (type, view) => events.dispatchEvent(new CustomEvent(type, { detail: view })),
  })
  await attachments.start()
  cleanups.push(() => attachments.stop())
  return { attachments, events }
}

async function offerAndWait(errorName: string): Promise<TransferView> {
  const { attachments, events } = await receiverFailingWith(errorName)
  const waiting = waitForEvent<TransferView>(events, 'transfer:progress', {
    filter: (view) => view.waiting != null,
  })
  const fileId = randomBytes(16).toString('hex')
  await attachments.receiveHistory([
    {
      peerHex: Buffer.from(generateIdentity().publicKey).toString('hex'),
      index: 0,
      record: {
        id: 'offer-1',
        direction: 'in',
        seq: 1,
        text: '',
        sentAt: Date.now(),
        storedAt: Date.now(),
        attachment: {
          fileId,
          name: 'film.mp4',
          mime: 'video/mp4',
          size: 4 * ATTACHMENT_CHUNK_SIZE,
          sha256: randomBytes(32).toString('hex'),
          key: randomBytes(32).toString('base64'),
          chunkSize: ATTACHMENT_CHUNK_SIZE,
        },
      },
    },
  ])
  const view = await waiting
  expect(view).toMatchObject({ fileId, state: 'pending', chunks: 0 })
  // The list shows the same reason.
  expect((await attachments.transfer(fileId))?.waiting).toBe(view.waiting)
  return view
}

describe('a transfer that cannot reach its sender', () => {
  it('says the sender is away when it cannot be dialled', async () => {
    const view = await offerAndWait('NoValidAddressesError')
    expect(view.waiting).toMatch(/cannot be reached now/)
  })
})
