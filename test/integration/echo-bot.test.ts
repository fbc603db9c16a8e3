/**
 * The example bot of doc/examples/echo-bot.mjs, run as its own process against a real node:
 * knowing the API only through its OpenAPI document, it accepts a friend request and answers
 * a friend's text with an echo, which the friend's node receives.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { afterAll, describe, expect, it } from 'vitest'
import { API_PATHS, FRIENDS_API_PATHS } from '../../protocol/local-api.ts'
import { withTimeout } from '../helpers/wait.ts'
import { relayForFriendNodes, startFriendNode } from './friends-nodes.ts'

const BOT = new URL('../../doc/examples/echo-bot.mjs', import.meta.url).pathname
const relay = relayForFriendNodes()
const bots: ChildProcess[] = []
afterAll(() => {
  for (const bot of bots) bot.kill()
})

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
})
