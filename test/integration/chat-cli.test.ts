/**
 * `tokenim chat` between two friends on real nodes behind a loopback relay: it names the
 * friend by username, says when the friend starts typing, and shows the text that follows.
 * Needs `npm run build` first.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { afterAll, describe, it } from 'vitest'
import { API_PATHS, FRIENDS_API_PATHS } from '../../protocol/local-api.ts'
import { TOKENIM_BIN, untilPrinted } from '../helpers/cli.ts'
import { befriend, relayForFriendNodes, startFriendNode, startNamedNode } from './friends-nodes.ts'

const relay = relayForFriendNodes()
const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) child.kill()
})

describe('tokenim chat', () => {
  it('names the friend, says when they start typing, and shows their text', async () => {
    const alice = await startNamedNode(relay(), 'alice')
    const bob = await startFriendNode(relay())
    await befriend(alice, bob)
    await alice.event('presence:changed', (p) => p.peerId === bob.peerId && p.online)

    const child = spawn(
      process.execPath,
      [TOKENIM_BIN, 'chat', alice.peerId, '--data-dir', bob.dataDir],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    )
    children.push(child)
    await untilPrinted(child, `chat with alice`)
    // The chat listens once its intro is out; the typing line follows alice's first key.
    const typing = untilPrinted(child, '* alice')
    await alice.api.request('POST', FRIENDS_API_PATHS.typing, { peer: bob.peerId, typing: true })
    await typing
    const text = untilPrinted(child, '< on my way')
    await alice.api.request('POST', API_PATHS.messages, { to: bob.peerId, text: 'on my way' })
    await text
    child.stdin?.end('/quit\n')
  }, 90_000)
})
