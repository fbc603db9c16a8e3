/**
 * The DM channel's send window on its own: the byte bound, the order of waiting sends, the
 * stall that refuses sends a silent peer would hold forever, and closing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SendWindow } from '../../node/messaging/send-window.ts'

const STALL_MS = 10_000

function windowOf(maxBytes = 100) {
  const stalls: number[] = []
  const window = new SendWindow({
    maxBytes,
    stallTimeoutMs: STALL_MS,
    onStall: (waiting) => stalls.push(waiting),
    now: () => Date.now(),
  })
  return { window, stalls }
}

/** Collects the order in which reservations settle. */
function track(settled: string[], id: string, reserving: Promise<boolean>) {
  return reserving.then((admitted) => {
    settled.push(`${id}:${admitted}`)
    return admitted
  })
}

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('SendWindow', () => {
  it('admits sends within the bound at once, the rest in order as acks make room', async () => {
    const { window } = windowOf(100)
    const settled: string[] = []
    expect(await window.reserve('a', 60)).toBe(true)
    const b = track(settled, 'b', window.reserve('b', 50))
    // c would fit alone, but b asked first.
    const c = track(settled, 'c', window.reserve('c', 10))
    await vi.advanceTimersByTimeAsync(0)
    expect(settled).toEqual([])
    expect(window.idle).toBe(false)
    expect(window.acked('a')).toBe(true)
    await Promise.all([b, c])
    expect(settled).toEqual(['b:true', 'c:true'])
    expect(window.acked('unknown')).toBe(false)
    window.acked('b')
    window.acked('c')
    expect(window.idle).toBe(true)
  })

  it('lets one envelope larger than the whole window go, alone', async () => {
    const { window } = windowOf(100)
    expect(await window.reserve('huge', 500)).toBe(true)
    const settled: string[] = []
    const next = track(settled, 'next', window.reserve('next', 1))
    await vi.advanceTimersByTimeAsync(0)
    expect(settled).toEqual([])
    window.acked('huge')
    expect(await next).toBe(true)
  })

  it('refuses waiting sends once the peer acked nothing for the stall timeout', async () => {
    const { window, stalls } = windowOf(100)
    await window.reserve('a', 100)
    await window.reserve('b', 0)
    const waiting = window.reserve('c', 50)
    // An ack half-way through restarts the wait: nothing is refused at the first deadline.
    await vi.advanceTimersByTimeAsync(STALL_MS / 2)
    window.acked('b')
    await vi.advanceTimersByTimeAsync(STALL_MS / 2)
    expect(stalls).toEqual([])
    await vi.advanceTimersByTimeAsync(STALL_MS / 2)
    expect(await waiting).toBe(false)
    expect(stalls).toEqual([1])
  })

  it('refuses waiting sends on close and names what no ack will come for', async () => {
    const { window } = windowOf(100)
    await window.reserve('a', 80)
    const waiting = window.reserve('b', 80)
    expect(window.close()).toEqual(['a'])
    expect(await waiting).toBe(false)
    expect(window.idle).toBe(true)
  })
})
