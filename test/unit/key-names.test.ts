import { Key } from 'interface-datastore'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateIdentity } from '../../node/identity/index.ts'
import { HiddenKeyNames } from '../../node/key-names.ts'
import { openStorage, type Storage } from '../../node/storage.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const PEER_HEX = 'ab'.repeat(32)
const PEER_ID = '12D3KooWJPHzy8AKaZUCNUkjCW4Zoid1XkLjirSQDxBAAM1nEKDG'
const identity = generateIdentity()

describe('hidden key names', () => {
  it('hide peers and rooms in a key, the same way each time, and read them back', () => {
    const names = new HiddenKeyNames(identity)
    const key = `b/${PEER_HEX}/${'cd'.repeat(32)}!reg!${PEER_ID}/000001`
    const hidden = names.hide(key)
    expect(hidden).not.toContain(PEER_HEX)
    expect(hidden).not.toContain('cd'.repeat(32))
    expect(hidden).not.toContain(PEER_ID)
    expect(hidden).toMatch(/^b\/\*x[\w-]{64}\/\*x[\w-]{64}!reg!\*p[\w-]{91}\/000001$/)
    expect(names.hide(key)).toBe(hidden)
    expect(names.hide(hidden)).toBe(hidden)
    expect(names.reveal(hidden)).toBe(key)
    expect(new HiddenKeyNames(identity).reveal(hidden)).toBe(key)
    // Other hex runs (a 32-digit id, a 128-digit signature) are no names, nor is a peer id
    // inside a longer base58 run.
    expect(names.hide(`a/Z${PEER_ID}`)).toBe(`a/Z${PEER_ID}`)
    expect(names.hide(`a/${PEER_ID}Z`)).toBe(`a/${PEER_ID}Z`)
    expect(names.hide(`x/${'ef'.repeat(16)}/${'01'.repeat(64)}`)).toBe(
      `x/${'ef'.repeat(16)}/${'01'.repeat(64)}`,
    )
  })

  it('find exactly the names a pattern with lookbehinds finds, in keys of any shape', () => {
    const names = new HiddenKeyNames(identity)
    const pattern =
      /(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])|(?<![1-9A-HJ-NP-Za-km-z])12D3KooW[1-9A-HJ-NP-Za-km-z]{44}(?![1-9A-HJ-NP-Za-km-z])/g
    const pieces = [PEER_HEX, PEER_ID, 'f', 'Z', '/', '!', '\u0000', 'p:', '0123', 'l', '12D3KooW']
    let seed = 7
    const pick = () => {
      seed = (seed * 1103515245 + 12345) >>> 0
      return pieces[seed % pieces.length]
    }
    for (let i = 0; i < 4000; i++) {
      const key = Array.from({ length: 1 + (i % 13) }, pick).join('')
      expect(names.hide(key)).toBe(key.replace(pattern, (name) => names.hide(name)))
    }
  })

  it('differ per identity, and a token of another identity is not read back', () => {
    const mine = new HiddenKeyNames(identity)
    const theirs = new HiddenKeyNames(generateIdentity())
    const hidden = theirs.hide(`c/${PEER_HEX}`)
    expect(mine.hide(`c/${PEER_HEX}`)).not.toBe(hidden)
    expect(mine.reveal(hidden)).toBe(hidden)
  })
})

describe("a node's libp2p datastore", () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>
  let storage: Storage | undefined

  beforeEach(async () => {
    dir = await makeTempDir('tokenim-sealed-datastore-')
  })

  afterEach(async () => {
    await storage?.close()
    await dir.remove()
  })

  it('answers queries by prefix, filter, order and limit over peers stored under hidden ids', async () => {
    storage = await openStorage(dir.path, { identity })
    const { datastore } = storage
    const peers = ['bafzaaa', 'bafzbbb', 'bafzccc']
    for (const [i, peer] of peers.entries()) {
      await datastore.put(new Key(`/peers/${peer}`), Uint8Array.of(i))
    }
    await datastore.put(new Key('/dht/record/xyz'), Uint8Array.of(9))
    expect(await datastore.get(new Key('/peers/bafzbbb'))).toEqual(Uint8Array.of(1))
    expect(await datastore.has(new Key('/peers/bafzccc'))).toBe(true)
    const listed = []
    for await (const { key, value } of datastore.query({
      prefix: '/peers/',
      filters: [({ value }) => value[0] !== 0],
      orders: [(a, b) => (a.value[0] > b.value[0] ? -1 : 1)],
      limit: 1,
    })) {
      listed.push([key.toString(), value[0]])
    }
    expect(listed).toEqual([['/peers/bafzccc', 2]])
    const keys = []
    for await (const key of datastore.queryKeys({ prefix: '/peers/bafzb' }))
      keys.push(key.toString())
    expect(keys).toEqual(['/peers/bafzbbb'])
    const raw = []
    for await (const [key] of storage.sublevel('libp2p').raw.iterator()) raw.push(key)
    expect(raw.join(' ')).not.toMatch(/bafz/)
  })
})
