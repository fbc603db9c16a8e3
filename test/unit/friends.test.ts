import { afterEach, describe, expect, it } from 'vitest'
import { Friends, type FriendsComponents } from '../../node/friends/index.ts'
import { generateIdentity, type Identity, peerIdOf } from '../../node/identity/index.ts'
import { openStorage, type Storage } from '../../node/storage.ts'
import { signKeyRotation } from '../../protocol/accounts/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import type { NodeEventMap } from '../../protocol/local-api.ts'
import { encodeFriendMessage } from '../../protocol/social.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { testLogger } from '../helpers/test-logger.ts'
import { waitForEvent } from '../helpers/wait.ts'

type Emitted = { type: keyof NodeEventMap; data: unknown }

/**
 * Stands in for messaging and the directory: friend messages go straight to the recipient's
 * `receive` while it is online (dropped when it blocked the sender, as the pipeline does), and
 * wait for it otherwise, as the mailbox would keep them.
 */
class FakeNetwork {
  readonly members = new Map<string, Member>()
  readonly names = new Map<string, string>()
  readonly waiting: Array<{ from: Uint8Array; to: string; payload: Uint8Array }> = []
  /** Every directory lookup made, to wait for checks that run in the background. */
  readonly lookups: Array<Promise<unknown>> = []

  async member(name: string): Promise<Member> {
    const dir = await makeTempDir('tokenim-friends-')
    cleanups.push(() => dir.remove())
    const member = new Member(this, name, generateIdentity(), dir.path)
    this.members.set(toHex(member.identity.publicKey), member)
    this.names.set(name, toHex(member.identity.publicKey))
    await member.start()
    return member
  }

  send(from: Uint8Array, to: Uint8Array, payload: Uint8Array): void {
    this.waiting.push({ from, to: toHex(to), payload })
    this.deliver()
  }

  deliver(): void {
    for (const item of this.waiting.splice(0)) {
      const recipient = this.members.get(item.to)
      if (recipient?.friends == null) {
        this.waiting.push(item)
        continue
      }
      if (recipient.friends.isBlocked(item.from)) continue
      void recipient.friends.receive(item.from, item.payload)
    }
  }
}

class Member {
  readonly events = new EventTarget()
  readonly emitted: Emitted[] = []
  friends: Friends | undefined
  storage: Storage | undefined
  messagingUp = true

  constructor(
    readonly network: FakeNetwork,
    readonly name: string,
    readonly identity: Identity,
    readonly path: string,
  ) {}

  get peerId(): string {
    return peerIdOf(this.identity).toString()
  }

  get key(): string {
    return toHex(this.identity.publicKey)
  }

  get f(): Friends {
    if (this.friends == null) throw new Error(`${this.name} is offline`)
    return this.friends
  }

  async start(): Promise<void> {
    this.storage = await openStorage(this.path)
    const network = this.network
    const components: FriendsComponents = {
      db: this.storage.sublevel('friends'),
      identity: this.identity,
      messaging: () =>
        this.messagingUp
          ? {
              sendSocial: async (peer, payload) => {
                network.send(this.identity.publicKey, peer, payload)
                return { id: 'x' }
              },
            }
          : undefined,
      directory: {
        lookup: (name) => {
          const lookup = (async () => {
            const local = name.split('@')[0]
            const key = network.names.get(local)
            if (key == null) {
              throw Object.assign(new Error(`no relay knows "${name}"`), {
                name: 'NameNotFoundError',
              })
            }
            return { publicKey: key, scopedName: `${local}@relay` }
          })()
          network.lookups.push(lookup.catch(() => undefined))
          return lookup
        },
        ownName: async () => `${this.name}@relay`,
      },
      log: testLogger,
      emit: (type, data) => {
        this.emitted.push({ type, data })
        this.events.dispatchEvent(new CustomEvent(type, { detail: data }))
      },
    }
    this.friends = new Friends(components, { retryIntervalMs: 3_600_000 })
    await this.friends.start()
    network.deliver()
  }

  async stop(): Promise<void> {
    await this.friends?.stop()
    this.friends = undefined
    await this.storage?.close()
  }

  next<T extends keyof NodeEventMap>(
    type: T,
    filter: (data: NodeEventMap[T]) => boolean = () => true,
  ): Promise<NodeEventMap[T]> {
    return waitForEvent<NodeEventMap[T]>(this.events, type, { timeoutMs: 5000, filter })
  }

  count(type: keyof NodeEventMap): number {
    return this.emitted.filter((event) => event.type === type).length
  }
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function pair() {
  const network = new FakeNetwork()
  const alice = await network.member('alice')
  const bob = await network.member('bob')
  cleanups.push(async () => {
    await alice.stop()
    await bob.stop()
  })
  return { network, alice, bob }
}

describe('friend requests', () => {
  it('request with a note, accept: both lists hold the other, names verified', async () => {
    const { alice, bob } = await pair()
    const requested = bob.next('friend:request', (request) => request.name === 'alice@relay')
    const sent = await alice.f.add('bob', 'hi bob, alice from the club')
    expect(sent.status).toBe('requested')
    if (sent.status !== 'requested') return
    expect(sent.request).toMatchObject({ direction: 'out', name: 'bob@relay', peerId: bob.peerId })

    const request = await requested
    expect(request).toMatchObject({
      direction: 'in',
      note: 'hi bob, alice from the club',
      peerId: alice.peerId,
      requestId: sent.request.requestId,
    })
    expect(bob.f.requests().incoming).toHaveLength(1)
    expect(alice.f.requests().outgoing).toHaveLength(1)

    const accepted = alice.next('friend:accepted')
    const friend = await bob.f.accept('alice')
    expect(friend).toMatchObject({ peerId: alice.peerId, name: 'alice@relay', online: false })
    expect((await accepted).peerId).toBe(bob.peerId)
    expect(alice.f.list().map((f) => f.peerId)).toEqual([bob.peerId])
    expect(bob.f.list().map((f) => f.peerId)).toEqual([alice.peerId])
    expect(alice.f.requests()).toEqual({ incoming: [], outgoing: [] })
    expect(bob.f.requests()).toEqual({ incoming: [], outgoing: [] })
    expect(alice.f.isFriend(bob.identity.publicKey)).toBe(true)
  })

  it('reaches a recipient that was offline, and pending requests survive restarts', async () => {
    const { network, alice, bob } = await pair()
    await bob.stop()
    await alice.f.add(bob.peerId, 'are you there?')
    expect(network.waiting).toHaveLength(1)
    await alice.stop()
    await alice.start()
    expect(alice.f.requests().outgoing.map((r) => r.peerId)).toEqual([bob.peerId])

    const requested = bob.next('friend:request')
    await bob.start()
    expect((await requested).note).toBe('are you there?')
    await bob.stop()
    await bob.start()
    expect(bob.f.requests().incoming.map((r) => r.peerId)).toEqual([alice.peerId])

    const accepted = alice.next('friend:accepted')
    await bob.f.accept(alice.peerId)
    await accepted
    expect(alice.f.list()).toHaveLength(1)
  })

  it('sends what messaging could not take yet once it can, after a restart too', async () => {
    const { network, alice, bob } = await pair()
    alice.messagingUp = false
    await alice.f.add('bob')
    expect(network.waiting).toHaveLength(0)
    await alice.stop()
    alice.messagingUp = true
    const requested = bob.next('friend:request')
    await alice.start()
    expect((await requested).peerId).toBe(alice.peerId)
  })

  it('refuses each mistake with a stable error name', async () => {
    const { alice, bob } = await pair()
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => 'no error',
        (err) => err.name,
      )
    expect(await failure(alice.f.add('alice'))).toBe('FriendSelfError')
    expect(await failure(alice.f.add(alice.key))).toBe('FriendSelfError')
    expect(await failure(alice.f.add('nobody-here'))).toBe('UserNotFoundError')
    expect(await failure(alice.f.add('bob', 'x'.repeat(201)))).toBe('InvalidFriendNoteError')
    expect(await failure(alice.f.add('12D3KooWnotapeerid'))).toBe('UserNotFoundError')
    expect(await failure(alice.f.accept('bob'))).toBe('FriendRequestNotFoundError')
    expect(await failure(alice.f.reject('bob'))).toBe('FriendRequestNotFoundError')
    expect(await failure(alice.f.remove('bob'))).toBe('FriendNotFoundError')

    const requested = bob.next('friend:request')
    await alice.f.add('bob')
    expect(await failure(alice.f.add('bob'))).toBe('DuplicateFriendRequestError')
    await requested
    const accepted = alice.next('friend:accepted')
    await bob.f.accept('alice')
    await accepted
    expect(await failure(alice.f.add('bob'))).toBe('AlreadyFriendsError')
    expect(await failure(bob.f.add(alice.peerId))).toBe('AlreadyFriendsError')

    await alice.f.block('bob')
    expect(await failure(alice.f.add('bob'))).toBe('PeerBlockedError')
    expect(await failure(alice.f.block('alice'))).toBe('FriendSelfError')
  })

  it('reject tells the requester; a later request can follow', async () => {
    const { alice, bob } = await pair()
    const requested = bob.next('friend:request')
    await alice.f.add('bob')
    await requested
    const rejected = alice.next('friend:rejected')
    await bob.f.reject('alice')
    expect((await rejected).peerId).toBe(bob.peerId)
    expect(alice.f.requests().outgoing).toEqual([])
    expect(bob.f.requests().incoming).toEqual([])
    const again = bob.next('friend:request')
    await alice.f.add('bob', 'second try')
    expect((await again).note).toBe('second try')
  })

  it('remove updates both lists and tells the other side; withdrawing a request too', async () => {
    const { alice, bob } = await pair()
    const requested = bob.next('friend:request')
    await alice.f.add('bob')
    await requested
    const withdrawn = bob.next('friend:removed')
    await alice.f.remove('bob')
    expect(await withdrawn).toMatchObject({ by: 'peer', pending: true, peerId: alice.peerId })
    expect(bob.f.requests().incoming).toEqual([])

    const again = bob.next('friend:request')
    await alice.f.add('bob')
    await again
    const accepted = alice.next('friend:accepted')
    await bob.f.accept('alice')
    await accepted
    const removed = alice.next('friend:removed')
    await bob.f.remove('alice')
    expect(await removed).toMatchObject({ by: 'peer', pending: false, peerId: bob.peerId })
    expect(alice.f.list()).toEqual([])
    expect(bob.f.list()).toEqual([])
  })

  it('two requests crossing make friends on both sides', async () => {
    const { network, alice, bob } = await pair()
    await bob.stop()
    await alice.f.add('bob')
    const bobIsFriend = alice.next('friend:accepted')
    const aliceIsFriend = bob.next('friend:accepted')
    await bob.start()
    network.waiting.length = 0
    const answer = await bob.f.add('alice')
    expect(answer.status).toBe('accepted')
    await Promise.all([bobIsFriend, aliceIsFriend])
    expect(alice.f.list().map((f) => f.peerId)).toEqual([bob.peerId])
    expect(bob.f.list().map((f) => f.peerId)).toEqual([alice.peerId])
  })

  it('block drops the peer, ends the friendship on both sides; unblock lets it in again', async () => {
    const { network, alice, bob } = await pair()
    const requested = bob.next('friend:request')
    await alice.f.add('bob')
    await requested
    const accepted = alice.next('friend:accepted')
    await bob.f.accept('alice')
    await accepted

    const removed = alice.next('friend:removed')
    const blocked = await bob.f.block('alice')
    expect(blocked).toMatchObject({ peerId: alice.peerId, name: 'alice@relay' })
    expect(await removed).toMatchObject({ by: 'peer', peerId: bob.peerId })
    expect(bob.f.isBlocked(alice.identity.publicKey)).toBe(true)
    expect(bob.f.list()).toEqual([])
    expect(bob.f.blocked().map((b) => b.peerId)).toEqual([alice.peerId])

    await alice.f.add('bob', 'please?')
    expect(network.waiting).toHaveLength(0)
    expect(bob.f.requests().incoming).toEqual([])
    expect(
      bob.emitted.filter((event) => (event.data as { note?: string }).note === 'please?'),
    ).toEqual([])

    await bob.stop()
    await bob.start()
    expect(bob.f.isBlocked(alice.identity.publicKey)).toBe(true)
    await bob.f.unblock('alice')
    expect(bob.f.isBlocked(alice.identity.publicKey)).toBe(false)
    const later = bob.next('friend:request')
    await alice.f.remove('bob')
    await alice.f.add('bob', 'third time')
    expect((await later).note).toBe('third time')
  })

  it('takes a repeated request once and drops malformed messages without throwing', async () => {
    const { alice, bob } = await pair()
    const payload = encodeFriendMessage({
      type: 'request',
      requestId: new Uint8Array(16).fill(7),
      note: 'once',
      name: '',
    })
    await bob.f.receive(alice.identity.publicKey, payload)
    await bob.f.receive(alice.identity.publicKey, payload)
    expect(bob.count('friend:request')).toBe(1)
    await expect(
      bob.f.receive(alice.identity.publicKey, Uint8Array.from([1, 2, 3])),
    ).resolves.toBeUndefined()
    const forgedAccept = encodeFriendMessage({
      type: 'accept',
      requestId: new Uint8Array(16).fill(9),
      note: '',
      name: '',
    })
    await alice.f.receive(bob.identity.publicKey, forgedAccept)
    expect(alice.f.list()).toEqual([])
  })

  it('shows a claimed name only when the directory confirms it', async () => {
    const { network, alice, bob } = await pair()
    network.names.set('mallory', toHex(generateIdentity().publicKey))
    const liar = encodeFriendMessage({
      type: 'request',
      requestId: new Uint8Array(16).fill(1),
      note: '',
      name: 'mallory@relay',
    })
    const requested = bob.next('friend:request')
    await bob.f.receive(alice.identity.publicKey, liar)
    expect((await requested).name).toBeNull()
    await Promise.all(network.lookups)
    // Goes through the same queue as the check's outcome would, so it comes after it.
    await bob.f.unblock(toHex(generateIdentity().publicKey))
    expect(network.lookups.length).toBeGreaterThan(0)
    expect(bob.f.requests().incoming[0].name).toBeNull()
    expect(bob.count('friend:request')).toBe(1)
    expect(alice.f.requests().incoming).toEqual([])
  })
})

describe('a friend rotates its key', () => {
  async function befriend(a: Member, b: Member): Promise<void> {
    const accepted = a.next('friend:accepted')
    // Listening before the request goes: b may take it before add() returns.
    const requested = b.next('friend:request')
    await a.f.add(b.peerId)
    await requested
    await b.f.accept(a.peerId)
    await accepted
  }

  function rotation(from: Identity, to: Identity, sequence = 1): Uint8Array {
    return signKeyRotation(from, to, {
      sequence,
      atMs: Date.now(),
      nextRecovery: new Uint8Array(0),
    })
  }

  it('moves the friendship to the new key, retires the old one, and survives a restart', async () => {
    const { network, alice, bob } = await pair()
    await befriend(alice, bob)
    const oldKey = alice.identity.publicKey
    const next = generateIdentity()
    const changed = bob.next('friend:key-changed')
    const sent = await alice.f.announceKeyRotation(rotation(alice.identity, next))
    expect(sent.map((s) => s.peer)).toEqual([bob.key])

    const event = await changed
    expect(event).toMatchObject({
      peerId: peerIdOf(next).toString(),
      previousPeerId: alice.peerId,
      name: 'alice@relay',
    })
    expect(bob.f.isFriend(next.publicKey)).toBe(true)
    expect(bob.f.isFriend(oldKey)).toBe(false)
    expect(bob.f.isBlocked(oldKey)).toBe(true)
    expect(bob.f.list().map((f) => f.peerId)).toEqual([peerIdOf(next).toString()])

    await bob.stop()
    await bob.start()
    expect(bob.f.isBlocked(oldKey)).toBe(true)
    expect(bob.f.isFriend(next.publicKey)).toBe(true)
    expect(network.waiting).toHaveLength(0)
  })

  it('follows a second rotation, and ignores replays, forgeries and other accounts', async () => {
    const { network, alice, bob } = await pair()
    await befriend(alice, bob)
    const first = generateIdentity()
    const second = generateIdentity()
    const once = rotation(alice.identity, first)
    const changed = bob.next('friend:key-changed')
    network.send(alice.identity.publicKey, bob.identity.publicKey, rotationMessage(once))
    await changed
    const payloads = [
      // A replay from the new key, and a rotation of someone else's key sent by alice.
      rotationMessage(once),
      rotationMessage(rotation(generateIdentity(), generateIdentity())),
      // Skips a sequence: not the next one.
      rotationMessage(rotation(first, generateIdentity(), 3)),
    ]
    for (const payload of payloads) await bob.f.receive(first.publicKey, payload)
    // From a stranger, about alice's current key.
    await bob.f.receive(
      generateIdentity().publicKey,
      rotationMessage(rotation(first, generateIdentity(), 2)),
    )
    expect(bob.count('friend:key-changed')).toBe(1)
    expect(bob.f.isFriend(first.publicKey)).toBe(true)

    await bob.f.receive(first.publicKey, rotationMessage(rotation(first, second, 2)))
    expect(bob.count('friend:key-changed')).toBe(2)
    expect(bob.f.isFriend(second.publicKey)).toBe(true)
    expect(bob.f.isBlocked(first.publicKey)).toBe(true)
    expect(bob.f.isBlocked(alice.identity.publicKey)).toBe(true)
  })
})

function rotationMessage(statement: Uint8Array): Uint8Array {
  return encodeFriendMessage({
    type: 'key-rotation',
    requestId: new Uint8Array(16),
    note: '',
    name: '',
    keyStatement: statement,
  })
}
