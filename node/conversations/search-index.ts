/**
 * A full-text inverted index of the local history in LevelDB: normalized tokens point to
 * the messages (documents) that contain them. Nothing of it leaves the node.
 *
 *   t/<token>\0<rank>\0<doc>   ''                      posting
 *   d/<doc>                    { rank, tokens, extra }  forward entry: what to remove with the doc
 *
 * On a node the sublevel seals its values, and `<token>` is the token blinded by the
 * sublevel (a keyed hash): an exact token still finds its list, but the disk shows no word.
 *
 * `rank` is the message time inverted and zero-padded, so every posting list reads newest
 * first, and all lists order their documents alike. A query of several tokens is answered
 * by a leapfrog join over the lists (each iterator seeks to the largest key another one is
 * at), which reads little more than the shortest list, and stops as soon as a page is full.
 * `doc` names a message: `p:<peer hex>/<history index>` or `r:<room id>/<event id>`.
 */
import type { BatchOp } from '../messaging/durable-writer.ts'
import type { AppLevel } from '../storage.ts'
import { InvalidSearchQueryError } from './errors.ts'
import { queryTokens, tokenize } from './tokenizer.ts'

/** Largest time a rank can express (the year 2286). */
const MAX_TIME = 9_999_999_999_999
const SEP = '\u0000'
/** Entries a lagging posting list reads one by one before it seeks instead. */
const STEPS_BEFORE_SEEK = 16
const END = '\u0001'

export interface IndexedDocument {
  doc: string
  text: string
  /** When the message was stored, ms since the epoch: newer ranks first. */
  at: number
  /** Kept with the forward entry and handed back with each hit. */
  extra?: unknown
}

export interface SearchHit {
  doc: string
  at: number
  extra?: unknown
}

export interface SearchPage {
  hits: SearchHit[]
  /** Pass as `before` for the next (older) page; null when there is none. */
  next: string | null
}

interface ForwardEntry {
  rank: string
  tokens: string[]
  extra?: unknown
}

export class SearchIndex {
  readonly #db: AppLevel

  constructor(db: AppLevel) {
    this.#db = db
  }

  /**
   * The writes that index `documents` (replacing what an earlier version of a document was
   * indexed under; with `onlyNew`, leaving a document indexed already as it is), to commit
   * in one batch with the caller's own writes.
   */
  async addOps(
    documents: IndexedDocument[],
    { onlyNew = false }: { onlyNew?: boolean } = {},
  ): Promise<BatchOp[]> {
    const ops: BatchOp[] = []
    const previous = await this.#db.getMany(documents.map(({ doc }) => `d/${doc}`))
    documents.forEach(({ doc, text, at, extra }, i) => {
      const old = previous[i]
      if (old != null && onlyNew) return
      if (old != null) ops.push(...this.#removeOps(doc, readJson<ForwardEntry>(old)))
      const rank = rankOf(at)
      const tokens = tokenize(text)
      const storedDoc = this.#db.names.hide(doc)
      for (const token of tokens) {
        ops.push({ type: 'put', key: this.#postingKey(token, rank, storedDoc), value: EMPTY })
      }
      const entry: ForwardEntry = extra === undefined ? { rank, tokens } : { rank, tokens, extra }
      ops.push({ type: 'put', key: `d/${doc}`, value: json(entry) })
    })
    return ops
  }

  /** The writes that remove every document whose name starts with `prefix`. */
  async removePrefixOps(prefix: string): Promise<BatchOp[]> {
    const ops: BatchOp[] = []
    for await (const [key, value] of this.#db.iterator({
      gte: `d/${prefix}`,
      lt: `d/${prefix}\uffff`,
    })) {
      ops.push(...this.#removeOps(key.slice(2), readJson<ForwardEntry>(value)))
    }
    return ops
  }

  /** The writes that remove these documents (those not indexed are ignored). */
  async removeOps(docs: string[]): Promise<BatchOp[]> {
    const entries = await this.#db.getMany(docs.map((doc) => `d/${doc}`))
    return docs.flatMap((doc, i) => {
      const entry = entries[i]
      return entry == null ? [] : this.#removeOps(doc, readJson<ForwardEntry>(entry))
    })
  }

  async has(doc: string): Promise<boolean> {
    return (await this.#db.get(`d/${doc}`)) != null
  }

  /**
   * Documents that contain every token of `query`, newest first, at most `limit`, older
   * than the `before` cursor of a previous page. Throws InvalidSearchQueryError when the
   * query has no searchable word.
   */
  async search(
    query: string,
    options: { limit?: number; before?: string } = {},
  ): Promise<SearchPage> {
    const tokens = queryTokens(query)
    if (tokens.length === 0) {
      throw new InvalidSearchQueryError(`"${query}" has no word to search for`)
    }
    const limit = Math.max(1, options.limit ?? 50)
    const before = options.before ?? ''
    const lists = tokens.map((token) => {
      const blinded = this.#db.blind(token)
      const prefix = `t/${blinded}${SEP}`
      return {
        prefix,
        // Compared as stored: LevelDB's order is that of hidden names (key-names.ts).
        iterator: this.#db.storedKeys({ gt: `${prefix}${before}`, lt: `t/${blinded}${END}` }),
      }
    })
    const suffixes: string[] = []
    const read = async (i: number): Promise<string | undefined> => {
      const key = await lists[i].iterator.next()
      return key === undefined ? undefined : key.slice(lists[i].prefix.length)
    }
    // A seek drops the iterator's read-ahead, so a near target is cheaper to step to.
    const advance = async (i: number, target: string): Promise<string | undefined> => {
      for (let step = 0; step < STEPS_BEFORE_SEEK; step++) {
        const suffix = await read(i)
        if (suffix === undefined || suffix >= target) return suffix
      }
      lists[i].iterator.seek(lists[i].prefix + target)
      return read(i)
    }
    const hits: string[] = []
    try {
      for (let i = 0; i < lists.length; i++) {
        const suffix = await read(i)
        if (suffix === undefined) return { hits: [], next: null }
        suffixes[i] = suffix
      }
      for (;;) {
        let max = suffixes[0]
        for (const suffix of suffixes) if (suffix > max) max = suffix
        let agreed = true
        for (let i = 0; i < lists.length; i++) {
          if (suffixes[i] === max) continue
          agreed = false
          const suffix = await advance(i, max)
          if (suffix === undefined) return { hits: await this.#hits(hits), next: null }
          suffixes[i] = suffix
        }
        if (!agreed) continue
        hits.push(max)
        if (hits.length === limit) return { hits: await this.#hits(hits), next: max }
        for (let i = 0; i < lists.length; i++) {
          const suffix = await read(i)
          if (suffix === undefined) return { hits: await this.#hits(hits), next: null }
          suffixes[i] = suffix
        }
      }
    } finally {
      await Promise.all(lists.map(({ iterator }) => iterator.close()))
    }
  }

  #removeOps(doc: string, entry: ForwardEntry): BatchOp[] {
    const storedDoc = this.#db.names.hide(doc)
    return [
      ...entry.tokens.map(
        (token): BatchOp => ({ type: 'del', key: this.#postingKey(token, entry.rank, storedDoc) }),
      ),
      { type: 'del', key: `d/${doc}` },
    ]
  }

  /**
   * `storedDoc` is the document's name with its names already hidden (once per document, not
   * once per token: the layer's hiding of a key is idempotent and then finds nothing to do).
   */
  #postingKey(token: string, rank: string, storedDoc: string): string {
    return `t/${this.#db.blind(token)}${SEP}${rank}${SEP}${storedDoc}`
  }

  async #hits(suffixes: string[]): Promise<SearchHit[]> {
    const docs = suffixes.map((suffix) => this.#db.revealKey(suffix.slice(suffix.indexOf(SEP) + 1)))
    const entries = await this.#db.getMany(docs.map((doc) => `d/${doc}`))
    return suffixes.map((suffix, i) => {
      const hit: SearchHit = { doc: docs[i], at: timeOf(suffix.slice(0, suffix.indexOf(SEP))) }
      const entry = entries[i]
      const extra = entry == null ? undefined : readJson<ForwardEntry>(entry).extra
      if (extra !== undefined) hit.extra = extra
      return hit
    })
  }
}

const EMPTY = new Uint8Array(0)
const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Newer first in key order. */
export function rankOf(at: number): string {
  const clamped = Math.min(Math.max(0, Math.floor(at)), MAX_TIME)
  return String(MAX_TIME - clamped).padStart(13, '0')
}

function timeOf(rank: string): number {
  return MAX_TIME - Number(rank)
}

function json(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value))
}

function readJson<T>(value: Uint8Array): T {
  return JSON.parse(decoder.decode(value)) as T
}
