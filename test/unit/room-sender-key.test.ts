import { describe, expect, it } from 'vitest'
import { MAX_ROOM_KEY_SKIP } from '../../protocol/limits.ts'
import { ReceivedSenderKey, SenderKeyChain } from '../../protocol/rooms/index.ts'

const ad = new TextEncoder().encode('room|author')
const text = (i: number) => new TextEncoder().encode(`message ${i}`)
const read = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

function chainAndReceiver() {
  const chain = SenderKeyChain.generate()
  const receiver = new ReceivedSenderKey(chain.state())
  return { chain, receiver }
}

describe('sender-key chain', () => {
  it('decrypts messages in order, each under a different key', () => {
    const { chain, receiver } = chainAndReceiver()
    const sent = [0, 1, 2].map((i) => chain.encrypt(text(i), ad))
    expect(sent.map((m) => m.index)).toEqual([0, 1, 2])
    expect(new Set(sent.map((m) => Buffer.from(m.ciphertext).toString('hex'))).size).toBe(3)
    for (const [i, m] of sent.entries()) {
      expect(read(receiver.decrypt(m.index, m.ciphertext, ad))).toBe(`message ${i}`)
    }
    expect(receiver.skippedCount).toBe(0)
  })

  it('decrypts out of order within the skip bound, and each message once', () => {
    const { chain, receiver } = chainAndReceiver()
    const sent = Array.from({ length: 50 }, (_, i) => chain.encrypt(text(i), ad))
    const shuffled = [...sent].reverse()
    for (const m of shuffled) {
      expect(read(receiver.decrypt(m.index, m.ciphertext, ad))).toBe(`message ${m.index}`)
    }
    expect(receiver.skippedCount).toBe(0)
    expect(() => receiver.decrypt(sent[7].index, sent[7].ciphertext, ad)).toThrow(
      expect.objectContaining({ name: 'SenderKeyReplayError' }),
    )
  })

  it('refuses an index past the skip bound without changing state', () => {
    const chain = SenderKeyChain.generate()
    const receiver = new ReceivedSenderKey(chain.state())
    const far = new SenderKeyChain({ ...chain.state(), index: 0 })
    let m = far.encrypt(text(0), ad)
    for (let i = 0; i <= MAX_ROOM_KEY_SKIP + 1; i++) m = far.encrypt(text(i), ad)
    expect(() => receiver.decrypt(m.index, m.ciphertext, ad)).toThrow(
      expect.objectContaining({ name: 'SenderKeyTooFarAheadError' }),
    )
    expect(receiver.index).toBe(0)
    const first = chain.encrypt(text(0), ad)
    expect(read(receiver.decrypt(first.index, first.ciphertext, ad))).toBe('message 0')
  })

  it('a tampered message fails and leaves the chain where it was', () => {
    const { chain, receiver } = chainAndReceiver()
    const m0 = chain.encrypt(text(0), ad)
    const m1 = chain.encrypt(text(1), ad)
    const bad = Uint8Array.from(m1.ciphertext)
    bad[0] ^= 1
    expect(() => receiver.decrypt(m1.index, bad, ad)).toThrow(
      expect.objectContaining({ name: 'DecryptionError' }),
    )
    expect(() => receiver.decrypt(m1.index, m1.ciphertext, new Uint8Array(1))).toThrow(
      expect.objectContaining({ name: 'DecryptionError' }),
    )
    expect(receiver.index).toBe(0)
    expect(receiver.skippedCount).toBe(0)
    expect(read(receiver.decrypt(m0.index, m0.ciphertext, ad))).toBe('message 0')
    expect(read(receiver.decrypt(m1.index, m1.ciphertext, ad))).toBe('message 1')
  })

  it('a member given the chain later cannot read earlier messages', () => {
    const chain = SenderKeyChain.generate()
    const early = chain.encrypt(text(0), ad)
    const late = new ReceivedSenderKey(chain.state())
    const next = chain.encrypt(text(1), ad)
    expect(() => late.decrypt(early.index, early.ciphertext, ad)).toThrow(
      expect.objectContaining({ name: 'SenderKeyReplayError' }),
    )
    expect(read(late.decrypt(next.index, next.ciphertext, ad))).toBe('message 1')
  })

  it('survives serialization with its skipped keys', () => {
    const { chain, receiver } = chainAndReceiver()
    const sent = Array.from({ length: 5 }, (_, i) => chain.encrypt(text(i), ad))
    receiver.decrypt(sent[4].index, sent[4].ciphertext, ad)
    const restored = ReceivedSenderKey.fromJSON(JSON.parse(JSON.stringify(receiver.toJSON())))
    expect(restored.skippedCount).toBe(4)
    expect(read(restored.decrypt(sent[2].index, sent[2].ciphertext, ad))).toBe('message 2')
    expect(() => restored.decrypt(sent[2].index, sent[2].ciphertext, ad)).toThrow(
      expect.objectContaining({ name: 'SenderKeyReplayError' }),
    )
    expect(read(restored.decrypt(sent[3].index, sent[3].ciphertext, ad))).toBe('message 3')
  })
})
