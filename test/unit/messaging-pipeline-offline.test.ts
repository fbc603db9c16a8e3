/**
 * The 1:1 pipeline offline: the mailbox, retries, stops and restarts, a peer that lost its
 * data, both ends starting a session at once.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { DurableOp } from '../../node/messaging/durable-writer.ts'
import type { AppLevel } from '../../node/storage.ts'
import { DmAckStatus } from '../../protocol/messaging.ts'
import {
  changed,
  cleanUp,
  onCleanUp,
  pairwiseSlots,
  setup,
  type TestPeer,
  talkedThenLost,
  waitFor,
  waitForState,
} from '../helpers/pipeline-peers.ts'

afterEach(cleanUp)

describe('message pipeline: offline and restarts', () => {
  it('falls back to the mailbox; states go queued -> stored -> delivered', async () => {
    const { network, mailbox, alice, bob } = await setup()
    network.online = false
    const ids: string[] = []
    for (let i = 1; i <= 5; i++)
      ids.push((await alice.pipeline.send(bob.identity.publicKey, `m${i}`)).id)
    for (const id of ids) await waitForState(alice, id, 'stored')
    expect(alice.states.find((s) => s.id === ids[0] && s.state === 'stored')?.replicas).toEqual({
      confirmed: 3,
      total: 3,
    })
    expect(mailbox!.slots.size).toBe(5)
    // First contact: bob does not know alice, so everything went to his inbox.
    expect([...mailbox!.slots.values()].every((slot) => slot.sender == null)).toBe(true)

    const counts = await bob.pipeline.collect(
      await bob.mailbox.collect(await bob.pipeline.knownPeers()),
    )
    expect(counts).toEqual({ stored: 5, duplicates: 0, rejected: 0 })
    expect(bob.received.map((m) => m.text)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5'])
    // Bob's delivered receipt cannot go directly either: it waits in the mailbox for alice.
    await waitFor(() => mailbox!.slots.size === 1, 'receipt deposited')
    await alice.pipeline.collect(await alice.mailbox.collect(await alice.pipeline.knownPeers()))
    for (const id of ids) await waitForState(alice, id, 'delivered')
    expect(mailbox!.slots.size).toBe(0)
  })

  it('records nothing and throws nothing for a deposit that completes after its node stopped', async () => {
    const setupResult = await setup()
    const { network, mailbox, bob } = setupResult
    let { alice } = setupResult
    const rejections: unknown[] = []
    const onRejection = (reason: unknown) => rejections.push(reason)
    process.on('unhandledRejection', onRejection)
    onCleanUp(async () => void process.off('unhandledRejection', onRejection))
    network.online = false
    const held = mailbox!.hold()
    const sent = await alice.pipeline.send(bob.identity.publicKey, 'deposited while stopping')
    await held.started
    // The node stops and closes its database while the deposit is under way.
    alice = await alice.restart()
    held.release()
    // Recorded nowhere, the text is deposited again by the node started since.
    await alice.pipeline.retry()
    await waitForState(alice, sent.id, 'stored')
    expect(rejections).toEqual([])
  })

  it('stops mid-batch: waits for the write under way, sends nothing after, and the text goes once started again', async () => {
    const setupResult = await setup()
    const { network, bob } = setupResult
    let { alice } = setupResult
    const first = await alice.pipeline.send(bob.identity.publicKey, 'session up')
    await waitForState(alice, first.id, 'delivered')
    network.capture = true
    let writing = false
    let release: () => void = () => undefined
    const released = new Promise<void>((resolve) => (release = resolve))
    const batch = alice.db.batch.bind(alice.db) as (...args: unknown[]) => Promise<void>
    alice.db.batch = (async (ops: DurableOp[], options: unknown) => {
      if (!writing) {
        writing = true
        changed()
        await released
      }
      return batch(ops, options)
    }) as unknown as AppLevel['batch']
    const sending = alice.pipeline.send(bob.identity.publicKey, 'written while stopping')
    await waitFor(() => writing, 'the batch being written')
    let stopped = false
    const stopping = alice.pipeline.stop().then(() => {
      stopped = true
    })
    await new Promise<void>((resolve) => setImmediate(resolve))
    expect(stopped).toBe(false)
    release()
    await stopping
    // The text is on disk (its batch committed), but nothing leaves a stopped pipeline.
    const sent = await sending
    expect(sent.state).toBe('queued')
    expect(network.captured).toEqual([])
    network.capture = false
    alice = await alice.restart()
    await alice.pipeline.retry()
    await waitForState(alice, sent.id, 'delivered')
    expect(bob.received.map((m) => m.text)).toEqual(['session up', 'written while stopping'])
  })

  it('tries an unreachable peer again by itself, soon, and delivers once it is back', async () => {
    const { network, alice, bob } = await setup({ mailbox: false })
    const first = await alice.pipeline.send(bob.identity.publicKey, 'session')
    await waitForState(alice, first.id, 'delivered')
    network.online = false
    const sent = await alice.pipeline.send(bob.identity.publicKey, 'while away')
    // Nobody calls retry(): the pipeline's own retry, 1 s after the failure, delivers it.
    network.online = true
    await waitForState(alice, sent.id, 'delivered')
    expect(bob.received.map((m) => m.text)).toEqual(['session', 'while away'])
  })

  it('keeps sessions, counters and the outbox across restarts of both sides', async () => {
    const setupResult = await setup()
    const { network } = setupResult
    let { alice, bob } = setupResult
    const a1 = await alice.pipeline.send(bob.identity.publicKey, 'before restart')
    await waitForState(alice, a1.id, 'delivered')
    const b1 = await bob.pipeline.send(alice.identity.publicKey, 'reply')
    await waitForState(bob, b1.id, 'delivered')

    network.online = false
    const queued = await alice.pipeline.send(bob.identity.publicKey, 'while bob is away')
    alice = await alice.restart()
    bob = await bob.restart()
    network.online = true
    await alice.pipeline.retry()
    await waitForState(alice, queued.id, 'delivered')
    const a3 = await alice.pipeline.send(bob.identity.publicKey, 'after restart')
    expect(a3.seq).toBe(3)
    await waitForState(alice, a3.id, 'delivered')
    const b2 = await bob.pipeline.send(alice.identity.publicKey, 'still here')
    await waitForState(bob, b2.id, 'delivered')
    const history = await bob.pipeline.history(alice.identity.publicKey)
    expect(history.messages.map((m) => m.text)).toEqual([
      'before restart',
      'reply',
      'while bob is away',
      'after restart',
      'still here',
    ])
  })

  it('starts a new session when the peer lost its data, and the peer stops waiting', async () => {
    const { alice, bob, fresh } = await talkedThenLost()
    const second = await alice.pipeline.send(bob.identity.publicKey, 'after the loss')
    await waitForState(alice, second.id, 'delivered')
    // Seq 2 arrived in a new session; seq 1 is gone with bob's data, and alice says so.
    expect(fresh.received.map((m) => [m.seq, m.text])).toEqual([[2, 'after the loss']])
    expect((await fresh.pipeline.history(alice.identity.publicKey)).held).toBe(0)
    const again = await fresh.pipeline.send(alice.identity.publicKey, 'back')
    await waitForState(fresh, again.id, 'delivered')
    expect(alice.received.map((m) => m.text)).toEqual(['ok', 'back'])
  })

  /**
   * Alice and bob talked, then bob's node lost its data (`fresh`, same identity and prekeys)
   * while alice wrote again; from then on they are never online together. Before bob's node
   * first collects from alice, `meanwhile` runs (with the network up).
   */
  async function writtenIntoLostSession(
    meanwhile: (fresh: TestPeer, alice: TestPeer) => Promise<void>,
  ) {
    const { network, mailbox, alice, bob, fresh } = await talkedThenLost()
    network.online = false
    const sent = await alice.pipeline.send(bob.identity.publicKey, 'after the loss')
    await waitForState(alice, sent.id, 'stored')
    network.online = true
    await meanwhile(fresh, alice)
    network.online = false

    // Bob's node knows alice (say, from her friend entry) and collects from her slot; it
    // cannot read her text, and leaves her a notice.
    const slots = pairwiseSlots(mailbox!)
    const collectFromAlice = async () =>
      fresh.pipeline.collect(await fresh.mailbox.collect([alice.identity.publicKey]))
    const aliceCollects = async () =>
      alice.pipeline.collect(await alice.mailbox.collect(await alice.pipeline.knownPeers()))
    expect(await collectFromAlice()).toEqual({ stored: 0, duplicates: 0, rejected: 1 })
    await waitFor(
      () => slots(alice, fresh) === 1 && slots(fresh, alice) === 0,
      'a refusal notice left for alice in place of her text',
    )
    // Alice takes the notice as the refusal it is: a new session, deposited again.
    await aliceCollects()
    await waitFor(() => slots(fresh, alice) === 1, 'the text deposited again, in a new session')
    expect(await collectFromAlice()).toEqual({ stored: 1, duplicates: 0, rejected: 0 })
    expect(fresh.received.map((m) => m.text).at(-1)).toBe('after the loss')
    await waitFor(() => slots(alice, fresh) === 1, 'a delivered receipt left for alice')
    await aliceCollects()
    await waitForState(alice, sent.id, 'delivered')
    expect(alice.states.filter((change) => change.state === 'failed')).toEqual([])
  }

  it('tells a sender offline then that it wrote in a session lost here; it starts a new one', async () => {
    await writtenIntoLostSession(async () => undefined)
  })

  it('does so too when a new session began since, where the text is undecryptable', async () => {
    await writtenIntoLostSession(async (fresh, alice) => {
      const hello = await fresh.pipeline.send(alice.identity.publicKey, 'hello again')
      await waitForState(fresh, hello.id, 'delivered')
    })
  })

  it('settles on one session when both sides start one at once, losing nothing', async () => {
    const { network, alice, bob } = await setup()
    network.capture = true
    const fromAlice = await alice.pipeline.send(bob.identity.publicKey, 'alice first')
    const fromBob = await bob.pipeline.send(alice.identity.publicKey, 'bob first')
    await waitFor(() => network.captured.length === 2, 'both starts sent')
    network.capture = false
    for (const { from, to, envelope } of network.captured.splice(0)) {
      expect((await network.deliver(from, to, envelope)).status).toBe(DmAckStatus.STORED)
    }
    await waitForState(alice, fromAlice.id, 'delivered')
    await waitForState(bob, fromBob.id, 'delivered')
    for (let i = 0; i < 3; i++) {
      const a = await alice.pipeline.send(bob.identity.publicKey, `a${i}`)
      const b = await bob.pipeline.send(alice.identity.publicKey, `b${i}`)
      await waitForState(alice, a.id, 'delivered')
      await waitForState(bob, b.id, 'delivered')
    }
    expect(alice.received.map((m) => m.text)).toEqual(['bob first', 'b0', 'b1', 'b2'])
    expect(bob.received.map((m) => m.text)).toEqual(['alice first', 'a0', 'a1', 'a2'])
  })
})
