/**
 * The shell's one event stream, handed to every component below it. A component reacts to
 * live events with `useNodeEvent` and refreshes what it shows with `useStreamOpen` (the
 * stream (re)opened, so events may have been missed while it was down). No polling.
 */
import { createContext } from 'preact'
import { useContext, useEffect, useRef } from 'preact/hooks'
import type { NodeEventType } from '../../../protocol/local-api.ts'
import type { EventStream, NodeEventHandler } from './event-stream.ts'

export const NodeEventsContext = createContext<EventStream | null>(null)

function useStream(): EventStream {
  const stream = useContext(NodeEventsContext)
  if (stream == null) throw new Error("useNodeEvent needs the shell's NodeEventsContext provider")
  return stream
}

/** Calls `handler` for each event of `type` while the component is mounted (the latest handler). */
export function useNodeEvent<T extends NodeEventType>(type: T, handler: NodeEventHandler<T>): void {
  const stream = useStream()
  const latest = useRef(handler)
  latest.current = handler
  useEffect(() => stream.on(type, (data, at) => latest.current(data, at)), [stream, type])
}

/**
 * Calls `handler` each time the stream (re)opens, and at once if it is open already (unless
 * `{ now: false }`: the component loaded what it shows itself and only needs the catch-up).
 */
export function useStreamOpen(handler: () => void, { now = true }: { now?: boolean } = {}): void {
  const stream = useStream()
  const latest = useRef(handler)
  latest.current = handler
  useEffect(() => {
    if (now && stream.state === 'open') latest.current()
    return stream.onState((state) => {
      if (state === 'open') latest.current()
    })
  }, [stream, now])
}
