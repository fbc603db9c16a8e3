/**
 * History with 100,000 messages in one conversation, stored the way messaging stores it
 * (node/messaging/message-store.ts) in a real LevelDB:
 * - building the full-text index over all of it (Conversations catch-up), against writing the
 *   history records themselves in batches;
 * - opening the conversation (mark read + latest page of 50), against a raw LevelDB range
 *   read of the same 50 entries;
 * - a full-text search for a rare word and for two common words (a page of 50 hits, each
 *   read back from the history), against a raw range read of as many entries;
 * - marking sent records delivered, a batch as each batch of records is written (as acks
 *   follow a burst of sends): each overwrite finds the group its record was sealed in.
 * The history is sealed, as on a node; each figure is also given against the same history
 * unsealed (a second database in the same run, its batches written alternately with the
 * sealed one's, after a small pair warmed both code paths), which is what sealing costs.
 */
import type { Logger } from '@libp2p/interface'
import { Conversations } from '../node/conversations/index.ts'
import { generateIdentity, type Identity } from '../node/identity/index.ts'
import type { BatchOp } from '../node/messaging/durable-writer.ts'
import { MessagePipeline } from '../node/messaging/index.ts'
import {
  type HistoryRecord,
  MessageStore,
  newConversation,
} from '../node/messaging/message-store.ts'
import { type AppLevel, openStorage, type Storage } from '../node/storage.ts'
import { makeTempDir } from '../test/helpers/temp-dir.ts'
import { BundleDirectory } from '../test/integration/messaging-peers.ts'
import { type Benchmark, type BenchmarkFigure, DURATION_MS } from './measure.ts'

/** The benchmark logs nothing. */
const silent = Object.assign(() => undefined, {
  error: () => undefined,
  trace: () => undefined,
  enabled: false,
  newScope: () => silent,
}) as unknown as Logger

const MESSAGES = Number(process.env.TOKENIM_BENCH_HISTORY_MESSAGES ?? 100_000)
const PAGE = 50
const WRITE_BATCH = 1000
const WARM_UP_MESSAGES = 5000
const STATE_MESSAGES = 40_000
const WORDS = Array.from({ length: 2000 }, (_, i) => `w${i.toString(36)}`)

/** Deterministic texts: ~10 words each, Zipf-like, with marker words at known rates. */
function textOf(i: number): string {
  const words: string[] = []
  let x = (i * 2654435761) >>> 0
  for (let k = 0; k < 10; k++) {
    x = (x * 1103515245 + 12345) >>> 0
    words.push(WORDS[Math.floor(WORDS.length * (x / 2 ** 32) ** 3)])
  }
  if (i % 1000 === 0) words.push('zebra')
  if (i % 10 === 0) words.push('alpha')
  if (i % 7 === 0) words.push('beta')
  return words.join(' ')
}

/**
 * Async operations per second of subject and baseline, in alternating rounds, and the
 * process's CPU time per operation of each (steadier than the rate on a shared machine).
 */
async function compareAsync(
  subject: () => Promise<unknown>,
  baseline: () => Promise<unknown>,
  durationMs = DURATION_MS,
): Promise<{ subject: number; baseline: number; subjectCpuUs: number; baselineCpuUs: number }> {
  const totals = {
    subject: { ops: 0, ms: 0, cpuUs: 0 },
    baseline: { ops: 0, ms: 0, cpuUs: 0 },
  }
  for (const operation of [subject, baseline]) await operation()
  for (let round = 0; round < 5; round++) {
    for (const key of ['subject', 'baseline'] as const) {
      const operation = key === 'subject' ? subject : baseline
      const cpu = process.cpuUsage()
      const start = performance.now()
      let now = start
      while (now - start < durationMs / 5) {
        await operation()
        totals[key].ops++
        now = performance.now()
      }
      totals[key].ms += now - start
      const used = process.cpuUsage(cpu)
      totals[key].cpuUs += used.user + used.system
    }
  }
  return {
    subject: (totals.subject.ops * 1000) / totals.subject.ms,
    baseline: (totals.baseline.ops * 1000) / totals.baseline.ms,
    subjectCpuUs: totals.subject.cpuUs / totals.subject.ops,
    baselineCpuUs: totals.baseline.cpuUs / totals.baseline.ops,
  }
}

/** The figure of CPU per operation, subject against its unsealed baseline. */
function cpuFigure(
  name: string,
  compared: { subjectCpuUs: number; baselineCpuUs: number },
): BenchmarkFigure {
  return {
    name: `${name} (CPU per op)`,
    value: compared.subjectCpuUs,
    unit: 'us',
    baseline: { name: 'the same, unsealed', value: compared.baselineCpuUs },
  }
}

interface HistoryUnderTest {
  conversations: Conversations
  messagingDb: AppLevel
  peerHex: string
  /** ms to write the history records, and to index them, and the CPU each took (us). */
  writeMs: number
  indexMs: number
  writeCpuUs: number
  indexCpuUs: number
  close(): Promise<void>
}

/** A history being written: the database, and the time and CPU its batches took so far. */
interface HistoryWrite {
  storage: Storage
  identity: Identity
  store: MessageStore
  messagingDb: AppLevel
  peerHex: string
  writeMs: number
  writeCpuUs: number
  remove(): Promise<void>
}

async function newHistory(sealed: boolean): Promise<HistoryWrite> {
  const dir = await makeTempDir('tokenim-bench-history-')
  const identity = generateIdentity()
  const storage = await openStorage(dir.path, sealed ? { identity } : {})
  const messagingDb = storage.sublevel('messaging')
  return {
    storage,
    identity,
    store: new MessageStore(messagingDb),
    messagingDb,
    peerHex: Buffer.from(generateIdentity().publicKey).toString('hex'),
    writeMs: 0,
    writeCpuUs: 0,
    remove: () => dir.remove(),
  }
}

/** When the histories' last messages were sent: a second apart before it. */
const HISTORY_ENDS = Date.now()

/** The record at `index` of a history of `messages`: every other one sent. */
function recordOf(index: number, messages: number): HistoryRecord {
  const sentAt = HISTORY_ENDS - (messages - index) * 1000
  return {
    id: index.toString(16).padStart(32, '0'),
    direction: index % 2 === 0 ? 'out' : 'in',
    seq: Math.ceil(index / 2),
    text: textOf(index),
    sentAt,
    storedAt: sentAt,
  }
}

/** One batch of history records, `start` to `start + WRITE_BATCH - 1`, timed. */
async function writeBatch(history: HistoryWrite, start: number, messages: number): Promise<void> {
  const cpu = process.cpuUsage()
  const started = performance.now()
  const ops: BatchOp[] = []
  for (let index = start; index < start + WRITE_BATCH && index <= messages; index++) {
    ops.push(history.store.historyOp(history.peerHex, index, recordOf(index, messages), true))
  }
  await history.messagingDb.batch(ops)
  history.writeMs += performance.now() - started
  history.writeCpuUs += cpuSince(cpu)
}

/** The sent records of one written batch marked delivered in a batch; its CPU time (us). */
async function markDelivered(history: HistoryWrite, start: number, messages: number) {
  const cpu = process.cpuUsage()
  const ops: BatchOp[] = []
  for (let index = start; index < start + WRITE_BATCH && index <= messages; index++) {
    const record = recordOf(index, messages)
    if (record.direction !== 'out') continue
    ops.push(history.store.historyOp(history.peerHex, index, { ...record, state: 'delivered' }))
  }
  await history.messagingDb.batch(ops)
  return cpuSince(cpu)
}

/**
 * CPU per sent record marked delivered, sealed and unsealed: two histories written in
 * alternating batches, each batch's sent records marked delivered right after it. The
 * first tenth warms both code paths and is not counted.
 */
async function deliveryStateCpu(): Promise<{ sealed: number; plain: number }> {
  const histories = [await newHistory(true), await newHistory(false)]
  const cpuUs = [0, 0]
  const warmUp = STATE_MESSAGES / 10
  try {
    for (let start = 1; start <= STATE_MESSAGES; start += WRITE_BATCH) {
      for (const [i, history] of histories.entries()) {
        await writeBatch(history, start, STATE_MESSAGES)
        const used = await markDelivered(history, start, STATE_MESSAGES)
        if (start > warmUp) cpuUs[i] += used
      }
    }
  } finally {
    for (const history of histories) {
      await history.storage.close()
      await history.remove()
    }
  }
  const marked = (STATE_MESSAGES - warmUp) / 2
  return { sealed: cpuUs[0] / marked, plain: cpuUs[1] / marked }
}

/**
 * A sealed history (as on a node) and a plain one, written as messaging writes them in
 * alternating batches (both meet the same load, and the compaction each set off), then
 * indexed one after the other.
 */
async function historiesUnderTest(messages: number): Promise<HistoryUnderTest[]> {
  const histories = [await newHistory(true), await newHistory(false)]
  for (let start = 1; start <= messages; start += WRITE_BATCH) {
    for (const history of histories) await writeBatch(history, start, messages)
  }
  // Indexed from the same state: compacted, so neither pays for the other's compaction.
  for (const history of histories) await history.storage.compact()
  const out: HistoryUnderTest[] = []
  for (const history of histories) out.push(await indexed(history, messages))
  return out
}

/** The written history indexed (Conversations catch-up), then compacted. */
async function indexed(history: HistoryWrite, messages: number): Promise<HistoryUnderTest> {
  const { storage, identity, store, messagingDb, peerHex } = history
  await messagingDb.batch([
    store.conversationOp(peerHex, {
      ...newConversation(),
      nextIndex: messages + 1,
      expectedInSeq: messages / 2 + 1,
      unread: 10,
      lastActivity: Date.now(),
    }),
  ])

  const pipeline = new MessagePipeline({
    db: messagingDb,
    identity,
    prekeys: new BundleDirectory().prekeysFor(identity),
    link: { send: async () => false },
    log: silent,
    emit: () => {},
    readReceipts: false,
    syncWrites: false,
  })
  await pipeline.start()
  const conversations = new Conversations({
    db: storage.sublevel('conversations'),
    messages: {
      historyFeed: pipeline.feed,
      message: (p, index) => pipeline.message(p, index),
      inbox: () => pipeline.inbox(),
      history: (p, options) => pipeline.history(Buffer.from(p, 'hex'), options),
      markRead: (p) => pipeline.markRead(Buffer.from(p, 'hex')),
      resolvePeer: async (p) => Buffer.from(p, 'hex'),
      clearHistory: async (p) => ({
        ...(await pipeline.clearHistory(Buffer.from(p, 'hex'))),
        files: [],
      }),
      deleteForMe: async (p, ids) => ({
        peerId: p,
        ...(await pipeline.deleteForMe(Buffer.from(p, 'hex'), ids)),
      }),
    },
    log: silent,
  })
  const indexCpu = process.cpuUsage()
  const indexStart = performance.now()
  await conversations.start()
  await conversations.indexNow()
  const indexMs = performance.now() - indexStart
  const indexCpuUs = cpuSince(indexCpu)
  // Both databases are read in the same state: fully compacted. Otherwise the one built
  // last is still compacting in the background while it is read (its reads were 5 to 100
  // times slower, and the compaction counted in its CPU time).
  await storage.compact()
  return {
    conversations,
    messagingDb,
    peerHex,
    writeMs: history.writeMs,
    indexMs,
    writeCpuUs: history.writeCpuUs,
    indexCpuUs,
    close: async () => {
      await conversations.stop()
      await pipeline.stop()
      await storage.close()
      await history.remove()
    },
  }
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start)
  return used.user + used.system
}

const SEARCHES = [
  ['zebra', 'a rare word (100 hits)'],
  ['alpha beta', 'two common words (1,429 hits)'],
] as const

const benchmark: Benchmark = {
  name: 'history',
  async run(): Promise<BenchmarkFigure[]> {
    const figures: BenchmarkFigure[] = []
    // The node's history is sealed; the plain one is the baseline of what sealing costs.
    // A small pair first, so that neither measured one pays for compiling the code paths.
    for (const history of await historiesUnderTest(WARM_UP_MESSAGES)) await history.close()
    const [sealed, plain] = await historiesUnderTest(MESSAGES)
    const count = MESSAGES.toLocaleString('en-US')
    try {
      figures.push(
        {
          name: `index ${count} messages (tokenize, postings, watermark)`,
          value: (MESSAGES * 1000) / sealed.indexMs,
          unit: 'messages/s',
          baseline: {
            name: 'batched LevelDB put of the history records',
            value: (MESSAGES * 1000) / sealed.writeMs,
          },
        },
        {
          name: `sealed: write ${count} history records in batches`,
          value: (MESSAGES * 1000) / sealed.writeMs,
          unit: 'messages/s',
          baseline: { name: 'the same, unsealed', value: (MESSAGES * 1000) / plain.writeMs },
        },
        {
          name: `sealed: index ${count} messages (blinded tokens)`,
          value: (MESSAGES * 1000) / sealed.indexMs,
          unit: 'messages/s',
          baseline: { name: 'the same, unsealed', value: (MESSAGES * 1000) / plain.indexMs },
        },
        {
          name: 'sealed: write a history record in batches (CPU per record)',
          value: sealed.writeCpuUs / MESSAGES,
          unit: 'us',
          baseline: { name: 'the same, unsealed', value: plain.writeCpuUs / MESSAGES },
        },
        {
          name: 'sealed: index a message (CPU per message)',
          value: sealed.indexCpuUs / MESSAGES,
          unit: 'us',
          baseline: { name: 'the same, unsealed', value: plain.indexCpuUs / MESSAGES },
        },
      )
      const states = await deliveryStateCpu()
      figures.push({
        name: 'sealed: mark a sent record delivered, in batches (CPU per record)',
        value: states.sealed,
        unit: 'us',
        baseline: { name: 'the same, unsealed', value: states.plain },
      })

      // LevelDB's own range read (the peer's name hidden in the keys): no record opened.
      const rawRange = async () => {
        let n = 0
        const db = sealed.messagingDb
        for await (const value of db.raw.values({
          gt: db.names.hide(`h/${sealed.peerHex}/`),
          lt: db.names.hide(`h/${sealed.peerHex}/~`),
          reverse: true,
          limit: PAGE,
        })) {
          n += value.length
        }
        return n
      }
      const openOf = (history: HistoryUnderTest) => () =>
        history.conversations.open({ peer: history.peerHex }, { limit: PAGE })
      const open = await compareAsync(openOf(sealed), rawRange)
      figures.push({
        name: `open a conversation of ${count} (mark read + latest ${PAGE})`,
        value: open.subject,
        unit: 'ops/s',
        baseline: {
          name: `raw LevelDB range read of the same ${PAGE} entries`,
          value: open.baseline,
        },
      })
      const openSealing = await compareAsync(openOf(sealed), openOf(plain))
      figures.push({
        name: `sealed: open a conversation of ${count}`,
        value: openSealing.subject,
        unit: 'ops/s',
        baseline: { name: 'the same, unsealed', value: openSealing.baseline },
      })
      figures.push(cpuFigure(`sealed: open a conversation of ${count}`, openSealing))

      for (const [query, what] of SEARCHES) {
        const searchOf = (history: HistoryUnderTest) => () =>
          history.conversations.search(query, { limit: PAGE })
        const hits = (await searchOf(sealed)()).hits.length
        const search = await compareAsync(searchOf(sealed), rawRange)
        figures.push({
          name: `full-text search, ${what}, page of ${hits}`,
          value: search.subject,
          unit: 'ops/s',
          baseline: { name: `raw LevelDB range read of ${PAGE} entries`, value: search.baseline },
        })
        const sealing = await compareAsync(searchOf(sealed), searchOf(plain))
        figures.push({
          name: `sealed: full-text search, ${what}`,
          value: sealing.subject,
          unit: 'ops/s',
          baseline: { name: 'the same, unsealed', value: sealing.baseline },
        })
        figures.push(cpuFigure(`sealed: full-text search, ${what}`, sealing))
      }
    } finally {
      await sealed.close()
      await plain.close()
    }
    return figures
  },
}

export default benchmark
