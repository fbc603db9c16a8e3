/**
 * The example bot of doc/examples/echo-bot.mjs, run as its own process against a real node:
 * knowing the API only through its OpenAPI document, it accepts a friend request and answers
 * a friend's text with an echo, which the friend's node receives; cut off from its node for a
 * while, it resumes its event stream where it left it, so a text that came meanwhile is
 * answered once and nothing before it twice.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { API_PATHS, FRIENDS_API_PATHS, type NodeEventMessage } from '../../protocol/local-api.ts'
import { startApiProxy } from '../helpers/api-proxy.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { withTimeout } from '../helpers/wait.ts'
import { type FriendNode, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'

const BOT = new URL('../../doc/examples/echo-bot.mjs', import.meta.url).pathname
const relay = relayForFriendNodes()
const bots: ChildProcess[] = []
const cleanUps: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const bot of bots) bot.kill()
  for (const cleanUp of cleanUps) await cleanUp()
})

/** The echo of `text` that `friend` has received from `bot` so far. */
function echoesOf(friend: FriendNode, bot: FriendNode, text: string): number {
  return friend.events.filter((event) => {
    if (event.type !== 'message:received') return false
    const message = (event as NodeEventMessage<'message:received'>).data
    return message.peerId === bot.peerId && message.text === `echo: ${text}`
  }).length
}

/** Sends `text` to the bot; resolves once its echo has arrived. */
async function echoed(friend: FriendNode, bot: FriendNode, text: string): Promise<void> {
  await friend.api.request('POST', API_PATHS.messages, { to: bot.peerId, text })
  await friend.event(
    'message:received',
    (message) => message.peerId === bot.peerId && message.text === `echo: ${text}`,
    { timeoutMs: 30_000 },
  )
}

/** Starts the bot on `dataDir`; resolves once it listens to the node's events. */
async function startBot(dataDir: string): Promise<ChildProcess> {
  const bot = spawn(process.execPath, [BOT, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  bots.push(bot)
  let output = ''
  const listening = new Promise<void>((resolve, reject) => {
    bot.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('echo bot listening')) resolve()
    })
    bot.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    once(bot, 'exit').then(([code]) => reject(new Error(`the bot exited (${code}): ${output}`)))
  })
  await withTimeout(listening, 15_000, 'the bot listening to its node')
  return bot
}

describe('the example echo bot', () => {
  it('accepts a friend and echoes their text, from the OpenAPI document alone', async () => {
    const alice = await startFriendNode(relay())
    const botNode = await startFriendNode(relay())
    await startBot(botNode.dataDir)

    await alice.api.request('POST', FRIENDS_API_PATHS.add, { to: botNode.peerId })
    await alice.event('friend:accepted', (friend) => friend.peerId === botNode.peerId, {
      timeoutMs: 30_000,
    })
    await alice.api.request('POST', API_PATHS.messages, { to: botNode.peerId, text: 'hello bot' })
    const echo = await alice.event(
      'message:received',
      (message) => message.peerId === botNode.peerId,
      { timeoutMs: 30_000 },
    )
    expect(echo.data.text).toBe('echo: hello bot')
  }, 90_000)

  it('resumes its event stream after losing its node for a while', async () => {
    const alice = await startFriendNode(relay())
    const botNode = await startFriendNode(relay())
    // The bot reaches its node through a path the test can cut: a folder whose api.json
    // names the proxy in place of the node.
    const api = JSON.parse(await readFile(join(botNode.dataDir, 'api.json'), 'utf8'))
    const proxy = await startApiProxy(api.url)
    const folder = await makeTempDir('tokenim-echo-bot-')
    cleanUps.push(
      () => proxy.close(),
      () => folder.remove(),
    )
    await mkdir(folder.path, { recursive: true })
    await writeFile(join(folder.path, 'api.json'), JSON.stringify({ ...api, url: proxy.url }))
    await startBot(folder.path)

    await alice.api.request('POST', FRIENDS_API_PATHS.add, { to: botNode.peerId })
    await alice.event('friend:accepted', (friend) => friend.peerId === botNode.peerId, {
      timeoutMs: 30_000,
    })
    await echoed(alice, botNode, 'before the cut')

    proxy.cut()
    await alice.api.request('POST', API_PATHS.messages, { to: botNode.peerId, text: 'meanwhile' })
    await botNode.event('message:received', (message) => message.text === 'meanwhile')
    // The bot has tried its node again meanwhile, and been refused.
    await withTimeout(proxy.refused(2), 10_000, 'the bot trying its node again')
    proxy.mend()
    await alice.event(
      'message:received',
      (message) => message.peerId === botNode.peerId && message.text === 'echo: meanwhile',
      { timeoutMs: 30_000 },
    )
    // A text after the resume is answered too, so any late replay would have arrived by now.
    await echoed(alice, botNode, 'after the resume')
    expect(echoesOf(alice, botNode, 'before the cut')).toBe(1)
    expect(echoesOf(alice, botNode, 'meanwhile')).toBe(1)
  }, 90_000)
})
