import { describe, expect, it } from 'vitest'
import { openCosignedRecord, signCosignedRecord } from '../../protocol/codec.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import { ProtocolError } from '../../protocol/errors.ts'
import { CosignedRecord } from '../../protocol/proto/signed-record.ts'

const first = generateEd25519KeyPair()
const second = generateEd25519KeyPair()
const stranger = generateEd25519KeyPair()
const domain = '/tokenim/test-statement/1.0.0'
const payload = new TextEncoder().encode('the account moves to a new key')
const signed = signCosignedRecord({ first, second }, payload, domain)

/** Re-encodes the record with some fields replaced, keeping the rest. */
const altered = (changes: Partial<CosignedRecord>) =>
  CosignedRecord.encode({ ...CosignedRecord.decode(signed), ...changes })

describe('cosigned records', () => {
  it('open to the payload, both signers and the version', () => {
    expect(openCosignedRecord(signed, domain, 512)).toEqual({
      payload,
      version: 1,
      firstKey: first.publicKey,
      secondKey: second.publicKey,
    })
  })

  it('do not open under another domain', () => {
    expect(() => openCosignedRecord(signed, `${domain}x`, 512)).toThrow(
      expect.objectContaining({ name: 'InvalidSignatureError' }),
    )
  })

  it('need both signatures: each checked against its own key, naming the one that fails', () => {
    const record = CosignedRecord.decode(signed)
    const swappedFirst = altered({ firstKey: stranger.publicKey as Uint8Array<ArrayBuffer> })
    expect(() => openCosignedRecord(swappedFirst, domain, 512)).toThrow(/\(first\)/)
    const badSecond = Uint8Array.from(record.secondSignature)
    badSecond[0] ^= 1
    expect(() => openCosignedRecord(altered({ secondSignature: badSecond }), domain, 512)).toThrow(
      expect.objectContaining({
        name: 'InvalidSignatureError',
        message: expect.stringMatching(/\(second\)/),
      }),
    )
    // Both signatures by one key (the first one's signature copied over the second):
    const twice = altered({ secondKey: record.firstKey, secondSignature: record.firstSignature })
    expect(() => openCosignedRecord(twice, domain, 512)).toThrow(
      expect.objectContaining({ name: 'MalformedMessageError' }),
    )
    expect(() => signCosignedRecord({ first, second: first }, payload, domain)).toThrow(TypeError)
  })

  it('never open after any byte changes', () => {
    for (let index = 0; index < signed.length; index++) {
      const tampered = Uint8Array.from(signed)
      tampered[index] ^= 1
      expect(() => openCosignedRecord(tampered, domain, 512), `byte ${index}`).toThrow(
        ProtocolError,
      )
    }
  })

  it('refuse records over the size limit before verifying', () => {
    expect(() => openCosignedRecord(signed, domain, signed.length - 1)).toThrow(
      expect.objectContaining({ name: 'OversizedMessageError' }),
    )
  })
})
