/**
 * `npm run demo` as a newcomer runs it: one process with a relay, the user's node and the demo
 * contact. The test drives the user's node through its local API, as the web client would:
 * the contact is a friend, answers a message, its room invite arrives and works, and Ctrl+C
 * stops everything cleanly.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { LocalApiClient } from '../../client/api-client.ts'
import { DEMO_INVITE_PREFIX, DEMO_ROOM_NAME } from '../../demo/demo-contact.ts'
import type {
  MessageView,
  NodeEventMap,
  NodeEventMessage,
  NodeEventType,
} from '../../protocol/local-api.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { withTimeout } from '../helpers/wait.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
// The same command as the "demo" script in package.json.
const DEMO_ARGS = [
  '--experimental-transform-types',
  '--disable-warning=ExperimentalWarning',
  join(ROOT, 'demo', 'main.ts'),
]

function startDemoProcess(dataDir: string) {
  const child = spawn(process.execPath, [...DEMO_ARGS, '--data-dir', dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)))
  const printed = (text: string) =>
    withTimeout(
      new Promise<void>((resolve, reject) => {
        const check = () => output.includes(text) && resolve()
        child.stdout.on('data', check)
        void exited.then(() => reject(new Error(`the demo exited before "${text}":\n${output}`)))
        check()
      }),
      45_000,
      `demo output "${text}"`,
    )
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  return { child, exited, printed, output: () => output }
}

/** The node's events as they come, and a wait for the first one (from now on) that matches. */
async function recordEvents(api: LocalApiClient) {
  const events: NodeEventMessage[] = []
  const checks = new Set<() => void>()
  const subscription = await api.subscribe((event) => {
    events.push(event)
    for (const check of checks) check()
  })
  return {
    close: () => subscription.close(),
    next<T extends NodeEventType>(
      type: T,
      filter: (data: NodeEventMap[T]) => boolean,
      what: string,
    ): Promise<NodeEventMap[T]> {
      const since = events.length
      let check = () => {}
      const found = new Promise<NodeEventMap[T]>((resolve) => {
        check = () => {
          const event = events
            .slice(since)
            .find((candidate) => candidate.type === type && filter(candidate.data as never))
          if (event != null) resolve(event.data as NodeEventMap[T])
        }
        checks.add(check)
      })
      return withTimeout(found, 30_000, `${type} (${what})`).finally(() => checks.delete(check))
    },
  }
}

describe('npm run demo', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>> | undefined
  let demo: ReturnType<typeof startDemoProcess> | undefined

  afterAll(async () => {
    demo?.child.kill('SIGKILL')
    await dir?.remove()
  })

  it('starts a relay, the user and a contact that befriends, answers and invites', async () => {
    dir = await makeTempDir('tokenim-demo-')
    demo = startDemoProcess(dir.path)
    await demo.printed('Press Ctrl+C to stop.')
    expect(demo.output()).toMatch(/web client\s+http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}/)
    const contactPeerId = /demo contact demo-buddy \((\w+)\) is online/.exec(demo.output())?.[1]
    expect(contactPeerId).toBeDefined()

    const api = await LocalApiClient.forDataDir(join(dir.path, 'user'))
    const events = await recordEvents(api)
    const isInvite = (message: MessageView) =>
      message.direction === 'in' && message.text.startsWith(DEMO_INVITE_PREFIX)
    const inviteArrives = events.next(
      'message:received',
      (message) => message.peerId === contactPeerId && isInvite(message),
      'the room invite',
    )
    // The greeting may have come before the event stream opened: look in the history too.
    let invite = (await api.history(contactPeerId!)).messages.find(isInvite)
    invite ??= await inviteArrives
    inviteArrives.catch(() => undefined)
    expect((await api.friends()).friends.map((friend) => friend.peerId)).toContain(contactPeerId)

    const answer = events.next(
      'message:received',
      (message) => message.peerId === contactPeerId && message.text.startsWith('Hello to you too!'),
      'the answer',
    )
    await api.sendMessage(contactPeerId!, 'hello from the test')
    expect((await answer).direction).toBe('in')

    const code = invite.text.slice(DEMO_INVITE_PREFIX.length).trim()
    const room = await api.joinRoom({ room: code })
    expect(room.name).toBe(DEMO_ROOM_NAME)
    const roomAnswer = events.next(
      'room:message',
      (message) => message.roomId === room.roomId && !message.mine && message.text.includes('42'),
      'the answer in the room',
    )
    await api.sendRoomMessage(room.roomId, 'the answer is 42')
    expect((await roomAnswer).text).toContain('You said: "the answer is 42"')
    events.close()

    demo.child.kill('SIGINT')
    expect(await withTimeout(demo.exited, 20_000, 'demo exit')).toBe(0)
    expect(demo.output()).toContain('demo stopped')
  })
})
