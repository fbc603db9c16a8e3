/** The virtual list's window math: which of a thousand rows the conversation list renders. */
import { describe, expect, it } from 'vitest'
import { scrollTopToShow, visibleRange } from '../../client/web/src/components/visible-range.ts'

const ROW = 64

describe('visibleRange', () => {
  it('renders a screenful plus the overscan out of 1,000 rows', () => {
    expect(visibleRange(0, 640, ROW, 1000, 4)).toEqual({ start: 0, end: 15 })
    const middle = visibleRange(500 * ROW + 10, 640, ROW, 1000, 4)
    expect(middle).toEqual({ start: 496, end: 515 })
    expect(middle.end - middle.start).toBeLessThan(25)
  })

  it('stays inside the list at the end, when empty and before layout', () => {
    expect(visibleRange(1000 * ROW, 640, ROW, 1000, 4)).toEqual({ start: 995, end: 1000 })
    expect(visibleRange(0, 640, ROW, 0, 4)).toEqual({ start: 0, end: 0 })
    expect(visibleRange(0, 0, ROW, 1000, 4)).toEqual({ start: 0, end: 5 })
    expect(visibleRange(-50, 640, ROW, 3, 4)).toEqual({ start: 0, end: 3 })
  })
})

describe('scrollTopToShow', () => {
  it('scrolls only as far as needed to show a row', () => {
    expect(scrollTopToShow(5, 0, 640, ROW)).toBe(0)
    expect(scrollTopToShow(10, 0, 640, ROW)).toBe(11 * ROW - 640)
    expect(scrollTopToShow(2, 10 * ROW, 640, ROW)).toBe(2 * ROW)
  })
})
