import { describe, expect, it } from 'vitest'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import { openInboxEnvelope, sealInboxEnvelope } from '../../protocol/inbox-envelope.ts'
import { MAX_ENVELOPE_SIZE } from '../../protocol/limits.ts'

const alice = generateEd25519KeyPair()
const bob = generateEd25519KeyPair()
const carol = generateEd25519KeyPair()
const envelope = new TextEncoder().encode('an encrypted envelope, as far as the mailbox knows')

describe('inbox seal', () => {
  it('opens for the recipient with the authenticated sender, for nobody else', () => {
    const sealed = sealInboxEnvelope(alice, bob.publicKey, envelope)
    expect(Buffer.from(sealed).includes(Buffer.from(alice.publicKey))).toBe(false)
    const opened = openInboxEnvelope(bob, sealed)
    expect(opened.sender).toEqual(alice.publicKey)
    expect(opened.envelope).toEqual(envelope)
    expect(() => openInboxEnvelope(carol, sealed)).toThrow(
      expect.objectContaining({ name: 'DecryptionError' }),
    )
  })

  it('refuses an altered seal', () => {
    const sealed = sealInboxEnvelope(alice, bob.publicKey, envelope)
    for (const position of [5, 40, sealed.length - 1]) {
      const altered = Uint8Array.from(sealed)
      altered[position] ^= 1
      expect(() => openInboxEnvelope(bob, altered)).toThrow()
    }
  })

  it('seals only an envelope a mailbox slot may hold', () => {
    expect(() => sealInboxEnvelope(alice, bob.publicKey, new Uint8Array(0))).toThrow(
      expect.objectContaining({ name: 'MalformedMessageError' }),
    )
    expect(() =>
      sealInboxEnvelope(alice, bob.publicKey, new Uint8Array(MAX_ENVELOPE_SIZE + 1)),
    ).toThrow(expect.objectContaining({ name: 'OversizedMessageError' }))
  })
})
