/**
 * The built `tokenim` CLI against a real local API over two chat peers on loopback:
 * `chats`, styled `send`, `history --search`, `send-file`, and the interactive `chat`
 * driven through its stdin while messages arrive live. Needs `npm run build` first.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LocalApiServer } from '../../node/api/local-api-server.ts'
import { attachmentRoutes } from '../../node/attachments/index.ts'
import { conversationRoutes } from '../../node/conversations/index.ts'
import { messagingRoutes } from '../../node/messaging/index.ts'
import { API_INFO_FILE, API_PATHS, type NodeEventType } from '../../protocol/local-api.ts'
import { runCli, TOKENIM_BIN } from '../helpers/cli.ts'
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

const FORWARDED: NodeEventType[] = [
  'message:received',
  'message:state',
  'transfer:progress',
  'transfer:complete',
  'transfer:failed',
]

/** The local API a node would serve for `peer`, with api.json in a data dir for the CLI. */
async function serveApi(peer: ChatPeer): Promise<string> {
  const server = new LocalApiServer({
    routes: {
      [`GET ${API_PATHS.status}`]: async () => ({ peerId: peer.peerId }),
      ...messagingRoutes(() => peer.base.messages),
      ...conversationRoutes(() => peer.conversations),
      ...attachmentRoutes(() => peer.attachments),
    },
  })
  await server.start()
  for (const type of FORWARDED) {
    peer.events.addEventListener(type, (event) => {
      server.broadcast({ type, at: Date.now(), data: (event as CustomEvent).detail })
    })
  }
  const dir = await makeTempDir('tokenim-cli-')
  cleanups.push(async () => {
    await server.stop()
    await dir.remove()
  })
  const info = { url: server.url, token: server.token, pid: process.pid, peerId: peer.peerId }
  await writeFile(join(dir.path, API_INFO_FILE), JSON.stringify(info), { mode: 0o600 })
  return dir.path
}

async function cli(dataDir: string, ...args: string[]): Promise<string> {
  const result = await runCli([...args, '--data-dir', dataDir])
  if (result.code !== 0) throw new Error(`tokenim ${args.join(' ')} failed: ${result.stderr}`)
  return result.stdout
}

describe('conversation CLI', () => {
  it('chats, styled send, history --search, send-file', async () => {
    const directory = new BundleDirectory()
    const alice = await startChatPeer({ directory })
    cleanups.push(() => alice.remove())
    const bob = await startChatPeer({ directory })
    cleanups.push(() => bob.remove())
    await connectChatPeers(alice, bob)
    const dataDir = await serveApi(alice)

    await bob.base.messages.send(alice.peerId, 'pineapple on pizza?')
    await receivedCount(alice.base, 1)
    const chats = await cli(dataDir, 'chats')
    expect(chats).toContain(`${bob.peerId} (1 unread)`)
    expect(chats).toContain('< pineapple on pizza?')

    await cli(
      dataDir,
      'send',
      bob.peerId,
      'never',
      'pineapple',
      '--bold',
      '--color',
      '#00aa00',
      '--size',
      '14',
    )
    await receivedCount(bob.base, 1)
    expect(bob.base.received[0]).toMatchObject({
      text: 'never pineapple',
      style: { bold: true, color: '#00aa00', size: 14 },
    })

    const search = await cli(dataDir, 'history', '--search', 'PINEAPPLE')
    const lines = search.trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toContain('> never pineapple')
    expect(lines[1]).toContain('< pineapple on pizza?')
    expect(await cli(dataDir, 'history', '--search', 'mango')).toContain('nothing found')

    const file = join(dataDir, 'menu.bin')
    await writeFile(file, randomBytes(200_000))
    const sent = await cli(dataDir, 'send-file', bob.peerId, file, '--wait', '--json')
    const { transfer } = JSON.parse(sent) as { transfer: { fileId: string; state: string } }
    expect(transfer.state).toBe('complete')
    await transferEvent(bob, 'transfer:complete', transfer.fileId)
  })

  it('chat shows incoming messages live and sends what is typed', async () => {
    const directory = new BundleDirectory()
    const alice = await startChatPeer({ directory })
    cleanups.push(() => alice.remove())
    const bob = await startChatPeer({ directory })
    cleanups.push(() => bob.remove())
    await connectChatPeers(alice, bob)
    await bob.base.messages.send(alice.peerId, 'earlier message')
    await receivedCount(alice.base, 1)
    const dataDir = await serveApi(alice)

    const child = spawn(
      process.execPath,
      [TOKENIM_BIN, 'chat', bob.peerId, '--data-dir', dataDir],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    )
    cleanups.push(async () => {
      if (child.exitCode == null) child.kill()
    })
    let output = ''
    let notify = () => {}
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      notify()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    const exited = new Promise<number>((resolve) =>
      child.once('exit', (code) => resolve(code ?? -1)),
    )
    const printed = (text: string) =>
      withTimeout(
        new Promise<void>((resolve) => {
          const check = () => {
            if (output.includes(text)) resolve()
          }
          notify = check
          check()
        }),
        20_000,
        `waiting for "${text}" in:\n${output}`,
      )

    await printed('chat with')
    await printed('< earlier message')
    const question = await bob.base.messages.send(alice.peerId, 'are you there?')
    await printed('< are you there?')

    child.stdin.write('yes, typing in the terminal\n')
    await receivedCount(bob.base, 1)
    expect(bob.base.received[0].text).toBe('yes, typing in the terminal')
    await printed('> yes, typing in the terminal')
    // Seen live in the chat: the sender hears it was read.
    await stateReached(bob.base, question.id, 'read')
    expect((await alice.base.messages.inbox())[0].unread).toBe(0)

    child.stdin.write('/quit\n')
    expect(await withTimeout(exited, 10_000, 'chat to exit')).toBe(0)
  })
})
