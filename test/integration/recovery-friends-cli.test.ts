/**
 * The built `tokenim` CLI's recovery-friends commands against real nodes and a relay: a
 * friend lists the share it keeps, sees who asks for it with the code to compare, releases
 * it (`--release`) or declines (`--decline`), and the asking machine sees each answer.
 * Needs `npm run build` first.
 */
import { describe, expect, it } from 'vitest'
import { Keystore, secretFromPhrase } from '../../node/identity/index.ts'
import { runCli } from '../helpers/cli.ts'
import { waitUntil } from '../helpers/relay-network.ts'
import { waitForEvent } from '../helpers/wait.ts'
import {
  befriend,
  friendNodeFolder,
  relayForFriendNodes,
  startFriendNode,
} from './friends-nodes.ts'

const relay = relayForFriendNodes()

describe('recovery-friends CLI', () => {
  it('lists the kept share, shows the request and its code, releases and declines', async () => {
    const dir = await friendNodeFolder('tokenim-cli-owner-')
    const { identity, backupPhrase } = await new Keystore(dir.path, {
      scrypt: { N: 2 ** 10, r: 8, p: 1 },
    }).create('correct horse battery staple')
    const alice = await startFriendNode(relay(), { identity, dir })
    const bob = await startFriendNode(relay())
    const carol = await startFriendNode(relay())
    for (const friend of [bob, carol]) {
      await befriend(alice, friend)
      // A friend releases a share only with the commitment it pinned, to report it.
      await waitUntil(
        friend.node.friends,
        'friends:commitment',
        () => friend.node.friends.recoveryCommitment(identity.publicKey) != null,
        'the friend pins alice’s commitment',
      )
    }
    const kept = [bob, carol].map((f) => waitForEvent(f.node.recoveryShares, 'recovery:kept'))
    await alice.node.recoveryShares.split(secretFromPhrase(backupPhrase), identity.publicKey, 2, [
      bob.identity.publicKey,
      carol.identity.publicKey,
    ])
    await Promise.all(kept)
    const cli = (node: typeof bob, ...args: string[]) =>
      runCli(['key', 'recovery-friends', ...args, '--data-dir', node.dataDir])

    const listed = await cli(bob, 'kept')
    expect(listed.stdout).toBe(`shares kept for friends\n  ${alice.peerId} (any 2 recover it)\n`)

    const newMachine = await startFriendNode(relay())
    const asked = [bob, carol].map((f) => waitForEvent(f.node.recoveryShares, 'recovery:request'))
    const codes = await newMachine.node.recoveryShares.ask(
      alice.publicKey,
      [bob.identity.publicKey, carol.identity.publicKey],
      newMachine.identity.publicKey,
    )
    await Promise.all(asked)
    const answers: Record<string, string> = {}
    for (const [friend, flag] of [
      [bob, '--release'],
      [carol, '--decline'],
    ] as const) {
      const { requests } = JSON.parse((await cli(friend, 'requests', '--json')).stdout)
      const code = codes.find((entry) => entry.peer === friend.publicKey)?.code
      expect(requests).toMatchObject([
        { requester: newMachine.peerId, account: alice.peerId, code },
      ])
      const answered = await cli(friend, 'requests', flag, requests[0].requestId)
      expect(answered.code).toBe(0)
      answers[friend.publicKey] = flag === '--release' ? 'released' : 'declined'
    }
    await waitUntil(
      newMachine.node.recoveryShares,
      'recovery:answer',
      () => newMachine.node.recoveryShares.asked().every((entry) => entry.state !== 'asked'),
      'both friends answered',
    )
    for (const entry of newMachine.node.recoveryShares.asked()) {
      expect(entry.state).toBe(answers[entry.peer])
    }
    // One release of a 2-of-2 split is not enough.
    expect(await newMachine.node.recoveryShares.rebuild().catch((err: Error) => err.name)).toBe(
      'NotEnoughSharesError',
    )
    expect(JSON.parse((await cli(bob, 'requests', '--json')).stdout)).toEqual({ requests: [] })
  }, 120_000)
})
