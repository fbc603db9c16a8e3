/**
 * The node's events over one WebSocket, reopened with backoff when it drops (the node
 * restarted, the laptop slept). Any number of listeners, by event type; state listeners hear
 * each (re)open, after which they catch up on what they may have missed.
 */
import type { NodeEventMap, NodeEventMessage, NodeEventType } from '../../../protocol/local-api.ts'
import type { WebApiClient } from './api-client.ts'

export type StreamState = 'connecting' | 'open' | 'closed'

export type NodeEventHandler<T extends NodeEventType> = (data: NodeEventMap[T], at: number) => void

const FIRST_RETRY_MS = 500
const MAX_RETRY_MS = 10_000

export class EventStream {
  private readonly client: WebApiClient
  private readonly handlers = new Map<NodeEventType, Set<NodeEventHandler<never>>>()
  private readonly stateListeners = new Set<(state: StreamState) => void>()
  private socket?: WebSocket
  private retryMs = FIRST_RETRY_MS
  private retryTimer?: number
  private closed = false
  state: StreamState = 'connecting'

  constructor(client: WebApiClient) {
    this.client = client
  }

  /** Calls `handler` for each event of `type`; returns the function that stops it. */
  on<T extends NodeEventType>(type: T, handler: NodeEventHandler<T>): () => void {
    let set = this.handlers.get(type)
    if (set == null) {
      set = new Set()
      this.handlers.set(type, set)
    }
    set.add(handler as NodeEventHandler<never>)
    return () => set.delete(handler as NodeEventHandler<never>)
  }

  /** Calls `listener` on every change of the stream's state; returns the function that stops it. */
  onState(listener: (state: StreamState) => void): () => void {
    this.stateListeners.add(listener)
    return () => this.stateListeners.delete(listener)
  }

  open(): void {
    this.closed = false
    this.setState('connecting')
    const socket = new WebSocket(this.client.eventsUrl(), this.client.eventsProtocols())
    this.socket = socket
    socket.addEventListener('open', () => {
      this.retryMs = FIRST_RETRY_MS
      this.setState('open')
    })
    socket.addEventListener('message', (message) => {
      let event: NodeEventMessage
      try {
        event = JSON.parse(String(message.data)) as NodeEventMessage
      } catch {
        return // A frame that is not an event is ignored; the stream goes on.
      }
      for (const handler of this.handlers.get(event.type) ?? []) {
        ;(handler as NodeEventHandler<typeof event.type>)(event.data, event.at)
      }
    })
    socket.addEventListener('close', () => {
      if (this.socket !== socket || this.closed) return
      this.setState('closed')
      this.retryTimer = window.setTimeout(() => this.open(), this.retryMs)
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS)
    })
  }

  close(): void {
    this.closed = true
    window.clearTimeout(this.retryTimer)
    this.socket?.close()
  }

  private setState(state: StreamState): void {
    this.state = state
    for (const listener of this.stateListeners) listener(state)
  }
}
