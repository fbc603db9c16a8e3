import { describe, expect, it } from 'vitest'
import { LinkOffer } from '../../node/devices/link-offer.ts'
import { decodeLinkCode, linkProof } from '../../protocol/accounts/index.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import { LINK_CODE_TTL_MS, MAX_LINK_ATTEMPTS } from '../../protocol/limits.ts'

const existing = generateEd25519KeyPair().publicKey
const joining = generateEd25519KeyPair().publicKey
const address = new Uint8Array([4, 127, 0, 0, 1, 6, 0x0f, 0xa1])

function setUp() {
  let now = 1_000_000
  const offer = new LinkOffer(existing, () => now)
  const code = decodeLinkCode(offer.open([address]).text)
  return { offer, code, advance: (ms: number) => (now += ms) }
}

describe('LinkOffer', () => {
  it('works once: the first matching proof takes the secret, the next is refused as used', () => {
    const { offer, code } = setUp()
    const proof = linkProof(code.secret, existing, joining)
    expect(offer.take(proof, joining)).toEqual(code.secret)
    expect(offer.take(proof, joining)).toMatchObject({ name: 'LinkCodeUsedError' })
  })

  it('refuses a proof for another device key or secret as wrong', () => {
    const { offer, code } = setUp()
    const other = generateEd25519KeyPair().publicKey
    expect(offer.take(linkProof(code.secret, existing, joining), other)).toMatchObject({
      name: 'LinkCodeWrongError',
    })
    expect(offer.take(linkProof(new Uint8Array(16), existing, joining), joining)).toMatchObject({
      name: 'LinkCodeWrongError',
    })
  })

  it('expires after LINK_CODE_TTL_MS', () => {
    const { offer, code, advance } = setUp()
    advance(LINK_CODE_TTL_MS)
    expect(offer.take(linkProof(code.secret, existing, joining), joining)).toMatchObject({
      name: 'LinkCodeExpiredError',
    })
  })

  it('is voided after MAX_LINK_ATTEMPTS wrong proofs, and by a new code', () => {
    const { offer, code } = setUp()
    const proof = linkProof(code.secret, existing, joining)
    for (let i = 0; i < MAX_LINK_ATTEMPTS; i++) offer.take(new Uint8Array(32), joining)
    expect(offer.take(proof, joining)).toMatchObject({ name: 'LinkCodeWrongError' })
    const fresh = decodeLinkCode(offer.open([address]).text)
    offer.open([address])
    expect(offer.take(linkProof(fresh.secret, existing, joining), joining)).toMatchObject({
      name: 'LinkCodeWrongError',
    })
  })
})
