import { describe, expect, it } from 'vitest'
import { TypingSignals } from '../../node/presence/typing-signals.ts'
import { TYPING_IDLE_MS } from '../../protocol/limits.ts'

describe('typing signals', () => {
  it('says a change once, and lapses TYPING_IDLE_MS after the last mark', () => {
    let now = 1_000
    const typing = new TypingSignals(() => now)
    expect(typing.mark('b0b', true)).toBe(true)
    expect(typing.mark('b0b', true)).toBe(false)
    now += TYPING_IDLE_MS - 1
    expect(typing.isTypingTo('b0b')).toBe(true)
    expect(typing.mark('b0b', true)).toBe(false)
    now += TYPING_IDLE_MS
    expect(typing.isTypingTo('b0b')).toBe(false)
    expect(typing.mark('b0b', false)).toBe(false)
  })

  it('shows what heartbeats say, once per change, and forgets who went away', () => {
    const typing = new TypingSignals()
    expect(typing.heard('a11ce', false)).toBeUndefined()
    expect(typing.heard('a11ce', true)).toBe(true)
    expect(typing.heard('a11ce', true)).toBeUndefined()
    expect(typing.forget('a11ce')).toBe(true)
    expect(typing.forget('a11ce')).toBe(false)
  })

  it('turned off: withdraws both sides, then neither tells nor shows', () => {
    const typing = new TypingSignals()
    typing.mark('b0b', true)
    typing.heard('a11ce', true)
    expect(typing.setEnabled(false)).toEqual({ told: ['b0b'], shown: ['a11ce'] })
    expect(typing.mark('b0b', true)).toBe(false)
    expect(typing.isTypingTo('b0b')).toBe(false)
    expect(typing.heard('a11ce', true)).toBeUndefined()
    typing.setEnabled(true)
    expect(typing.heard('a11ce', true)).toBe(true)
  })
})
