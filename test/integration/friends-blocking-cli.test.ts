/**
 * The built `tokenim` CLI's friend commands that need no second node: `friends block | blocked
 * | unblock | appear | typing`, with the lines each prints. Needs `npm run build` first.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { generateIdentity, peerIdOf } from '../../node/index.ts'
import { runCli } from '../helpers/cli.ts'
import { startLocalNode } from '../helpers/local-node.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('friends CLI without a peer online', () => {
  it('blocks, lists and unblocks someone, appears offline and online, turns typing off and on', async () => {
    const { dataDir } = await startLocalNode(cleanups)
    const cli = async (...args: string[]) => {
      const result = await runCli(['friends', ...args, '--data-dir', dataDir])
      if (result.code !== 0) throw new Error(`tokenim friends ${args[0]} failed: ${result.stderr}`)
      return result.stdout
    }
    const stranger = peerIdOf(generateIdentity()).toString()

    expect(await cli('blocked')).toBe('nobody is blocked\n')
    expect(await cli('block', stranger)).toBe(`blocked ${stranger}\n`)
    expect(await cli('blocked')).toMatch(
      new RegExp(`^${stranger} {2}since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\n$`),
    )
    expect(await cli('unblock', stranger)).toBe(`unblocked ${stranger}\n`)
    expect(await cli('blocked')).toBe('nobody is blocked\n')

    expect(await cli('appear', 'offline')).toBe('you appear offline to your friends\n')
    expect(JSON.parse(await cli('appear', 'online', '--json'))).toEqual({
      appearOffline: false,
      typingIndicators: true,
    })
    expect(await cli('appear', 'online')).toBe('your friends see you online\n')
    expect(await cli('typing', 'off')).toBe('typing indicators off: neither sent nor shown\n')
    expect(JSON.parse(await cli('typing', 'on', '--json'))).toEqual({
      appearOffline: false,
      typingIndicators: true,
    })
    expect(await cli('list')).toBe('no friends yet\n')
  })
})
