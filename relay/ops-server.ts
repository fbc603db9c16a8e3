/**
 * The relay's operations endpoint, on its own port: `GET /metrics` for Prometheus and
 * `GET /health` for load balancers and uptime checks. It serves nothing else and reads no
 * request body, so exposing it (behind a firewall) cannot change the relay.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { RelayMetrics } from './metrics.ts'

export interface RelayHealth {
  ok: boolean
  peerId: string
  /** The TokenIM release the relay runs. */
  version: string
  connections: number
  peers: number
  reservations: number
  /** Seconds since the relay started. */
  uptime: number
}

export interface OpsServerInit {
  host: string
  port: number
  /** Serve /metrics from this registry; omit to leave it off. */
  metrics?: RelayMetrics
  /** Serve /health with this; omit to leave it off. */
  health?: () => RelayHealth
}

export class OpsServer {
  private readonly init: OpsServerInit
  private server?: Server
  private address?: AddressInfo

  constructor(init: OpsServerInit) {
    this.init = init
  }

  /** http://host:port, once listening. */
  get url(): string {
    if (this.address == null) throw new Error('the operations server is not listening')
    const host = this.address.family === 'IPv6' ? `[${this.address.address}]` : this.address.address
    return `http://${host}:${this.address.port}`
  }

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      this.answer(request, response).catch((err: Error) => {
        if (!response.headersSent) send(response, 500, 'text/plain', `${err.message}\n`)
        else response.destroy(err)
      })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.init.port, this.init.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.server = server
    this.address = server.address() as AddressInfo
  }

  async stop(): Promise<void> {
    const server = this.server
    if (server == null) return
    this.server = undefined
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://relay').pathname
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, 'text/plain', 'only GET\n', { allow: 'GET, HEAD' })
    } else if (path === '/metrics' && this.init.metrics != null) {
      const { contentType, body } = await this.init.metrics.render()
      send(response, 200, contentType, body)
    } else if (path === '/health' && this.init.health != null) {
      const health = this.init.health()
      send(response, health.ok ? 200 : 503, 'application/json', `${JSON.stringify(health)}\n`)
    } else {
      send(response, 404, 'text/plain', 'not found\n')
    }
  }
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'content-type': contentType,
    'cache-control': 'no-store',
    ...headers,
  })
  response.end(response.req.method === 'HEAD' ? undefined : body)
}
