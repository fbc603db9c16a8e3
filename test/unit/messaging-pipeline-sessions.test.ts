/**
 * The 1:1 pipeline's sessions: a step that fails after decryption, one-time prekeys used once
 * under concurrency and across a crash.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { generateIdentity, type Identity } from '../../node/identity/index.ts'
import type { DurableOp } from '../../node/messaging/durable-writer.ts'
import type { SocialPort } from '../../node/messaging/index.ts'
import { PrekeyStore } from '../../node/prekeys/prekey-store.ts'
import { RecordLevel } from '../../node/record-level.ts'
import { type AppLevel, rawSublevel } from '../../node/storage.ts'
import { toHex } from '../../protocol/bytes.ts'
import { DmAckStatus } from '../../protocol/messaging.ts'
import { decodeMessageHeader } from '../../protocol/session/index.ts'
import {
  cleanUp,
  makePeer,
  PrekeyDirectory,
  StubNetwork,
  StubPrekeys,
  waitFor,
  waitForState,
} from '../helpers/pipeline-peers.ts'

afterEach(cleanUp)

/** Holds every peek until `count` are waiting: both starts look the prekey up before either acts. */
class PeekBarrierPrekeys extends StubPrekeys {
  peeks = 0
  readonly #waiting: Array<() => void> = []

  constructor(
    identity: Identity,
    directory: PrekeyDirectory,
    readonly count: number,
  ) {
    super(identity, directory)
  }

  override async peekOneTimePrekey(id: number) {
    // A fresh copy per read, as the real store decodes one: the ratchet zeroes what it used.
    const key = structuredClone(this.oneTime.get(id))
    this.peeks++
    await new Promise<void>((resolve) => {
      this.#waiting.push(resolve)
      if (this.#waiting.length >= this.count) for (const release of this.#waiting) release()
    })
    return key
  }
}

describe('message pipeline: a step that fails after decryption', () => {
  it('takes the message again when it comes again, not as a duplicate of itself', async () => {
    const network = new StubNetwork()
    const directory = new PrekeyDirectory()
    const taken: string[] = []
    let failNext = true
    const social: SocialPort = {
      isBlocked: () => false,
      receive: async (_peer, payload) => {
        if (failNext) {
          failNext = false
          throw new Error('the friends store could not write')
        }
        taken.push(Buffer.from(payload).toString())
      },
    }
    const alice = await makePeer('alice', network, directory, undefined)
    const bob = await makePeer('bob', network, directory, undefined, { social })
    const hello = await alice.pipeline.send(bob.identity.publicKey, 'hello')
    await waitForState(alice, hello.id, 'delivered')
    network.capture = true
    await alice.pipeline.sendSocial(bob.identity.publicKey, Buffer.from('friend request'))
    await waitFor(() => network.captured.length === 1, 'social message sent')
    const [{ envelope }] = network.captured.splice(0)
    const source = { kind: 'direct' as const, sender: alice.identity.publicKey }

    // Decrypted (the ratchet moved), then the step after it failed: nothing of it is kept.
    await expect(bob.pipeline.receive(envelope, source)).rejects.toThrow('could not write')
    const again = await bob.pipeline.receive(envelope, source)
    expect(again.status).toBe(DmAckStatus.STORED)
    expect(taken).toEqual(['friend request'])
  })
})

describe('message pipeline: one-time prekeys', () => {
  it('accepts only one of two simultaneous starts from different peers with one prekey', async () => {
    const network = new StubNetwork()
    const directory = new PrekeyDirectory()
    const bobIdentity = generateIdentity()
    const prekeys = new PeekBarrierPrekeys(bobIdentity, directory, 2)
    const [usedId] = prekeys.oneTime.keys()
    const bob = await makePeer('bob', network, directory, undefined, {
      identity: bobIdentity,
      prekeys,
    })
    const alice = await makePeer('alice', network, directory, undefined)
    const carol = await makePeer('carol', network, directory, undefined)
    network.capture = true
    const sent = [
      await alice.pipeline.send(bob.identity.publicKey, 'from alice'),
      await carol.pipeline.send(bob.identity.publicKey, 'from carol'),
    ]
    await waitFor(() => network.captured.length === 2, 'both session starts sent')
    const starts = network.captured.splice(0)
    const outcomes = await Promise.all(
      starts.map(({ from, envelope }) =>
        bob.pipeline.receive(envelope, { kind: 'direct', sender: from.identity.publicKey }),
      ),
    )
    expect(prekeys.peeks).toBe(2)
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(
      [DmAckStatus.STORED, DmAckStatus.REJECTED].sort(),
    )
    const refusedAt = outcomes.findIndex((outcome) => outcome.status === DmAckStatus.REJECTED)
    // A stale bundle is not an attack: the refusal carries no penalty.
    expect(outcomes[refusedAt]).toMatchObject({ code: 'unknown-prekey', hostile: false })
    expect(bob.received).toHaveLength(1)
    await waitFor(() => !prekeys.oneTime.has(usedId), 'the used prekey deleted')

    // The refused sender starts again without a one-time prekey, and gets through.
    network.capture = false
    const refused = starts[refusedAt]
    await refused.from.pipeline.handleAck(bob.identity.publicKey, {
      messageId: refused.envelope.messageId,
      status: DmAckStatus.REJECTED,
      reason: outcomes[refusedAt].reason ?? '',
    })
    const refusedSender = refused.from === alice ? 0 : 1
    await waitForState(refused.from, sent[refusedSender].id, 'delivered')
    expect(bob.received.map((m) => m.text).sort()).toEqual(['from alice', 'from carol'])
  })
})

/** One-time prekeys in a real PrekeyStore, in the same database as the messaging data. */
class StoredPrekeys extends StubPrekeys {
  store: PrekeyStore | undefined

  override async peekOneTimePrekey(id: number) {
    return this.store?.oneTimePrekey(id)
  }

  override deleteOneTimePrekeyOp(id: number): DurableOp {
    if (this.store == null) throw new Error('no prekey store yet')
    return this.store.deleteOneTimePrekeyOp(id)
  }
}

describe('message pipeline: one-time prekeys across a crash', () => {
  it('deletes a used one-time prekey in the batch that commits its session, or not at all', async () => {
    const network = new StubNetwork()
    const directory = new PrekeyDirectory()
    const bobIdentity = generateIdentity()
    const prekeys = new StoredPrekeys(bobIdentity, directory)
    const bob = await makePeer('bob', network, directory, undefined, {
      identity: bobIdentity,
      prekeys,
    })
    const prekeysLevel = new RecordLevel(rawSublevel(bob.root, 'prekeys'))
    prekeys.store = new PrekeyStore(prekeysLevel, bobIdentity)
    await prekeys.store.addOneTimePrekeys([...prekeys.oneTime.values()], {
      nextSignedPrekeyId: 2,
      nextOneTimePrekeyId: 200,
    })
    const alice = await makePeer('alice', network, directory, undefined)
    network.capture = true
    await alice.pipeline.send(bob.identity.publicKey, 'hi bob')
    await waitFor(() => network.captured.length === 1, 'the session start sent')
    const [{ envelope }] = network.captured.splice(0)
    const usedId = decodeMessageHeader(envelope.header).sessionStart?.oneTimePrekeyId
    expect(usedId).toBeDefined()
    const fromAlice = { kind: 'direct' as const, sender: alice.identity.publicKey }

    const batches: DurableOp[][] = []
    let failCommits = true
    const batch = bob.db.batch.bind(bob.db) as (...args: unknown[]) => Promise<void>
    bob.db.batch = (async (ops: DurableOp[], options: unknown) => {
      batches.push(ops)
      if (failCommits) throw new Error('disk full')
      return batch(ops, options)
    }) as unknown as AppLevel['batch']

    // The commit fails (a crash at that point loses the same): the prekey is still there.
    await expect(bob.pipeline.receive(envelope, fromAlice)).rejects.toThrow('disk full')
    expect(await prekeys.store.oneTimePrekey(usedId!)).toBeDefined()
    expect(bob.received).toEqual([])

    // The commit succeeds: the session and the prekey's deletion are one write.
    failCommits = false
    expect((await bob.pipeline.receive(envelope, fromAlice)).status).toBe(DmAckStatus.STORED)
    expect(await prekeys.store.oneTimePrekey(usedId!)).toBeUndefined()
    expect(bob.received.map((m) => m.text)).toEqual(['hi bob'])
    const committed = batches.at(-1) ?? []
    expect(
      committed.filter(
        (op) => op.type === 'del' && 'sublevel' in op && op.sublevel === prekeysLevel,
      ),
    ).toHaveLength(1)
    expect(
      committed.some(
        (op) => op.type === 'put' && op.key === `s/${toHex(alice.identity.publicKey)}`,
      ),
    ).toBe(true)
    expect(batches.filter((ops) => ops.some((op) => 'sublevel' in op))).toHaveLength(2)
  })
})
