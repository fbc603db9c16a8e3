import { describe, expect, it } from 'vitest'
import { slotReadOf } from '../../node/mailbox/slot-reader.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import {
  createDepositRecord,
  createTombstoneRecord,
  pairwiseSecret,
  pairwiseSlot,
} from '../../protocol/mailbox.ts'

const NOW = 1_800_000_000_000
const alice = generateEd25519KeyPair()
const bob = generateEd25519KeyPair()
const slot = pairwiseSlot(pairwiseSecret(alice, bob.publicKey), alice.publicKey, bob.publicKey, 0)
const other = pairwiseSlot(pairwiseSecret(alice, bob.publicKey), alice.publicKey, bob.publicKey, 1)

function deposit(text: string, createdMs: number, at = slot): Uint8Array {
  return createDepositRecord(at.keyPair, new TextEncoder().encode(text), {
    createdMs,
    expiresMs: NOW + 60_000,
  })
}

function payloadOf(read: ReturnType<typeof slotReadOf>): string | undefined {
  return read.kind === 'deposit' ? new TextDecoder().decode(read.deposit.payload) : undefined
}

describe('reading one mailbox slot from what peers answered', () => {
  it('is empty when no peer holds a valid record for this slot', () => {
    expect(slotReadOf(slot, [], NOW)).toEqual({ kind: 'empty' })
    // A record of another slot, and garbage, do not count.
    expect(slotReadOf(slot, [deposit('x', NOW, other), new Uint8Array([1, 2])], NOW)).toEqual({
      kind: 'empty',
    })
  })

  it('takes the deposit most peers hold, then the earliest, so a slot yields one envelope', () => {
    const early = deposit('early', NOW - 2_000)
    const late = deposit('late', NOW - 1_000)
    expect(payloadOf(slotReadOf(slot, [late, early, late], NOW))).toBe('late')
    expect(payloadOf(slotReadOf(slot, [late, early], NOW))).toBe('early')
    expect(payloadOf(slotReadOf(slot, [early, late], NOW))).toBe('early')
  })

  it('answers tombstone when any peer holds one, whatever the deposits', () => {
    const tombstone = createTombstoneRecord(slot.keyPair, {
      slotPublicKey: slot.keyPair.publicKey,
      tombstonedMs: NOW,
      expiresMs: NOW + 60_000,
    })
    const read = slotReadOf(slot, [deposit('a', NOW), deposit('a', NOW), tombstone], NOW)
    expect(read.kind).toBe('tombstone')
  })
})
