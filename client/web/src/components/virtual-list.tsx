/**
 * A list that renders only the rows in view (plus a few either side), so a thousand
 * conversations cost as much as twenty. Rows have one fixed height. It is a listbox:
 * arrow keys, Page Up/Down, Home and End move the active row, Enter opens it.
 */
import type { ComponentChild } from 'preact'
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks'
import { scrollTopToShow, visibleRange } from './visible-range.ts'

interface VirtualListProps<T> {
  id: string
  label: string
  items: readonly T[]
  rowHeight: number
  keyOf: (item: T) => string
  renderRow: (item: T, active: boolean) => ComponentChild
  onOpen?: (item: T) => void
  /** Shown when there are no items. */
  empty: ComponentChild
  /** @default 4 */
  overscan?: number
}

export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, rowHeight } = props
  const viewport = useRef<HTMLDivElement>(null)
  const [scrollTop, setScrollTop] = useState(0)
  const [height, setHeight] = useState(0)
  const [active, setActive] = useState(0)

  useLayoutEffect(() => {
    const element = viewport.current
    if (element == null) return
    setHeight(element.clientHeight)
    const observer = new ResizeObserver(() => setHeight(element.clientHeight))
    observer.observe(element)
    return () => observer.disconnect()
  }, [items.length === 0])

  useEffect(() => {
    if (active >= items.length) setActive(Math.max(0, items.length - 1))
  }, [items.length, active])

  if (items.length === 0) return <div class="list-empty">{props.empty}</div>

  const { start, end } = visibleRange(
    scrollTop,
    height,
    rowHeight,
    items.length,
    props.overscan ?? 4,
  )
  const pageRows = Math.max(1, Math.floor(height / rowHeight))

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(items.length - 1, index))
    setActive(next)
    const element = viewport.current
    if (element != null)
      element.scrollTop = scrollTopToShow(next, element.scrollTop, height, rowHeight)
  }

  const onKeyDown = (event: KeyboardEvent) => {
    const moves: Record<string, number> = {
      ArrowDown: active + 1,
      ArrowUp: active - 1,
      PageDown: active + pageRows,
      PageUp: active - pageRows,
      Home: 0,
      End: items.length - 1,
    }
    if (event.key in moves) {
      event.preventDefault()
      moveTo(moves[event.key])
    } else if (event.key === 'Enter' && props.onOpen != null) {
      event.preventDefault()
      props.onOpen(items[active])
    }
  }

  // One handler on the listbox, beside the keyboard one, rather than one per row.
  const onClick = (event: MouseEvent) => {
    const row = (event.target as Element).closest<HTMLElement>('[data-index]')
    if (row == null) return
    const index = Number(row.dataset.index)
    setActive(index)
    props.onOpen?.(items[index])
  }

  const rows: ComponentChild[] = []
  for (let index = start; index < end; index++) {
    const item = items[index]
    rows.push(
      <div
        key={props.keyOf(item)}
        id={`${props.id}-row-${index}`}
        class="list-row"
        role="option"
        aria-selected={index === active}
        aria-setsize={items.length}
        aria-posinset={index + 1}
        data-index={index}
        tabIndex={-1}
        style={{ transform: `translateY(${index * rowHeight}px)`, height: `${rowHeight}px` }}
      >
        {props.renderRow(item, index === active)}
      </div>,
    )
  }

  return (
    <div
      ref={viewport}
      id={props.id}
      class="list-viewport"
      role="listbox"
      aria-label={props.label}
      aria-activedescendant={`${props.id}-row-${active}`}
      tabIndex={0}
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
      onKeyDown={onKeyDown}
      onClick={onClick}
    >
      <div class="list-spacer" style={{ height: `${items.length * rowHeight}px` }}>
        {rows}
      </div>
    </div>
  )
}
