/** Which rows of a fixed-height list a viewport shows: the whole of a virtual list's math. */
export interface RowRange {
  /** First row to render. */
  start: number
  /** One past the last row to render. */
  end: number
}

export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan: number,
): RowRange {
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0 }
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight)
  const shown = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1
  const start = Math.max(0, Math.min(first, count - 1) - overscan)
  const end = Math.min(count, first + shown + overscan)
  return { start, end }
}

/** The scrollTop that brings row `index` fully into view, or `scrollTop` if it is already. */
export function scrollTopToShow(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
): number {
  const top = index * rowHeight
  if (top < scrollTop) return top
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight
  return scrollTop
}
