import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  accountKeyFromMasterSecret,
  type KeyChain,
  type KeyStatementInput,
  openKeyStatement,
  recoveryCommitment,
  recoveryKeyFromMasterSecret,
  resolveKeyChain,
  signKeyRecovery,
  signKeyRotation,
} from '../../protocol/accounts/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { signCosignedRecord } from '../../protocol/codec.ts'
import { type Ed25519KeyPair, ed25519KeyPairFromSeed } from '../../protocol/crypto/index.ts'
import { KEY_ROTATION_DOMAIN } from '../../protocol/ids.ts'
import { MAX_KEY_STATEMENTS } from '../../protocol/limits.ts'
import { KeyRotation } from '../../protocol/proto/account.ts'

const NOW = 1_800_000_000_000
const key = (n: number): Ed25519KeyPair => ed25519KeyPairFromSeed(new Uint8Array(32).fill(n))

// The owner's keys come from the master secret; the thief's and new keys are arbitrary.
const master = new Uint8Array(32).fill(0x4d)
const A0 = accountKeyFromMasterSecret(master)
const [R0, R1, R2] = [0, 1, 2].map((n) => recoveryKeyFromMasterSecret(master, n))
const [C0, C1, C2] = [R0, R1, R2].map((r) => recoveryCommitment(r.publicKey))
const [A1, A2, A3] = [key(11), key(12), key(13)]
const [T1, T2, T3] = [key(21), key(22), key(23)]
const thiefRecovery = key(29)
const thiefCommitment = recoveryCommitment(thiefRecovery.publicKey)
const start = { account: A0.publicKey, commitment: C0 }

function rotation(
  from: Ed25519KeyPair,
  to: Ed25519KeyPair,
  sequence: number,
  nextRecovery = C0,
): KeyStatementInput {
  return {
    kind: 'rotation',
    record: signKeyRotation(from, to, { sequence, atMs: NOW, nextRecovery }),
  }
}

function recovery(
  recoveryKey: Ed25519KeyPair,
  from: Ed25519KeyPair,
  to: Ed25519KeyPair,
  sequence: number,
  nextRecovery: Uint8Array,
): KeyStatementInput {
  return {
    kind: 'recovery',
    record: signKeyRecovery(recoveryKey, to, {
      oldKey: from.publicKey,
      sequence,
      atMs: NOW,
      nextRecovery,
    }),
  }
}

const hex = (keys: Uint8Array[]) => keys.map(toHex)
const ids = (chain: KeyChain, list: 'applied' | 'superseded' | 'unused') =>
  chain[list].map((statement) => statement.id)
const idOf = (statement: KeyStatementInput) => openKeyStatement(statement.kind, statement.record).id

describe('the key-chain resolver', () => {
  it('starts at the original key and commitment', () => {
    const chain = resolveKeyChain(start, [])
    expect(chain.current).toEqual(A0.publicKey)
    expect(chain.commitment).toEqual(C0)
    expect(chain.sequence).toBe(0)
    expect(chain.retired).toEqual([])
  })

  it("follows the owner's rotations in sequence, whatever order they arrive in", () => {
    const statements = [rotation(A1, A2, 2), rotation(A0, A1, 1), rotation(A2, A3, 3)]
    const chain = resolveKeyChain(start, statements)
    expect(chain.current).toEqual(A3.publicKey)
    expect(chain.sequence).toBe(3)
    expect(chain.commitment).toEqual(C0)
    expect(hex(chain.retired)).toEqual(hex([A0.publicKey, A1.publicKey, A2.publicKey]))
    expect(chain.applied.map((s) => s.newKey)).toEqual([A1.publicKey, A2.publicKey, A3.publicKey])
  })

  it('refuses a rotation out of sequence, or from a key that does not hold the account', () => {
    const skipped = rotation(A0, A1, 2)
    const fromNowhere = rotation(T1, T2, 1)
    const chain = resolveKeyChain(start, [skipped, fromNowhere])
    expect(chain.current).toEqual(A0.publicKey)
    expect(chain.unused).toHaveLength(2)
  })

  describe('the stolen-key race', () => {
    const ownerRecovery = recovery(R0, A0, A1, 1, C1)

    it("lets the owner's recovery with R_0 undo a thief who rotated first, twice", () => {
      const thief = [rotation(A0, T1, 1), rotation(T1, T2, 2)]
      const before = resolveKeyChain(start, thief)
      expect(before.current).toEqual(T2.publicKey)

      const chain = resolveKeyChain(start, [...thief, ownerRecovery])
      expect(chain.current).toEqual(A1.publicKey)
      expect(chain.commitment).toEqual(C1)
      expect(chain.sequence).toBe(1)
      expect(hex(chain.retired)).toEqual(hex([A0.publicKey, T1.publicKey, T2.publicKey]))
      expect(chain.superseded.map((s) => s.newKey)).toEqual([T1.publicKey, T2.publicKey])
      expect(chain.applied.map((s) => s.kind)).toEqual(['recovery'])
      // The thief keeps rotating on its branch: that only lengthens what the recovery undid.
      const later = resolveKeyChain(start, [...thief, ownerRecovery, rotation(T2, T3, 3)])
      expect(later.current).toEqual(A1.publicKey)
      expect(later.superseded.map((s) => s.newKey)).toEqual([
        T1.publicKey,
        T2.publicKey,
        T3.publicKey,
      ])
      expect(hex(later.retired)).toContain(toHex(T3.publicKey))
    })

    it("undoes the owner's own rotations of the epoch too, when a device with the key is stolen", () => {
      const statements = [rotation(A0, A2, 1), rotation(A2, T1, 2), ownerRecovery]
      const chain = resolveKeyChain(start, statements)
      expect(chain.current).toEqual(A1.publicKey)
      expect(hex(chain.retired)).toEqual(hex([A0.publicKey, A2.publicKey, T1.publicKey]))
      expect(chain.superseded).toHaveLength(2)
    })

    it('refuses a thief rotation that changes next_recovery, and the recovery it would enable', () => {
      const grab = rotation(A0, T1, 1, thiefCommitment)
      const thiefUndo = recovery(thiefRecovery, A0, T2, 1, C2)
      const chain = resolveKeyChain(start, [grab, thiefUndo])
      expect(chain.current).toEqual(A0.publicKey)
      expect(chain.commitment).toEqual(C0)
      expect(chain.unused).toHaveLength(2)
      // The owner's recovery still works afterwards.
      expect(resolveKeyChain(start, [grab, thiefUndo, ownerRecovery]).current).toEqual(A1.publicKey)
    })

    it('refuses a recovery signed by a recovery key other than the committed one', () => {
      const thief = rotation(A0, T1, 1)
      for (const wrong of [recovery(R1, A0, A1, 1, C2), recovery(thiefRecovery, A0, A1, 1, C2)]) {
        const chain = resolveKeyChain(start, [thief, wrong])
        expect(chain.current).toEqual(T1.publicKey)
        expect(chain.unused).toHaveLength(1)
      }
    })

    it('refuses a recovery that names another old key or sequence than where the commitment was set', () => {
      const thief = [rotation(A0, T1, 1), rotation(T1, T2, 2)]
      for (const misplaced of [recovery(R0, T2, A1, 3, C1), recovery(R0, A0, A1, 3, C1)]) {
        expect(resolveKeyChain(start, [...thief, misplaced]).current).toEqual(T2.publicKey)
      }
    })

    it('does nothing with a replayed old recovery once the commitment has moved on', () => {
      const second = recovery(R1, A1, A2, 2, C2)
      const thiefAgain = rotation(A2, T3, 3, C2)
      const chain = resolveKeyChain(start, [ownerRecovery, thiefAgain, second])
      expect(chain.current).toEqual(T3.publicKey)
      expect(chain.commitment).toEqual(C2)
      const replayed = resolveKeyChain(start, [ownerRecovery, thiefAgain, second, ownerRecovery])
      expect(replayed.current).toEqual(T3.publicKey)
      expect(ids(replayed, 'applied')).toEqual(ids(chain, 'applied'))
      // Alone, the second recovery has no place: the chain never reached its commitment.
      expect(resolveKeyChain(start, [second]).current).toEqual(A0.publicKey)
      // With R_2, the owner takes it back again.
      const third = recovery(R2, A2, A3, 3, recoveryCommitment(key(99).publicKey))
      expect(resolveKeyChain(start, [ownerRecovery, thiefAgain, second, third]).current).toEqual(
        A3.publicKey,
      )
    })

    it('refuses a recovery that commits again to a recovery key already used', () => {
      const first = recovery(R0, A0, A1, 1, C1)
      const back = recovery(R1, A1, A2, 2, C0)
      const chain = resolveKeyChain(start, [first, back])
      expect(chain.current).toEqual(A1.publicKey)
      expect(chain.unused).toHaveLength(1)
    })
  })

  it('never hands the account back to a key that held it', () => {
    const chain = resolveKeyChain(start, [rotation(A0, A1, 1), rotation(A1, A0, 2)])
    expect(chain.current).toEqual(A1.publicKey)
    const recovered = resolveKeyChain(start, [rotation(A0, T1, 1), recovery(R0, A0, T1, 1, C1)])
    expect(recovered.current).toEqual(T1.publicKey)
    expect(recovered.unused.map((s) => s.kind)).toEqual(['recovery'])
  })

  it('reports forged and malformed statements as refused, and does not apply them', () => {
    const payload = KeyRotation.encode({
      oldKey: A0.publicKey,
      newKey: T1.publicKey,
      sequence: 1,
      atMs: NOW,
      nextRecovery: C0,
    } as KeyRotation)
    const forged = signCosignedRecord({ first: T2, second: T1 }, payload, KEY_ROTATION_DOMAIN)
    const flipped = Uint8Array.from(rotation(A0, T1, 1).record)
    flipped[flipped.length - 1] ^= 1
    const chain = resolveKeyChain(start, [
      { kind: 'rotation', record: forged },
      { kind: 'rotation', record: flipped },
      { kind: 'recovery', record: new Uint8Array([1, 2, 3]) },
    ])
    expect(chain.current).toEqual(A0.publicKey)
    expect(chain.refused.map((r) => r.error.name).sort()).toEqual([
      'InvalidSignatureError',
      'MalformedMessageError',
      'WrongSignerError',
    ])
  })

  it('settles a fork of rotations the same way whatever the order', () => {
    const one = rotation(A0, A1, 1)
    const other = rotation(A0, T1, 1)
    const winner = [idOf(one), idOf(other)].sort()[0]
    expect(ids(resolveKeyChain(start, [one, other]), 'applied')).toEqual([winner])
    expect(ids(resolveKeyChain(start, [other, one]), 'applied')).toEqual([winner])
  })

  it('lets an account without a commitment rotate, and never recover', () => {
    const bare = { account: A0.publicKey, commitment: new Uint8Array(0) }
    const chain = resolveKeyChain(bare, [
      rotation(A0, A1, 1, new Uint8Array(0)),
      rotation(A1, A2, 2, C0),
      recovery(R0, A0, A3, 1, C1),
    ])
    expect(chain.current).toEqual(A1.publicKey)
    expect(chain.unused).toHaveLength(2)
  })

  it(`refuses more than ${MAX_KEY_STATEMENTS} statements`, () => {
    const many = Array.from({ length: MAX_KEY_STATEMENTS + 1 }, () => rotation(A0, A1, 1))
    expect(() => resolveKeyChain(start, many)).toThrow(
      expect.objectContaining({ name: 'TooManyKeyStatementsError' }),
    )
  })
})

describe('the key-chain resolver, on any set of statements in any order', () => {
  // A small world, so random statements often fit the chain: owner and thief keys, the
  // owner's recovery keys and the thief's, the commitments to them, no commitment.
  const accountKeys = [A0, A1, A2, A3, T1, T2]
  const recoveryKeys = [R0, R1, R2, thiefRecovery]
  const commitments = [C0, C1, C2, thiefCommitment, new Uint8Array(0)]
  const statement: fc.Arbitrary<KeyStatementInput> = fc
    .record({
      recovering: fc.boolean(),
      from: fc.nat(accountKeys.length - 1),
      to: fc.nat(accountKeys.length - 1),
      authority: fc.nat(recoveryKeys.length - 1),
      sequence: fc.integer({ min: 1, max: 4 }),
      commitment: fc.nat(commitments.length - 1),
      corrupt: fc.nat(40),
    })
    .filter(({ from, to }) => from !== to)
    .map(({ recovering, from, to, authority, sequence, commitment, corrupt }) => {
      const made = recovering
        ? safely(() =>
            recovery(
              recoveryKeys[authority],
              accountKeys[from],
              accountKeys[to],
              sequence,
              commitments[commitment],
            ),
          )
        : rotation(accountKeys[from], accountKeys[to], sequence, commitments[commitment])
      // Now and then a flipped byte: the resolver must refuse it, wherever it sits.
      if (made != null && corrupt < made.record.length && corrupt % 7 === 0) {
        made.record = Uint8Array.from(made.record)
        made.record[corrupt] ^= 0x10
      }
      return made ?? rotation(accountKeys[from], accountKeys[to], sequence)
    })

  const summary = (chain: KeyChain) => ({
    current: toHex(chain.current),
    commitment: toHex(chain.commitment),
    sequence: chain.sequence,
    retired: hex(chain.retired),
    applied: ids(chain, 'applied'),
    superseded: ids(chain, 'superseded'),
    unused: ids(chain, 'unused'),
    refused: chain.refused.map((r) => toHex(r.record)),
  })

  it('reaches the same chain whatever the order', () => {
    fc.assert(
      fc.property(
        fc
          .array(statement, { maxLength: 14 })
          .chain((list) =>
            fc.tuple(
              fc.constant(list),
              fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }),
            ),
          ),
        ([list, shuffled]) => {
          expect(summary(resolveKeyChain(start, shuffled))).toEqual(
            summary(resolveKeyChain(start, list)),
          )
        },
      ),
      { numRuns: 150, seed: 2026 },
    )
  })

  it('places every statement once, along a chain whose sequences strictly increase', () => {
    fc.assert(
      fc.property(fc.array(statement, { maxLength: 14 }), (list) => {
        const chain = resolveKeyChain(start, list)
        const placed = [
          ...ids(chain, 'applied'),
          ...ids(chain, 'superseded'),
          ...ids(chain, 'unused'),
        ]
        expect(new Set(placed).size).toBe(placed.length)
        expect(placed.length + chain.refused.length).toBeLessThanOrEqual(list.length)
        let previous = 0
        for (const step of chain.applied) {
          expect(step.sequence).toBeGreaterThan(previous)
          previous = step.sequence
        }
        expect(hex(chain.retired)).not.toContain(toHex(chain.current))
        expect(new Set(hex(chain.retired)).size).toBe(chain.retired.length)
        // Adding the owner's recovery with R_0 always ends any thief's hold on the first epoch.
        const recovered = resolveKeyChain(start, [...list, recovery(R0, A0, A3, 1, C1)])
        expect(hex(recovered.retired)).toContain(toHex(A0.publicKey))
      }),
      { numRuns: 150, seed: 2027 },
    )
  })
})

/** A statement the signer refuses to make (e.g. a recovery that keeps its commitment): none. */
function safely(make: () => KeyStatementInput): KeyStatementInput | undefined {
  try {
    return make()
  } catch {
    return undefined
  }
}
