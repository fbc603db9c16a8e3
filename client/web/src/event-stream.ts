/**
 * The node's events over one WebSocket, reopened with backoff when it drops (the node
 * restarted, the laptop slept), so the header can say live whether the node is reachable.
 */
import type { NodeEventMessage } from '../../../protocol/local-api.ts'
import type { WebApiClient } from './api-client.ts'

export type StreamState = 'connecting' | 'open' | 'closed'

const FIRST_RETRY_MS = 500
const MAX_RETRY_MS = 10_000

export class EventStream {
  private readonly client: WebApiClient
  private readonly onEvent: (event: NodeEventMessage) => void
  private readonly onState: (state: StreamState) => void
  private socket?: WebSocket
  private retryMs = FIRST_RETRY_MS
  private retryTimer?: number
  private closed = false

  constructor(
    client: WebApiClient,
    onEvent: (event: NodeEventMessage) => void,
    onState: (state: StreamState) => void,
  ) {
    this.client = client
    this.onEvent = onEvent
    this.onState = onState
  }

  open(): void {
    this.closed = false
    this.onState('connecting')
    const socket = new WebSocket(this.client.eventsUrl(), this.client.eventsProtocols())
    this.socket = socket
    socket.addEventListener('open', () => {
      this.retryMs = FIRST_RETRY_MS
      this.onState('open')
    })
    socket.addEventListener('message', (message) => {
      try {
        this.onEvent(JSON.parse(String(message.data)) as NodeEventMessage)
      } catch {
        // A frame that is not an event is ignored; the stream goes on.
      }
    })
    socket.addEventListener('close', () => {
      if (this.socket !== socket || this.closed) return
      this.onState('closed')
      this.retryTimer = window.setTimeout(() => this.open(), this.retryMs)
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS)
    })
  }

  close(): void {
    this.closed = true
    window.clearTimeout(this.retryTimer)
    this.socket?.close()
  }
}
