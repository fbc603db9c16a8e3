import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { PunchBudget } from '../../network/punch-budget.ts'
import { punchTarget } from '../../network/tcp-punch.ts'
import { decodePunchFrame, encodePunchFrame, PunchFrameKind } from '../../protocol/punch.ts'

const refused = (reason: RegExp) =>
  expect.objectContaining({ name: 'PunchRefusedError', message: expect.stringMatching(reason) })

describe('PunchBudget', () => {
  const budget = (now: () => number) =>
    new PunchBudget({ failuresPerPeer: 2, periodMs: 1_000, concurrent: 2, maxPeers: 3, now })

  it('allows one punch with a peer at a time, and a few at once in all', () => {
    const b = budget(() => 0)
    b.take('a')
    expect(() => b.take('a')).toThrow(refused(/under way/))
    b.take('b')
    expect(() => b.take('c')).toThrow(refused(/2 punches are under way/))
    b.release('a', true)
    b.take('c')
  })

  it('refuses a peer after a few failed punches in a period, and forgets them after it', () => {
    let now = 0
    const b = budget(() => now)
    for (const _ of [1, 2]) {
      b.take('a')
      b.release('a', false)
    }
    expect(() => b.take('a')).toThrow(refused(/2 punches with this peer failed/))
    now = 1_001
    b.take('a')
  })

  it('never counts a punch that connected', () => {
    const b = budget(() => 0)
    for (const _ of [1, 2, 3, 4, 5]) {
      b.take('a')
      b.release('a', true)
    }
    b.take('a')
  })

  it('remembers the failures of at most maxPeers peers within a period', () => {
    let now = 0
    const b = budget(() => now)
    for (const peer of ['a', 'b', 'c']) {
      b.take(peer)
      b.release(peer, false)
    }
    expect(() => b.take('d')).toThrow(refused(/with 3 peers failed/))
    b.take('a')
    b.release('a', true)
    now = 2_000
    b.take('d')
  })
})

describe('punch frames', () => {
  const connect = (address: string) =>
    encodePunchFrame({ kind: PunchFrameKind.CONNECT, address: multiaddr(address).bytes })

  it('reads a CONNECT to a public IPv4 TCP address', () => {
    const frame = decodePunchFrame(connect('/ip4/20.0.0.100/tcp/45003'), PunchFrameKind.CONNECT)
    expect(punchTarget(frame.address)).toMatchObject({ host: '20.0.0.100', port: 45003 })
  })

  it.each([
    ['a private address', '/ip4/192.168.1.10/tcp/45003'],
    ['loopback', '/ip4/127.0.0.1/tcp/45003'],
    ['a privileged port', '/ip4/20.0.0.100/tcp/22'],
    ['UDP', '/ip4/20.0.0.100/udp/45003'],
    ['more than an address', '/ip4/20.0.0.100/tcp/45003/ws'],
  ])('refuses %s as a punch target', (_, address) => {
    const frame = decodePunchFrame(connect(address), PunchFrameKind.CONNECT)
    expect(() => punchTarget(frame.address)).toThrow(
      expect.objectContaining({ name: 'MalformedMessageError' }),
    )
  })

  it('refuses a frame of another kind than the step expects, and a CONNECT without address', () => {
    const sync = encodePunchFrame({ kind: PunchFrameKind.SYNC, address: new Uint8Array() })
    expect(() => decodePunchFrame(sync, PunchFrameKind.CONNECT)).toThrow(
      expect.objectContaining({ name: 'MalformedMessageError' }),
    )
    const empty = encodePunchFrame({ kind: PunchFrameKind.CONNECT, address: new Uint8Array() })
    expect(() => decodePunchFrame(empty, PunchFrameKind.CONNECT)).toThrow(/must carry an address/)
  })
})
