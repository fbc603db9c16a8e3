import { describe, expect, it } from 'vitest'
import { InvalidNameError } from '../../protocol/directory-errors.ts'
import { MAX_SEARCH_RESULTS } from '../../protocol/limits.ts'
import { usernameSkeleton } from '../../protocol/username.ts'
import { judgeClaim } from '../../relay/directory/claim-rules.ts'
import { searchLimit, searchPrefix } from '../../relay/directory/name-queries.ts'
import type { StoredName } from '../../relay/directory/name-store.ts'

const NOW = 10_000_000
const GRACE = 1_000

function stored(name: string, owner: string, expiresMs: number): StoredName {
  return { name, owner, issuedMs: 0, expiresMs, record: new Uint8Array(0) }
}

describe('claim rules', () => {
  it("lets anyone claim a free name, and calls a claim of one's own name a renewal", () => {
    expect(judgeClaim({ name: 'alice', owner: 'a' }, {}, NOW, GRACE)).toEqual({
      renewal: false,
      replaces: [],
    })
    const own = stored('alice', 'a', NOW - 10) // expired, within grace: still the owner's
    expect(judgeClaim({ name: 'alice', owner: 'a' }, { holder: own }, NOW, GRACE)).toEqual({
      renewal: true,
      replaces: [],
    })
  })

  it('refuses a name someone else holds, or one that looks the same, until it lapses', () => {
    const held = stored('alice', 'b', NOW - GRACE + 1)
    expect(() => judgeClaim({ name: 'alice', owner: 'a' }, { holder: held }, NOW, GRACE)).toThrow(
      expect.objectContaining({
        name: 'NameTakenError',
        message: '"alice" is taken on this relay',
      }),
    )
    expect(() => judgeClaim({ name: 'a1ice', owner: 'a' }, { holder: held }, NOW, GRACE)).toThrow(
      /too similar to the existing name "alice"/,
    )
    const lapsed = stored('alice', 'b', NOW - GRACE)
    expect(judgeClaim({ name: 'alice', owner: 'a' }, { holder: lapsed }, NOW, GRACE)).toEqual({
      renewal: false,
      replaces: [{ name: 'alice', skeleton: usernameSkeleton('alice'), owner: 'b' }],
    })
  })

  it('holds one name per identity: a second one waits until the first lapses', () => {
    const mine = stored('alice', 'a', NOW + 1)
    expect(() => judgeClaim({ name: 'bob', owner: 'a' }, { owned: mine }, NOW, GRACE)).toThrow(
      expect.objectContaining({ name: 'AlreadyRegisteredError' }),
    )
    expect(() => judgeClaim({ name: 'a1ice', owner: 'a' }, { holder: mine }, NOW, GRACE)).toThrow(
      expect.objectContaining({ name: 'AlreadyRegisteredError' }),
    )
    const lapsed = stored('alice', 'a', NOW - GRACE)
    expect(judgeClaim({ name: 'bob', owner: 'a' }, { owned: lapsed }, NOW, GRACE).replaces).toEqual(
      [{ name: 'alice', skeleton: usernameSkeleton('alice'), owner: 'a' }],
    )
  })

  it('frees a lapsed entry once even when it is both the holder and the own name', () => {
    const lapsed = stored('a1ice', 'a', NOW - GRACE)
    const judged = judgeClaim(
      { name: 'alice', owner: 'a' },
      { holder: lapsed, owned: lapsed },
      NOW,
      GRACE,
    )
    expect(judged.replaces).toHaveLength(1)
  })
})

describe('search requests', () => {
  it('normalizes the prefix and refuses one that cannot start a name', () => {
    expect(searchPrefix('AL')).toBe('al')
    expect(searchPrefix('ｂｏｂ')).toBe('bob')
    for (const bad of ['a', 'al ice', 'al%', 'x'.repeat(100)]) {
      expect(() => searchPrefix(bad)).toThrow(InvalidNameError)
    }
  })

  it('returns 10 hits when unset and never more than the limit', () => {
    expect(searchLimit(0)).toBe(10)
    expect(searchLimit(3)).toBe(3)
    expect(searchLimit(-5)).toBe(1)
    expect(searchLimit(1_000_000)).toBe(MAX_SEARCH_RESULTS)
  })
})
