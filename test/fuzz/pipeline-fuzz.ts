/**
 * Interaction fuzzing of four message pipelines on real LevelDB, sealed as on a node (records
 * written together sealed together, record-groups.ts), two accounts of two devices
 * each (alice and her phone, bob and his phone), joined by a network and an offline mailbox
 * the fuzzer holds. A text goes to the other account's first device, and as copies to its
 * other device and to the sender's own other device (as the device fan-out queues them, now
 * and then twice). A seeded PRNG decides which device sends how many texts at once
 * (so some travel as bundles, some alone, some too big to share one), which envelope in
 * flight arrives next (reordering), which arrives again, which is lost, which ack is lost,
 * when a node becomes unreachable (its peer then deposits in the mailbox) or reachable
 * again, when a node collects its mailbox, and when a node restarts (envelopes it sent may
 * still arrive afterwards, acks for them then reach the new instance). The disk fails too:
 * a share of LevelDB batch writes (`writeFaultRate`) throws instead of writing, so whole lane
 * batches fail; a send that fails is not sent, and what failed to be received or acked is
 * sent again. At the end the disk heals, the network delivers everything and both collect.
 * Every device must have shown every text (or copy) each other device queued for it exactly
 * once, in the order queued, and seen each of its own delivered; no mailbox slot is left
 * behind.
 *
 * Run longer than the unit test does: `npm run fuzz:pipeline -- --seeds 50 --steps 2000`.
 */
import { Level } from 'level'
import { generateIdentity, type Identity, peerIdOf } from '../../node/identity/index.ts'
import { copyId } from '../../node/messaging/device-fan-out.ts'
import { MessagePipeline } from '../../node/messaging/index.ts'
import type { TextCopy } from '../../node/messaging/outbound.ts'
import { type AppLevel, appSublevel } from '../../node/storage.ts'
import { toHex } from '../../protocol/bytes.ts'
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
  /** Texts sent to the other account (each to its first device)... */
  sent: number
  /** ...and their copies for the other devices of both accounts. */
  copies: number
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

/**
 * Two accounts of two devices each. The first device of an account runs on its account key;
 * what a device sends to the other account goes to that key and, as copies, to the account's
 * other device and to the sender's own other device (naming the peer), as device-fan-out.ts
 * queues them. Each (sender, receiver) pair of devices is a conversation of its own.
 */
const DEVICES = ['alice', 'alice-phone', 'bob', 'bob-phone'] as const
type Device = (typeof DEVICES)[number]
const ACCOUNT_OF: Record<Device, Device> = {
  alice: 'alice',
  'alice-phone': 'alice',
  bob: 'bob',
  'bob-phone': 'bob',
}
const otherAccount = (device: Device): Device => (ACCOUNT_OF[device] === 'alice' ? 'bob' : 'alice')

interface Node {
  identity: Identity
  signedPrekey: SignedPrekey
  path: string
  db: Level<string, Uint8Array>
  mailbox: StubMailbox
  pipeline: MessagePipeline
  /** Texts shown, in order, across restarts, by the device that sent them. */
  shown: Map<Device, string[]>
  delivered: Set<string>
}

interface InFlight {
  from: Device
  to: Device
  envelope: DmEnvelope
}

/** One text (or copy) for one device: what to queue again if its write fails. */
interface Queued {
  to: Device
  text: string
  copy?: TextCopy
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
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]
  const report: PipelineFuzzReport = {
    seed,
    sent: 0,
    copies: 0,
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
  const byDevice = <T>(make: () => T) =>
    Object.fromEntries(DEVICES.map((device) => [device, make()])) as Record<Device, T>
  /** Envelope ids each device sent that will get no ack (lost, or their ack lost), by receiver. */
  const unacked = byDevice(() => new Map<Device, string[]>())
  /** What each device queued for each other device, in order, and every id it queued. */
  const sent = byDevice(() => new Map<Device, string[]>())
  const sentIds = byDevice(() => [] as string[])
  let texts = 0
  const nodes = {} as Record<Device, Node>
  const reachable = byDevice(() => true)
  const mailbox = new StubMailbox(generateIdentity())
  const deviceOf = new Map<string, Device>()

  const open = async (device: Device, identity: Identity, signedPrekey: SignedPrekey) => {
    const path = `${dir.path}/${device}`
    const db = new Level<string, Uint8Array>(path, { valueEncoding: 'view' })
    await db.open()
    const previous = nodes[device] as Node | undefined
    const view = mailbox.shared(identity)
    const node: Node = {
      identity,
      signedPrekey,
      path,
      db,
      mailbox: view,
      shown: previous?.shown ?? new Map(),
      delivered: previous?.delivered ?? new Set(),
      pipeline: new MessagePipeline({
        db: withWriteFaults(appSublevel(db, 'messaging', identity), writeFails),
        identity,
        mailbox: view,
        prekeys: {
          fetchBundle: async (peer) => {
            const owner = nodes[deviceOf.get(peerIdOf({ publicKey: peer }).toString())!]
            return createPrekeyBundle(owner.identity.publicKey, owner.signedPrekey)
          },
          signedPrekey: async (id) => (id === signedPrekey.id ? signedPrekey : undefined),
          peekOneTimePrekey: async () => undefined,
          deleteOneTimePrekeyOp: (id) => ({ type: 'del', key: `unused/${id}` }),
          oneTimePrekeyDeleted: () => undefined,
        },
        link: {
          send: async (peer, envelope) => {
            const to = deviceOf.get(peerIdOf({ publicKey: peer }).toString())!
            if (!reachable[to]) return false
            inFlight.push({ from: device, to, envelope })
            return true
          },
        },
        log: testLogger,
        // Acks are lost on purpose here: the fuzzer says when (as a closed stream would).
        ackTimeoutMs: 3_600_000,
        emit: (type, data) => {
          if (type === 'message:received') {
            const message = data as MessageView
            const from = deviceOf.get(message.peerId)!
            node.shown.set(from, [...(node.shown.get(from) ?? []), message.text])
          }
          const change = data as MessageStateChange
          if (type === 'message:state' && change.state === 'delivered')
            node.delivered.add(change.id)
        },
      }),
    }
    await node.pipeline.start()
    nodes[device] = node
  }
  const restart = async (device: Device) => {
    const node = nodes[device]
    await node.pipeline.stop()
    await node.db.close()
    await open(device, node.identity, node.signedPrekey)
    report.restarts++
  }
  const keyOf = (device: Device) => nodes[device].identity.publicKey

  /** Queues texts for one device, all in one turn (one lane batch: bundles where they fit). */
  const queue = async (from: Device, items: Queued[]): Promise<Queued[]> => {
    const results = await Promise.allSettled(
      items.map(({ to, text, copy }) => nodes[from].pipeline.send(keyOf(to), text, {}, copy)),
    )
    const failed: Queued[] = []
    results.forEach((result, i) => {
      const { to, text } = items[i]
      if (result.status === 'rejected') {
        expectFault(result.reason)
        failed.push(items[i])
        return
      }
      const list = sent[from].get(to) ?? []
      list.push(text)
      sent[from].set(to, list)
      sentIds[from].push(result.value.id)
    })
    return failed
  }

  const send = async (from: Device) => {
    const count = 1 + Math.floor(random() * 6)
    const made = Array.from({ length: count }, () => {
      const text = `${from} ${++texts}`
      // Now and then one too long to share a bundle with another like it.
      return random() < 0.1 ? text.padEnd(LONG_TEXT_BYTES, '.') : text
    })
    const peer = otherAccount(from)
    const failed = await queue(
      from,
      made.map((text) => ({ to: peer, text })),
    )
    report.failedSends += failed.length
    const ok = made.filter((text) => !failed.some((item) => item.text === text))
    report.sent += ok.length
    if (ok.length === 0) return
    // The copies of what was sent: for the peer's other device and our own, each queued until
    // its write succeeds (the fan-out follows the history feed), and now and then twice (the
    // feed brings a text again after a crash): the second time queues nothing.
    const idsOf = sentIds[from].slice(-ok.length)
    const copies: Queued[] = []
    for (const [i, text] of ok.entries()) {
      const of = { peer: toHex(keyOf(peer)), id: idsOf[i] }
      for (const to of DEVICES.filter((d) => d !== from && d !== peer)) {
        const own = ACCOUNT_OF[to] === ACCOUNT_OF[from]
        const copy: TextCopy = { messageId: copyId(of.id, keyOf(to)), of }
        if (own) copy.sentTo = keyOf(peer)
        copies.push({ to, text, copy })
      }
    }
    for (const to of DEVICES) {
      let owed = copies.filter((item) => item.to === to)
      while (owed.length > 0) owed = await queue(from, owed)
      report.copies += copies.filter((item) => item.to === to).length
    }
    if (random() < 0.2) {
      const again = await Promise.all(
        copies.map(({ to, text, copy }) =>
          nodes[from].pipeline.send(keyOf(to), text, {}, copy).catch(expectFault),
        ),
      )
      if (again.some((result) => result != null && result.seq !== 0)) {
        throw new PipelineFuzzFailure(`seed ${seed}: a copy queued twice was sent twice`)
      }
    }
  }
  /** Only a write the fuzzer failed may fail an operation. */
  const expectFault = (err: unknown) => {
    if (!(err instanceof InjectedWriteFault)) throw err
  }
  const deliver = async (index: number, { again = false, loseAck = false } = {}) => {
    const { from, to, envelope } = inFlight[index]
    if (!again) inFlight.splice(index, 1)
    const id = Buffer.from(envelope.messageId).toString('hex')
    if (!again && !sentIds[from].includes(id)) report.bundles++
    const noAck = () => {
      const list = unacked[from].get(to) ?? []
      list.push(id)
      unacked[from].set(to, list)
    }
    let outcome: Awaited<ReturnType<MessagePipeline['receive']>>
    try {
      outcome = await nodes[to].pipeline.receive(envelope, {
        kind: 'direct',
        sender: keyOf(from),
      })
    } catch (err) {
      // Not stored, so not acked: the stream closes and the sender sends it again.
      expectFault(err)
      noAck()
      return
    }
    report.deliveries++
    if (loseAck) {
      noAck()
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
  const collect = async (device: Device) => {
    const { pipeline, mailbox: view } = nodes[device]
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
  const resend = async (device: Device) => {
    for (const to of DEVICES) {
      if (to === device) continue
      const ids = unacked[device].get(to)?.splice(0) ?? []
      nodes[device].pipeline.handleUnacked(keyOf(to), ids)
      await nodes[device].pipeline.retry(keyOf(to)).catch(expectFault)
    }
  }

  try {
    for (const device of DEVICES) {
      const identity = generateIdentity()
      deviceOf.set(peerIdOf(identity).toString(), device)
      await open(device, identity, generateSignedPrekey(identity, 1))
    }
    for (let step = 0; step < steps; step++) {
      const roll = random()
      const device = pick(DEVICES)
      if (roll < 0.2) {
        await send(device)
      } else if (roll < 0.67 && inFlight.length > 0) {
        const again = random() < 0.1
        if (again) report.duplicates++
        await deliver(Math.floor(random() * inFlight.length), { again, loseAck: random() < 0.1 })
      } else if (roll < 0.75 && inFlight.length > 0) {
        const [lost] = inFlight.splice(Math.floor(random() * inFlight.length), 1)
        const list = unacked[lost.from].get(lost.to) ?? []
        list.push(Buffer.from(lost.envelope.messageId).toString('hex'))
        unacked[lost.from].set(lost.to, list)
        report.lostEnvelopes++
      } else if (roll < 0.84) {
        await resend(device)
      } else if (roll < 0.9) {
        await collect(device)
      } else if (roll < 0.96) {
        reachable[device] = !reachable[device]
      } else {
        await restart(device)
      }
    }

    diskHealthy = true
    for (const device of DEVICES) reachable[device] = true
    for (let round = 0; ; round++) {
      for (const device of DEVICES) await resend(device)
      while (inFlight.length > 0) await deliver(0)
      for (const device of DEVICES) await collect(device)
      for (const device of DEVICES) await nodes[device].pipeline.idle()
      const settled = DEVICES.every((device) => nodes[device].pipeline.pendingPeers().length === 0)
      if (settled && inFlight.length === 0 && mailbox.slots.size === 0) break
      if (round === FINAL_ROUNDS) {
        throw new PipelineFuzzFailure(
          `seed ${seed}: after the network healed, outboxes ${settled ? 'empty' : 'not empty'}, ${inFlight.length} envelopes in flight, ${mailbox.slots.size} mailbox slots left`,
        )
      }
    }

    for (const to of DEVICES) {
      for (const from of DEVICES) {
        if (from === to) continue
        const shown = nodes[to].shown.get(from) ?? []
        const expected = sent[from].get(to) ?? []
        if (shown.length !== expected.length || shown.some((text, i) => text !== expected[i])) {
          throw new PipelineFuzzFailure(
            `seed ${seed}: ${to} showed ${shown.length} texts from ${from}, expected ${expected.length} in order; first difference at ${shown.findIndex((text, i) => text !== expected[i])}`,
          )
        }
      }
    }
    for (const device of DEVICES) {
      const notDelivered = sentIds[device].filter((id) => !nodes[device].delivered.has(id))
      if (notDelivered.length > 0) {
        throw new PipelineFuzzFailure(
          `seed ${seed}: ${device} never saw ${notDelivered.length} of its texts delivered`,
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
    copies: 0,
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
    totals.copies += report.copies
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
