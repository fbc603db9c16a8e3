/**
 * The node's local control API: HTTP for requests, one WebSocket for events. It listens on
 * 127.0.0.1 only and trusts nothing that reaches it: every request must carry the random
 * token the node writes into its data dir, and the Host and Origin headers must name this
 * server, so that a web page open in the user's browser cannot drive the node (DNS
 * rebinding, cross-site requests). The web client's static files are the one exception to
 * the token: they are public, served at `/` by GET only, and still behind the Host and Origin
 * checks; the page reaches the token through the URL fragment the CLI prints.
 */
import { timingSafeEqual } from 'node:crypto'
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer } from 'ws'
import { kindOfStatus } from '../../protocol/local-api/error-kinds.ts'
import { NODE_ROUTES } from '../../protocol/local-api/node.ts'
import {
  API_PATHS,
  type ApiErrorBody,
  type EmittedNodeEvent,
  EVENTS_SUBPROTOCOL,
  TOKEN_SUBPROTOCOL_PREFIX,
} from '../../protocol/local-api.ts'
import { newApiToken } from './api-access.ts'
import { ApiError } from './api-error.ts'
import { parsed, queryObject } from './declared-route.ts'
import { errorKindOf, statusOfError } from './error-status.ts'
import { EventLog } from './event-log.ts'
import { openApiRoute } from './openapi-route.ts'
import type { WebAssets } from './web-assets.ts'

export { ApiError }

export const API_HOST = '127.0.0.1'
/** Largest request body the API reads. */
export const MAX_API_BODY_BYTES = 1024 * 1024

export interface ApiRequest {
  body: unknown
  query: URLSearchParams
}

export type RouteHandler = (request: ApiRequest) => Promise<unknown>

/**
 * A route that reads the request body and writes the answer itself: file uploads and
 * downloads, which neither fit the JSON body limit nor answer JSON. The token and the
 * Host/Origin checks apply as to every route; an ApiError thrown before the answer starts
 * is answered as usual.
 */
export interface RawRoute {
  raw(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>
}

/** Routes keyed by `METHOD /path`, e.g. `GET /v1/status`. */
export type Routes = Record<string, RouteHandler | RawRoute>

/** One request as the server saw it: the request line and the answer's status, never headers. */
export interface ApiAccessEntry {
  method: string
  url: string
  status: number
}

export interface LocalApiServerInit {
  /** @default 0 (any free port) */
  port?: number
  /** When `port` is in use, listen on any free port instead of failing. @default false */
  anyPortIfTaken?: boolean
  /** The token requests must carry (64 hex characters). @default a new random one */
  token?: string
  /** Routes served from the start; more can be mounted later. @default {} */
  routes?: Routes
  /** The web client's files, served at `/` without the token. @default none */
  webAssets?: WebAssets
  /** Called once per request, when it is answered (an access log). */
  onRequest?: (entry: ApiAccessEntry) => void
}

/** WebSocket close code of the event streams a token replacement ends (4000-4999: ours). */
const TOKEN_REPLACED_CLOSE_CODE = 4401

export class LocalApiServer {
  #token: string
  /** The port asked for, when it was in use and the server took another (`anyPortIfTaken`). */
  takenPort?: number
  private readonly server: Server
  private readonly sockets: WebSocketServer
  private readonly events = new EventLog()
  private readonly routes: Routes
  private readonly requestedPort: number
  private readonly anyPortIfTaken: boolean
  private readonly webAssets?: WebAssets
  private readonly onRequest?: (entry: ApiAccessEntry) => void
  private port = 0

  constructor(init: LocalApiServerInit = {}) {
    this.routes = { ...openApiRoute(() => this.url), ...init.routes }
    this.requestedPort = init.port ?? 0
    this.anyPortIfTaken = init.anyPortIfTaken ?? false
    this.#token = init.token ?? newApiToken()
    this.webAssets = init.webAssets
    this.onRequest = init.onRequest
    this.server = createServer((req, res) => {
      if (this.onRequest != null) {
        res.once('finish', () =>
          this.onRequest?.({
            method: req.method ?? '',
            url: req.url ?? '',
            status: res.statusCode,
          }),
        )
      }
      this.handle(req, res).catch((err: Error) => {
        // Every route's error is answered inside handle(); this is for a bug in the rest.
        if (res.headersSent) res.destroy(err)
        else reply(res, 500, errorBody(new ApiError(500, 'InternalError', err.message)))
      })
    })
    this.sockets = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_API_BODY_BYTES,
      handleProtocols: (protocols) =>
        protocols.has(EVENTS_SUBPROTOCOL) ? EVENTS_SUBPROTOCOL : false,
    })
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head))
  }

  /** The token every request and event stream must carry now. */
  get token(): string {
    return this.#token
  }

  /**
   * Takes `token` in place of the current one at once: requests with the old one are refused
   * from now on, and the event streams opened with it are closed (close code 4401).
   */
  replaceToken(token: string): void {
    this.#token = token
    for (const socket of this.sockets.clients)
      socket.close(TOKEN_REPLACED_CLOSE_CODE, 'token replaced')
  }

  get url(): string {
    return `http://${API_HOST}:${this.port}`
  }

  /**
   * The web client's address with the token in the fragment, which a browser never sends
   * to the server: the page moves it to sessionStorage and clears it from the address bar.
   */
  get webUrl(): string {
    return `${this.url}/#token=${this.token}`
  }

  /** Adds routes to a running server. Throws if one is already served. */
  mount(routes: Routes): void {
    const taken = Object.keys(routes).filter((key) => key in this.routes)
    if (taken.length > 0) throw new Error(`routes already mounted: ${taken.join(', ')}`)
    Object.assign(this.routes, routes)
  }

  /** Removes routes added by `mount` (the same object). */
  unmount(routes: Routes): void {
    for (const [key, handler] of Object.entries(routes)) {
      if (this.routes[key] === handler) delete this.routes[key]
    }
  }

  async start(): Promise<void> {
    try {
      await this.listen(this.requestedPort)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !this.anyPortIfTaken) throw err
      this.takenPort = this.requestedPort
      await this.listen(0)
    }
    this.port = (this.server.address() as AddressInfo).port
  }

  private listen(port: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, API_HOST, () => {
        this.server.off('error', reject)
        resolve()
      })
    })
  }

  async stop(): Promise<void> {
    for (const client of this.sockets.clients) client.close(1001, 'node stopping')
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  /** Numbers an event, keeps it for replay, and sends it to every connected client. */
  broadcast(event: EmittedNodeEvent): void {
    const text = this.events.append(event)
    for (const client of this.sockets.clients) {
      if (client.readyState === WebSocket.OPEN) client.send(text)
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = this.requestUrl(req)
    if (url == null) return reply(res, 400, errorBody(NOT_A_URL))
    if (this.webAssets != null && !url.pathname.startsWith('/v1/')) {
      const refusal = this.checkHostAndOrigin(req)
      if (refusal != null) return reply(res, refusal.status, errorBody(refusal))
      return this.webAssets.serve(req, res, url.pathname, this.port)
    }
    const refusal = this.checkAccess(req, bearerToken(req))
    if (refusal != null) return reply(res, refusal.status, errorBody(refusal))
    const route = this.routes[`${req.method} ${url.pathname}`]
    if (route == null) {
      return reply(
        res,
        404,
        errorBody(new ApiError(404, 'NotFound', `no route ${req.method} ${url.pathname}`)),
      )
    }
    try {
      if (typeof route !== 'function') return await route.raw(req, res, url)
      const body = await readJsonBody(req)
      const result = await route({ body, query: url.searchParams })
      reply(res, 200, result ?? {})
    } catch (err) {
      if (res.headersSent) {
        res.destroy(err as Error)
        return
      }
      const status = err instanceof ApiError ? err.status : statusOfError(err)
      reply(res, status, errorBody(err as Error))
    }
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refusal = this.checkAccess(req, bearerToken(req) ?? subprotocolToken(req))
    const url = this.requestUrl(req)
    const path = url?.pathname
    let status = path == null ? 400 : (refusal?.status ?? (path === API_PATHS.events ? 101 : 404))
    let replay: string[] = []
    let gone: ApiError | undefined
    if (status === 101) {
      try {
        replay = this.missedEvents(url!.searchParams)
      } catch (err) {
        gone =
          err instanceof ApiError
            ? err
            : new ApiError(410, (err as Error).name, (err as Error).message)
        status = gone.status
      }
    }
    this.onRequest?.({ method: req.method ?? '', url: req.url ?? '', status })
    if (status !== 101) {
      const body = gone == null ? '' : JSON.stringify(errorBody(gone))
      const headers =
        gone == null
          ? ''
          : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${headers}\r\n${body}`)
      return
    }
    // The client joins the broadcast list and gets what it missed in one synchronous step,
    // so no event is lost or sent twice in between.
    this.sockets.handleUpgrade(req, socket, head, (ws) => {
      for (const text of replay) ws.send(text)
      this.sockets.emit('connection', ws, req)
    })
  }

  /** The events after `since` of `epoch`, when the client asks for them. */
  private missedEvents(query: URLSearchParams): string[] {
    const { since, epoch } = parsed(NODE_ROUTES.events.query, queryObject(query), 'query')
    if (since == null) return []
    return this.events.since(Number(since), epoch ?? '')
  }

  /** Undefined for a request target that is no URL (`//[`, say): answered with 400. */
  private requestUrl(req: IncomingMessage): URL | undefined {
    try {
      return new URL(req.url ?? '/', this.url)
    } catch {
      return undefined
    }
  }

  private checkAccess(req: IncomingMessage, token: string | undefined): ApiError | undefined {
    const refusal = this.checkHostAndOrigin(req)
    if (refusal != null) return refusal
    if (token == null || !tokensEqual(token, this.#token)) {
      return new ApiError(401, 'Unauthorized', 'missing or wrong API token')
    }
    return undefined
  }

  private checkHostAndOrigin(req: IncomingMessage): ApiError | undefined {
    const allowedHosts = [`${API_HOST}:${this.port}`, `localhost:${this.port}`]
    if (!allowedHosts.includes(req.headers.host ?? '')) {
      return new ApiError(403, 'ForbiddenHost', 'the Host header does not name this local API')
    }
    const origin = req.headers.origin
    if (origin != null && !allowedHosts.some((host) => origin === `http://${host}`)) {
      return new ApiError(403, 'ForbiddenOrigin', `requests from origin ${origin} are refused`)
    }
    return undefined
  }
}

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization
  return header?.startsWith('Bearer ') === true ? header.slice('Bearer '.length) : undefined
}

function subprotocolToken(req: IncomingMessage): string | undefined {
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim())
  return offered
    .find((p) => p.startsWith(TOKEN_SUBPROTOCOL_PREFIX))
    ?.slice(TOKEN_SUBPROTOCOL_PREFIX.length)
}

function tokensEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_API_BODY_BYTES) {
      throw new ApiError(413, 'PayloadTooLarge', `request body exceeds ${MAX_API_BODY_BYTES} bytes`)
    }
    chunks.push(chunk)
  }
  if (size === 0) return undefined
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new ApiError(400, 'InvalidJson', 'request body is not valid JSON')
  }
}

const NOT_A_URL = new ApiError(400, 'BadRequest', 'the request target is not a URL')

function errorBody(err: Error): ApiErrorBody {
  const details = err instanceof ApiError ? err.details : {}
  const kind = err instanceof ApiError ? kindOfStatus(err.status) : errorKindOf(err)
  return { error: { ...details, name: err.name, kind, message: err.message } }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  })
  res.end(text)
}
