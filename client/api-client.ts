/**
 * The CLI's and terminal chat's client of a node's local API: the typed routes of
 * client/tokenim-api.ts (shared with the web client) over Node's fetch, found through the
 * data dir's api.json, plus the event stream. It knows the API only through
 * protocol/local-api.ts, never the node's internals.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import {
  API_INFO_FILE,
  API_PATHS,
  type ApiErrorBody,
  type ApiInfo,
  EVENTS_SUBPROTOCOL,
  type NodeEventMessage,
  type NodeEventType,
} from '../protocol/local-api.ts'
import { ApiRequestError, NodeNotRunningError } from './errors.ts'
import { type ApiMethod, TokenimApi } from './tokenim-api.ts'

/** One event of the stream, as a union over its types, so that checking `type` narrows `data`. */
export type NodeEvent = { [T in NodeEventType]: NodeEventMessage<T> }[NodeEventType]

export interface EventSubscription {
  close(): void
}

export class LocalApiClient extends TokenimApi {
  readonly info: ApiInfo

  constructor(info: ApiInfo) {
    super()
    this.info = info
  }

  /** Connects to the node running on `dataDir`, or throws NodeNotRunningError. */
  static async forDataDir(dataDir: string): Promise<LocalApiClient> {
    let info: ApiInfo
    try {
      info = JSON.parse(await readFile(join(dataDir, API_INFO_FILE), 'utf8')) as ApiInfo
    } catch {
      throw new NodeNotRunningError(dataDir)
    }
    const client = new LocalApiClient(info)
    try {
      await client.status()
    } catch (err) {
      if (err instanceof ApiRequestError) throw err
      // api.json left behind by a node that was killed: nothing listens there any more.
      throw new NodeNotRunningError(dataDir)
    }
    return client
  }

  async request<T>(method: ApiMethod, path: string, body?: unknown): Promise<T> {
    const response = await fetch(new URL(path, this.info.url), {
      method,
      headers: {
        authorization: `Bearer ${this.info.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const payload = (await response.json()) as T | ApiErrorBody
    if (!response.ok) {
      const { error } = payload as ApiErrorBody
      throw new ApiRequestError(error.name, error.message, response.status)
    }
    return payload as T
  }

  /**
   * Streams the node's events; resolves once the stream is open. With `since` (the `seq` and
   * `epoch` of the last event received) the events missed since come first, in order.
   * @throws ApiRequestError EventsGoneError when the node no longer has them (or restarted):
   *   read the state again and subscribe without `since`
   */
  subscribe(
    onEvent: (event: NodeEvent) => void,
    options: { since?: { seq: number; epoch: string } } = {},
  ): Promise<EventSubscription> {
    const url = new URL(API_PATHS.events, this.info.url.replace(/^http/, 'ws'))
    if (options.since != null) {
      url.searchParams.set('since', String(options.since.seq))
      url.searchParams.set('epoch', options.since.epoch)
    }
    const socket = new WebSocket(url, EVENTS_SUBPROTOCOL, {
      headers: { authorization: `Bearer ${this.info.token}` },
    })
    socket.on('message', (data) => onEvent(JSON.parse(String(data)) as NodeEvent))
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve({ close: () => socket.close() }))
      // A refused stream (410 EventsGoneError, 401…) answers HTTP instead of upgrading.
      socket.once('unexpected-response', (request, response) => {
        let body = ''
        response.on('data', (chunk: Buffer) => {
          body += chunk.toString()
        })
        response.on('end', () => {
          request.destroy()
          const refusal = parseErrorBody(body)
          reject(
            new ApiRequestError(
              refusal?.name ?? 'EventStreamRefused',
              refusal?.message ?? `the event stream answered ${response.statusCode}`,
              response.statusCode ?? 0,
            ),
          )
        })
      })
      socket.once('error', reject)
    })
  }
}

function parseErrorBody(text: string): ApiErrorBody['error'] | undefined {
  try {
    return (JSON.parse(text) as ApiErrorBody).error
  } catch {
    return undefined
  }
}
