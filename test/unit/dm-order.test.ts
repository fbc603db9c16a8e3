import { describe, expect, it } from 'vitest'
import { heldToShow, mayBeTakenIn, placeText } from '../../protocol/dm-order.ts'

describe('1:1 order rule: placing a text', () => {
  it('shows the next in line and anything below it, holds what comes ahead of a gap', () => {
    const held = new Set([5])
    expect(placeText(3, 3, held, 10)).toBe('show')
    expect(placeText(1, 3, held, 10)).toBe('show')
    expect(placeText(4, 3, held, 10)).toBe('hold')
  })

  it('refuses a second text for a held seq, and any text over the held limit', () => {
    expect(placeText(5, 3, new Set([5]), 10)).toBe('seq-taken')
    expect(placeText(9, 3, new Set([5, 6]), 2)).toBe('held-limit')
    // The limit bounds what waits, never what can be shown.
    expect(placeText(3, 3, new Set([5, 6]), 2)).toBe('show')
  })

  it('looks for a copy only of a text shown or held already', () => {
    const held = new Map([[7, 'text']])
    expect(mayBeTakenIn(2, 3, held)).toBe(true)
    expect(mayBeTakenIn(7, 3, held)).toBe(true)
    expect(mayBeTakenIn(3, 3, held)).toBe(false)
    expect(mayBeTakenIn(8, 3, held)).toBe(false)
  })
})

describe('1:1 order rule: releasing held texts', () => {
  it('releases the run that follows the next expected seq, in order, and stops at a gap', () => {
    expect(heldToShow(new Set([6, 4, 5, 8]), 4)).toEqual({ show: [4, 5, 6], expected: 7 })
    expect(heldToShow(new Set([6, 8]), 4)).toEqual({ show: [], expected: 4 })
  })

  it('stops waiting below resolvedBelow: shows what is held there, then the run after it', () => {
    // 2 and 3 never come: 4 is held below the mark, 6 and 7 follow it, 9 waits for 8.
    expect(heldToShow(new Set([9, 7, 4, 6]), 2, 6)).toEqual({ show: [4, 6, 7], expected: 8 })
    // Nothing held: the next expected seq moves up to the mark all the same.
    expect(heldToShow(new Set(), 2, 6)).toEqual({ show: [], expected: 6 })
  })

  it('never moves the next expected seq back', () => {
    expect(heldToShow(new Set([12]), 10, 4)).toEqual({ show: [], expected: 10 })
  })
})
