/**
 * Interaction fuzzing of two message pipelines on real LevelDB, joined by a network and an
 * offline mailbox the fuzzer holds: a seeded PRNG decides who sends how many texts at once
 * (so some travel as bundles, some alone, some too big to share one), which envelope in
 * flight arrives next (reordering), which arrives again, which is lost, which ack is lost,
 * when a node becomes unreachable (its peer then deposits in the mailbox) or reachable
 * again, when a node collects its mailbox, and when a node restarts (envelopes it sent may
 * still arrive afterwards, acks for them then reach the new instance). The disk fails too:
 * a share of LevelDB batch writes (`writeFaultRate`) throws instead of writing, so whole lane
 * batches fail; a send that fails is not sent, and what failed to be received or acked is
 * sent again. At the end the disk heals, the network delivers everything and both collect.
 * Each side must have shown every text the other sent successfully exactly once, in send
 * order, and seen each of its own delivered; no mailbox slot is left behind.
 *
 * Run longer than the unit test does: `npm run fuzz:pipeline -- --seeds 50 --steps 2000`.
 */
import { Level } from 'level'
import { generateIdentity, type Identity } from '../../node/identity/index.ts'
import { MessagePipeline } from '../../node/messaging/index.ts'
import { RecordLevel } from '../../node/record-level.ts'
import { type AppLevel, rawSublevel } from '../../node/storage.ts'
import type { MessageStateChange, MessageView } from '../../protocol/local-api.ts'
import type { DmEnvelope } from '../../protocol/messaging.ts'
import {
  createPrekeyBundle,
  generateSignedPrekey,
  type SignedPrekey,
} from '../../protocol/session/index.ts'
import { seededRandom } from '../../sim/random.ts'
import { StubMailbox } from '../helpers/stub-mailbox.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { testLogger } from '../helpers/test-logger.ts'
import { parseFuzzArgs } from './fuzz-args.ts'

export interface PipelineFuzzOptions {
  seed: number
  steps: number
  /** The share of database batch writes that fail until the end. @default 0.05 */
  writeFaultRate?: number
}

export interface PipelineFuzzReport {
  seed: number
  sent: number
  /** Envelopes that carried several texts. */
  bundles: number
  deliveries: number
  duplicates: number
  lostEnvelopes: number
  lostAcks: number
  /** Mailbox collections, and the envelopes they took in. */
  collections: number
  collected: number
  restarts: number
  /** Batch writes that failed, and the sends that failed with them. */
  writeFaults: number
  failedSends: number
}

export class PipelineFuzzFailure extends Error {
  override name = 'PipelineFuzzFailure'
}

type Party = 'alice' | 'bob'

interface Node {
  identity: Identity
  signedPrekey: SignedPrekey
  path: string
  db: Level<string, Uint8Array>
  mailbox: StubMailbox
  pipeline: MessagePipeline
  /** Texts shown, in order, across restarts. */
  shown: string[]
  delivered: Set<string>
}

interface InFlight {
  from: Party
  envelope: DmEnvelope
}

const LONG_TEXT_BYTES = 30_000
const FINAL_ROUNDS = 100

/** The error of a batch write that the fuzzer made fail. */
class InjectedWriteFault extends Error {
  override name = 'InjectedWriteFault'
}

/**
 * `db`, except that its batch writes fail when `fails()` says so (the disk is full, say),
 * writing nothing, as a failed LevelDB batch does.
 */
function withWriteFaults(db: AppLevel, fails: () => boolean): AppLevel {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'batch') {
        return (...args: Parameters<AppLevel['batch']>) =>
          fails()
            ? Promise.reject(new InjectedWriteFault('injected write fault'))
            : target.batch(...args)
      }
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

export async function runPipelineFuzz({
  seed,
  steps,
  writeFaultRate = 0.05,
}: PipelineFuzzOptions): Promise<PipelineFuzzReport> {
  const random = seededRandom(seed)
  // Faults draw from their own sequence, so the steps a seed takes stay the same.
  const faultRandom = seededRandom(seed ^ 0x5eed)
  let diskHealthy = false
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]
  const report: PipelineFuzzReport = {
    seed,
    sent: 0,
    bundles: 0,
    deliveries: 0,
    duplicates: 0,
    lostEnvelopes: 0,
    lostAcks: 0,
    collections: 0,
    collected: 0,
    restarts: 0,
    writeFaults: 0,
    failedSends: 0,
  }
  const writeFails = () => {
    if (diskHealthy || faultRandom() >= writeFaultRate) return false
    report.writeFaults++
    return true
  }
  const dir = await makeTempDir('tokenim-pipeline-fuzz-')
  const inFlight: InFlight[] = []
  /** Envelope ids each party sent that will get no ack (lost, or their ack lost). */
  const unacked: Record<Party, string[]> = { alice: [], bob: [] }
  const sent: Record<Party, string[]> = { alice: [], bob: [] }
  const sentIds: Record<Party, string[]> = { alice: [], bob: [] }
  const other = (party: Party): Party => (party === 'alice' ? 'bob' : 'alice')
  const nodes = {} as Record<Party, Node>
  const reachable: Record<Party, boolean> = { alice: true, bob: true }
  const mailbox = new StubMailbox(generateIdentity())

  const open = async (party: Party, identity: Identity, signedPrekey: SignedPrekey) => {
    const path = `${dir.path}/${party}`
    const db = new Level<string, Uint8Array>(path, { valueEncoding: 'view' })
    await db.open()
    const previous = nodes[party] as Node | undefined
    const view = mailbox.shared(identity)
    const node: Node = {
      identity,
      signedPrekey,
      path,
      db,
      mailbox: view,
      shown: previous?.shown ?? [],
      delivered: previous?.delivered ?? new Set(),
      pipeline: new MessagePipeline({
        db: withWriteFaults(new RecordLevel(rawSublevel(db, 'messaging')), writeFails),
        identity,
        mailbox: view,
        prekeys: {
          fetchBundle: async () => {
            const peer = nodes[other(party)]
            return createPrekeyBundle(peer.identity.publicKey, peer.signedPrekey)
          },
          signedPrekey: async (id) => (id === signedPrekey.id ? signedPrekey : undefined),
          peekOneTimePrekey: async () => undefined,
          deleteOneTimePrekeyOp: (id) => ({ type: 'del', key: `unused/${id}` }),
          oneTimePrekeyDeleted: () => undefined,
        },
        link: {
          send: async (_peer, envelope) => {
            if (!reachable[other(party)]) return false
            inFlight.push({ from: party, envelope })
            return true
          },
        },
        log: testLogger,
        // Acks are lost on purpose here: the fuzzer says when (as a closed stream would).
        ackTimeoutMs: 3_600_000,
        emit: (type, data) => {
          if (type === 'message:received') node.shown.push((data as MessageView).text)
          const change = data as MessageStateChange
          if (type === 'message:state' && change.state === 'delivered')
            node.delivered.add(change.id)
        },
      }),
    }
    await node.pipeline.start()
    nodes[party] = node
  }
  const restart = async (party: Party) => {
    const node = nodes[party]
    await node.pipeline.stop()
    await node.db.close()
    await open(party, node.identity, node.signedPrekey)
    report.restarts++
  }
  const keyOf = (party: Party) => nodes[party].identity.publicKey

  const send = async (party: Party) => {
    const count = 1 + Math.floor(random() * 6)
    const texts = Array.from({ length: count }, (_, i) => {
      const text = `${party} ${sent[party].length + i + 1}`
      // Now and then one too long to share a bundle with another like it.
      return random() < 0.1 ? text.padEnd(LONG_TEXT_BYTES, '.') : text
    })
    // Sent in one turn: they share a lane batch, and so bundles where they fit.
    const results = await Promise.allSettled(
      texts.map((text) => nodes[party].pipeline.send(keyOf(other(party)), text)),
    )
    results.forEach((result, i) => {
      if (result.status === 'rejected') {
        expectFault(result.reason)
        report.failedSends++
        return
      }
      sent[party].push(texts[i])
      sentIds[party].push(result.value.id)
      report.sent++
    })
  }
  /** Only a write the fuzzer failed may fail an operation. */
  const expectFault = (err: unknown) => {
    if (!(err instanceof InjectedWriteFault)) throw err
  }
  const deliver = async (index: number, { again = false, loseAck = false } = {}) => {
    const { from, envelope } = inFlight[index]
    if (!again) inFlight.splice(index, 1)
    const id = Buffer.from(envelope.messageId).toString('hex')
    if (!again && !sentIds[from].includes(id)) report.bundles++
    const to = other(from)
    let outcome: Awaited<ReturnType<MessagePipeline['receive']>>
    try {
      outcome = await nodes[to].pipeline.receive(envelope, {
        kind: 'direct',
        sender: keyOf(from),
      })
    } catch (err) {
      // Not stored, so not acked: the stream closes and the sender sends it again.
      expectFault(err)
      unacked[from].push(id)
      return
    }
    report.deliveries++
    if (loseAck) {
      unacked[from].push(id)
      report.lostAcks++
      return
    }
    // An ack whose record fails to be written leaves the envelope waiting to go again.
    await nodes[from].pipeline
      .handleAck(keyOf(to), {
        messageId: envelope.messageId,
        status: outcome.status,
        reason: outcome.reason ?? '',
      })
      .catch(expectFault)
  }
  const collect = async (party: Party) => {
    const { pipeline, mailbox: view } = nodes[party]
    report.collections++
    try {
      const counts = await pipeline.collect(await view.collect(await pipeline.knownPeers()))
      report.collected += counts.stored
    } catch (err) {
      // What was not stored stays in its slot for the next collection.
      expectFault(err)
    }
  }
  /** The streams close: what got no ack is sent again. */
  const resend = async (party: Party) => {
    const ids = unacked[party].splice(0)
    nodes[party].pipeline.handleUnacked(keyOf(other(party)), ids)
    await nodes[party].pipeline.retry(keyOf(other(party))).catch(expectFault)
  }

  try {
    for (const party of ['alice', 'bob'] as const) {
      const identity = generateIdentity()
      await open(party, identity, generateSignedPrekey(identity, 1))
    }
    for (let step = 0; step < steps; step++) {
      const roll = random()
      const party = pick(['alice', 'bob'] as Party[])
      if (roll < 0.27) {
        await send(party)
      } else if (roll < 0.67 && inFlight.length > 0) {
        const again = random() < 0.1
        if (again) report.duplicates++
        await deliver(Math.floor(random() * inFlight.length), { again, loseAck: random() < 0.1 })
      } else if (roll < 0.75 && inFlight.length > 0) {
        const [lost] = inFlight.splice(Math.floor(random() * inFlight.length), 1)
        unacked[lost.from].push(Buffer.from(lost.envelope.messageId).toString('hex'))
        report.lostEnvelopes++
      } else if (roll < 0.84) {
        await resend(party)
      } else if (roll < 0.9) {
        await collect(party)
      } else if (roll < 0.96) {
        reachable[party] = !reachable[party]
      } else {
        await restart(party)
      }
    }

    diskHealthy = true
    reachable.alice = true
    reachable.bob = true
    for (let round = 0; ; round++) {
      for (const party of ['alice', 'bob'] as const) await resend(party)
      while (inFlight.length > 0) await deliver(0)
      for (const party of ['alice', 'bob'] as const) await collect(party)
      for (const party of ['alice', 'bob'] as const) await nodes[party].pipeline.idle()
      const settled = (['alice', 'bob'] as const).every(
        (party) => nodes[party].pipeline.pendingPeers().length === 0,
      )
      if (settled && inFlight.length === 0 && mailbox.slots.size === 0) break
      if (round === FINAL_ROUNDS) {
        throw new PipelineFuzzFailure(
          `seed ${seed}: after the network healed, outboxes ${settled ? 'empty' : 'not empty'}, ${inFlight.length} envelopes in flight, ${mailbox.slots.size} mailbox slots left`,
        )
      }
    }

    for (const party of ['alice', 'bob'] as const) {
      const shown = nodes[party].shown
      const expected = sent[other(party)]
      if (shown.length !== expected.length || shown.some((text, i) => text !== expected[i])) {
        throw new PipelineFuzzFailure(
          `seed ${seed}: ${party} showed ${shown.length} texts, expected ${expected.length} in order; first difference at ${shown.findIndex((text, i) => text !== expected[i])}`,
        )
      }
      const notDelivered = sentIds[party].filter((id) => !nodes[party].delivered.has(id))
      if (notDelivered.length > 0) {
        throw new PipelineFuzzFailure(
          `seed ${seed}: ${party} never saw ${notDelivered.length} of its texts delivered`,
        )
      }
    }
    return report
  } finally {
    for (const node of Object.values(nodes)) {
      await node.pipeline.stop()
      await node.db.close()
    }
    await dir.remove()
  }
}

if (import.meta.main) {
  const { firstSeed, seeds, steps } = parseFuzzArgs(process.argv.slice(2), {
    seeds: 20,
    steps: 1000,
  })
  const totals = {
    seeds: 0,
    sent: 0,
    bundles: 0,
    deliveries: 0,
    collected: 0,
    restarts: 0,
    writeFaults: 0,
    failedSends: 0,
  }
  const started = performance.now()
  for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
    const report = await runPipelineFuzz({ seed, steps })
    totals.seeds++
    totals.sent += report.sent
    totals.bundles += report.bundles
    totals.deliveries += report.deliveries
    totals.collected += report.collected
    totals.restarts += report.restarts
    totals.writeFaults += report.writeFaults
    totals.failedSends += report.failedSends
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(JSON.stringify({ ...totals, steps, seconds }))
}
