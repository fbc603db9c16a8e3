/**
 * ICE servers for calls: the TURN credentials a relay makes (coturn's use-auth-secret, checked
 * against a value `openssl dgst -sha1 -hmac` gave), and the node's check of what a relay says.
 */
import { describe, expect, it } from 'vitest'
import { checkIceServers } from '../../protocol/calls.ts'
import { MAX_ICE_SERVERS } from '../../protocol/limits.ts'
import { iceServersFor } from '../../relay/directory/ice-servers.ts'

const SECRET = '0123456789abcdef0123456789abcdef'

describe('relay TURN credentials', () => {
  it('are <expiry>:<peer> and base64(HMAC-SHA1(secret, username)), as coturn checks them', () => {
    const offer = { urls: ['turn:t.example:3478'], secret: SECRET, credentialTtlMs: 3_600_000 }
    const answer = iceServersFor(offer, '12D3KooWtest', 1893456000_000 - 3_600_000)
    expect(answer).toEqual({
      servers: [
        {
          urls: ['turn:t.example:3478'],
          username: '1893456000:12D3KooWtest',
          // printf '%s' 1893456000:12D3KooWtest | openssl dgst -sha1 -hmac $SECRET -binary | base64
          credential: '1qNKcStFYxMGU1LS4uO2y79Ut0A=',
        },
      ],
      expiresMs: 1893456000_000,
    })
  })

  it('without a secret the URLs go out bare; without URLs nothing does', () => {
    expect(iceServersFor({ urls: ['stun:s.example'], credentialTtlMs: 1 }, 'p', 0)).toEqual({
      servers: [{ urls: ['stun:s.example'], username: '', credential: '' }],
      expiresMs: 0,
    })
    expect(iceServersFor({ urls: [], secret: SECRET, credentialTtlMs: 1 }, 'p', 0).servers).toEqual(
      [],
    )
  })
})

describe('checkIceServers', () => {
  const server = { urls: ['turn:t.example:3478'], username: 'u', credential: 'c' }

  it('keeps stun: and turn: servers, leaving empty credentials out', () => {
    expect(
      checkIceServers([server, { urls: ['stun:s.example'], username: '', credential: '' }]),
    ).toEqual([server, { urls: ['stun:s.example'] }])
  })

  it('refuses what a relay must not hand a browser', () => {
    expect(() => checkIceServers([{ ...server, urls: ['https://evil.example'] }])).toThrow(
      /no stun/,
    )
    expect(() => checkIceServers([{ ...server, urls: [] }])).toThrow(/URLs/)
    expect(() => checkIceServers([{ ...server, credential: 'x'.repeat(300) }])).toThrow(/at most/)
    expect(() =>
      checkIceServers(Array.from({ length: MAX_ICE_SERVERS + 1 }, () => server)),
    ).toThrow(/at most/)
  })
})
