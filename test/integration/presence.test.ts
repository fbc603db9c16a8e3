/**
 * Presence between full TokenimNodes behind a loopback relay: friends see each other online
 * within 5 s of a start, offline at once on a goodbye and within 5 s of a node dying without
 * one, "appear offline", and a stranger's heartbeats are refused.
 */
import { lpStream } from '@libp2p/utils'
import { describe, expect, it } from 'vitest'
import { peerIdOf } from '../../node/identity/index.ts'
import { PRESENCE_PROTOCOL } from '../../protocol/ids.ts'
import {
  FRIENDS_API_PATHS,
  type FriendListResponse,
  type NodeEventMessage,
  type PresenceSettings,
  type PresenceView,
} from '../../protocol/local-api.ts'
import { signPresenceHeartbeat } from '../../protocol/social.ts'
import { withTimeout } from '../helpers/wait.ts'
import { befriend, type FriendNode, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'

/** What the product promises: a change is seen within this long. */
const PRESENCE_DEADLINE_MS = 5_000

const relay = relayForFriendNodes()

/** The first presence change of `peer` to `online` seen by `node` at or after `since`. */
function presence(node: FriendNode, peer: FriendNode, online: boolean, since: number) {
  return node.event(
    'presence:changed',
    (change) => change.peerId === peer.peerId && change.online === online,
    { since, timeoutMs: 20_000 },
  )
}

/** Events of `node` after `event` showing `peer` online. */
function onlineAfter(node: FriendNode, peer: FriendNode, event: NodeEventMessage) {
  return node.events
    .slice(node.events.indexOf(event) + 1)
    .filter(
      (later) =>
        later.type === 'presence:changed' &&
        (later.data as PresenceView).peerId === peer.peerId &&
        (later.data as PresenceView).online,
    )
}

async function friendOf(node: FriendNode, peer: FriendNode) {
  const list = await node.api.request<FriendListResponse>('GET', FRIENDS_API_PATHS.list)
  return list.friends.find((friend) => friend.peerId === peer.peerId)
}

describe('presence between friends', () => {
  it('online within 5 s of a start, offline on goodbye and within 5 s of a death', async () => {
    const alice = await startFriendNode(relay())
    let bob = await startFriendNode(relay())
    const since = Date.now()
    await befriend(alice, bob)
    await presence(alice, bob, true, since)
    await presence(bob, alice, true, since)
    expect(await friendOf(alice, bob)).toMatchObject({ online: true })

    const goodbyeAt = Date.now()
    await bob.stop()
    const gone = await presence(alice, bob, false, goodbyeAt)
    expect(gone.at - goodbyeAt).toBeLessThan(PRESENCE_DEADLINE_MS)

    const restartAt = Date.now()
    bob = await bob.restart()
    const startedAt = bob.node.status().startedAt
    const seen = await presence(alice, bob, true, restartAt)
    const seeing = await presence(bob, alice, true, restartAt)
    expect(seen.at - startedAt).toBeLessThan(PRESENCE_DEADLINE_MS)
    expect(seeing.at - startedAt).toBeLessThan(PRESENCE_DEADLINE_MS)

    const killedAt = Date.now()
    await bob.kill()
    const dead = await presence(alice, bob, false, killedAt)
    const silence = dead.at - killedAt
    expect(silence).toBeLessThan(PRESENCE_DEADLINE_MS)
    // No goodbye came: it took the heartbeat timeout (4.5 s after the last of 1.5 s beats).
    expect(silence).toBeGreaterThanOrEqual(2_500)
    const friend = await friendOf(alice, bob)
    expect(friend).toMatchObject({ online: false })
    expect(friend?.lastSeen).toBeGreaterThanOrEqual(restartAt)
    if (process.env.TOKENIM_TEST_FIGURES != null) {
      process.stdout.write(
        `presence figures: online after start ${seen.at - startedAt} ms / ${seeing.at - startedAt} ms, ` +
          `offline after goodbye ${gone.at - goodbyeAt} ms, after a death ${silence} ms\n`,
      )
    }
  }, 90_000)

  it('a user can appear offline; friends see it at once, and the choice persists', async () => {
    const alice = await startFriendNode(relay())
    let bob = await startFriendNode(relay())
    const since = Date.now()
    await befriend(alice, bob)
    await presence(alice, bob, true, since)
    await presence(bob, alice, true, since)

    const hiddenAt = Date.now()
    const hidden = await bob.api.request<PresenceSettings>('PUT', FRIENDS_API_PATHS.presence, {
      appearOffline: true,
    })
    expect(hidden).toEqual({ appearOffline: true, typingIndicators: true })
    const gone = await presence(alice, bob, false, hiddenAt)
    expect(gone.at - hiddenAt).toBeLessThan(PRESENCE_DEADLINE_MS)
    expect(await friendOf(alice, bob)).toMatchObject({ online: false })
    // Bob still sees alice: appearing offline only stops what bob sends.
    expect(await friendOf(bob, alice)).toMatchObject({ online: true })

    const restartAt = Date.now()
    bob = await bob.restart()
    expect(await bob.api.request<PresenceSettings>('GET', FRIENDS_API_PATHS.presence)).toEqual({
      appearOffline: true,
      typingIndicators: true,
    })
    // Alice reaches bob (his node announced the presence protocol) and he sees her...
    await presence(bob, alice, true, restartAt)
    // ...while she, hearing nothing back, still shows him offline.
    expect(await friendOf(alice, bob)).toMatchObject({ online: false })
    expect(onlineAfter(alice, bob, gone)).toEqual([])

    const shownAt = Date.now()
    await bob.api.request('PUT', FRIENDS_API_PATHS.presence, { appearOffline: false })
    const shown = await presence(alice, bob, true, shownAt)
    expect(shown.at - shownAt).toBeLessThan(PRESENCE_DEADLINE_MS)
  }, 90_000)

  it('refuses presence from someone who is not a friend', async () => {
    const alice = await startFriendNode(relay())
    const stranger = await startFriendNode(relay())
    await stranger.node.host.dial(alice.node.host.getMultiaddrs()[0])
    const stream = await stranger.node.host.dialProtocol(
      peerIdOf(alice.identity),
      PRESENCE_PROTOCOL,
    )
    const lp = lpStream(stream, { maxDataLength: 512 })
    const heartbeat = signPresenceHeartbeat(stranger.identity, {
      sender: stranger.identity.publicKey,
      recipient: alice.identity.publicKey,
      counter: Date.now(),
      sentAtMs: Date.now(),
      typing: false,
      status: 'online',
      intervalMs: 1500,
    })
    // Alice resets the stream at once: the read ends instead of waiting for a heartbeat.
    const ended = withTimeout(
      lp.read().then(
        () => 'answered',
        () => 'closed',
      ),
      10_000,
      'alice closing the stranger stream',
    )
    await lp.write(heartbeat).catch(() => undefined)
    expect(await ended).toBe('closed')
    expect(alice.events.filter((event) => event.type === 'presence:changed')).toEqual([])
  }, 60_000)
})
