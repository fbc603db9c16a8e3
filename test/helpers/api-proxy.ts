/**
 * A stand-in for the path between a local API client and its node, which a test can cut and
 * mend: HTTP requests and WebSocket upgrades are passed on to the node with the Host header
 * the node expects (it refuses any other). `cut()` drops every open connection and refuses
 * new ones until `mend()`, as when the client's machine loses the node for a while.
 */
import { EventEmitter, once } from 'node:events'
import { createServer, type IncomingMessage, request } from 'node:http'
import { connect, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'

export interface ApiProxy {
  /** The address to give the client in place of the node's. */
  url: string
  cut(): void
  /** Resolves once `count` connections have been refused since the last cut. */
  refused(count: number): Promise<void>
  mend(): void
  close(): Promise<void>
}

export async function startApiProxy(nodeUrl: string): Promise<ApiProxy> {
  const node = new URL(nodeUrl)
  const open = new Set<Duplex>()
  let cut = false
  let refusals = 0
  const refusal = new EventEmitter()
  const headersFor = (req: IncomingMessage) => ({ ...req.headers, host: node.host })

  const server = createServer((req, res) => {
    const forward = request(
      {
        host: node.hostname,
        port: node.port,
        method: req.method,
        path: req.url,
        headers: headersFor(req),
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    forward.on('error', () => res.destroy())
    req.pipe(forward)
  })
  server.on('connection', (socket: Socket) => {
    if (cut) {
      refusals++
      refusal.emit('refused')
      return socket.destroy()
    }
    open.add(socket)
    socket.on('close', () => open.delete(socket))
  })
  server.on('upgrade', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    const upstream = connect(Number(node.port), node.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`]
      for (const [name, value] of Object.entries(headersFor(req))) {
        for (const one of [value ?? []].flat()) lines.push(`${name}: ${one}`)
      }
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`)
      upstream.write(head)
      upstream.pipe(client).pipe(upstream)
    })
    open.add(upstream)
    upstream.on('close', () => {
      open.delete(upstream)
      client.destroy()
    })
    client.on('close', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address == null || typeof address === 'string') throw new Error('proxy has no port')

  return {
    url: `http://127.0.0.1:${address.port}`,
    cut() {
      cut = true
      refusals = 0
      for (const socket of open) socket.destroy()
    },
    async refused(count) {
      while (refusals < count) await once(refusal, 'refused')
    },
    mend() {
      cut = false
    },
    close() {
      for (const socket of open) socket.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
