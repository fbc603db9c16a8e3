import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import {
  decodeLinkCode,
  decodeLinkFrame,
  encodeLinkCode,
  encodeLinkFrame,
  LINK_CODE_PREFIX,
  LINK_SAS_EMOJI,
  LinkFrameKind,
  linkProof,
  linkProofMatches,
  linkSas,
} from '../../protocol/accounts/index.ts'
import { generateEd25519KeyPair, randomBytes } from '../../protocol/crypto/index.ts'
import { LINK_SECRET_LENGTH, MAX_LINK_CODE_ADDRESSES } from '../../protocol/limits.ts'

const existing = generateEd25519KeyPair().publicKey
const joining = generateEd25519KeyPair().publicKey
const circuit = multiaddr(
  '/ip4/203.0.113.7/tcp/4001/p2p/12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq/p2p-circuit',
).bytes

function fields(overrides = {}) {
  return {
    device: existing,
    addresses: [circuit],
    secret: randomBytes(LINK_SECRET_LENGTH),
    expiresMs: 1_800_000_000_000,
    ...overrides,
  }
}

describe('link code', () => {
  it('round-trips as text that survives added spaces and line breaks', () => {
    const code = fields()
    const text = encodeLinkCode(code)
    expect(text.startsWith(LINK_CODE_PREFIX)).toBe(true)
    expect(text.length).toBeLessThan(400)
    const spaced = `${text.slice(0, 40)}\n  ${text.slice(40)} `
    expect(decodeLinkCode(spaced)).toEqual(code)
  })

  it('refuses what is not a link code, with InvalidLinkCodeError', () => {
    const text = encodeLinkCode(fields())
    for (const bad of [
      'hello',
      text.replace(LINK_CODE_PREFIX, 'tokenim-room:'),
      `${text.slice(0, -6)}`,
      `${text}!`,
    ]) {
      expect(() => decodeLinkCode(bad), bad).toThrow(
        expect.objectContaining({ name: 'InvalidLinkCodeError' }),
      )
    }
    expect(() => encodeLinkCode(fields({ secret: randomBytes(8) }))).toThrow(
      expect.objectContaining({ name: 'InvalidLinkCodeError' }),
    )
    expect(() =>
      encodeLinkCode(fields({ addresses: Array(MAX_LINK_CODE_ADDRESSES + 1).fill(circuit) })),
    ).toThrow(expect.objectContaining({ name: 'InvalidLinkCodeError' }))
  })
})

describe('link proof and SAS', () => {
  const secret = randomBytes(LINK_SECRET_LENGTH)

  it('a proof matches only its secret and both keys, in order', () => {
    const proof = linkProof(secret, existing, joining)
    expect(linkProofMatches(proof, secret, existing, joining)).toBe(true)
    expect(linkProofMatches(proof, randomBytes(16), existing, joining)).toBe(false)
    expect(linkProofMatches(proof, secret, joining, existing)).toBe(false)
    expect(linkProofMatches(proof.subarray(1), secret, existing, joining)).toBe(false)
  })

  it('both sides derive the same SAS; another key or secret gives another', () => {
    const sas = linkSas(secret, existing, joining)
    expect(sas).toEqual(linkSas(Uint8Array.from(secret), existing, joining))
    expect(sas.digits).toMatch(/^\d{6}$/)
    expect(sas.emoji).toHaveLength(4)
    for (const { symbol } of sas.emoji) {
      expect(LINK_SAS_EMOJI.map(([emoji]) => emoji)).toContain(symbol)
    }
    const other = generateEd25519KeyPair().publicKey
    expect(linkSas(secret, existing, other)).not.toEqual(sas)
    expect(linkSas(randomBytes(16), existing, joining)).not.toEqual(sas)
    expect(new Set(LINK_SAS_EMOJI.map(([emoji]) => emoji)).size).toBe(64)
  })
})

describe('link frames', () => {
  it('round-trip and refuse a non-canonical encoding', () => {
    const frame = encodeLinkFrame({
      kind: LinkFrameKind.HELLO,
      proof: randomBytes(32),
      deviceName: 'phone',
    })
    expect(decodeLinkFrame(frame).deviceName).toBe('phone')
    expect(() => decodeLinkFrame(Uint8Array.from([...frame, 0x08, 0x01]))).toThrow(
      expect.objectContaining({ name: 'MalformedMessageError' }),
    )
  })
})
