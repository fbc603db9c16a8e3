/**
 * Shards that join a simulation from elsewhere: from other machines over TCP, or from other
 * network namespaces of this machine over a Unix socket (a path crosses namespaces, so a
 * shard behind a lab's NAT still reaches its coordinator). The coordinator listens; a shard
 * connects and sends one JSON line, its hello: the run's token and the address its nodes
 * listen on. The coordinator answers `ok` or why not, in one line, and from then on both
 * speak in frames (`socketChannel`). Nothing is decoded from a peer that has not shown the
 * token but that one bounded line.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { CoordinatorUnreachableError, ShardError } from './errors.ts'
import { type ShardChannel, socketChannel } from './shard-channel.ts'

/** A hello is a token and an address: a line longer than this is not one. */
const MAX_HELLO_BYTES = 1_024
/** A connection that has not said hello by then is dropped. */
const HELLO_TIMEOUT_MS = 10_000

/** Where the coordinator listens for shards: `host:port` (TCP) or a Unix socket path. */
export type ShardEndpoint = { host: string; port: number } | { path: string }

export interface ShardHello {
  token: string
  /** The address this shard's nodes listen on, reachable from every other shard and relay. */
  host: string
}

export interface JoinedShard<Out, In> {
  channel: ShardChannel<Out, In>
  host: string
}

export function describeEndpoint(endpoint: ShardEndpoint): string {
  return 'path' in endpoint ? endpoint.path : `${endpoint.host}:${endpoint.port}`
}

/** `host:port` or a path (anything with a `/`) as an endpoint. */
export function parseEndpoint(text: string): ShardEndpoint {
  if (text.includes('/')) return { path: text }
  const match = /^(.+):(\d{1,5})$/.exec(text)
  if (match == null || Number(match[2]) > 65_535) {
    throw new ShardError(`"${text}" is not a coordinator address: write host:port or a socket path`)
  }
  return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port: Number(match[2]) }
}

/** The coordinator's side: a server that admits shards showing the run's token. */
export class ShardListener<Out, In> {
  private readonly server: Server
  private readonly token: string
  private readonly joined: Array<JoinedShard<Out, In>> = []
  private readonly waiters = new Set<() => void>()

  private constructor(server: Server, token: string) {
    this.server = server
    this.token = token
    server.on('connection', (socket) => this.admit(socket))
  }

  static async listen<Out, In>(
    endpoint: ShardEndpoint,
    token: string,
  ): Promise<ShardListener<Out, In>> {
    const server = createServer()
    const listener = new ShardListener<Out, In>(server, token)
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) =>
        reject(
          new ShardError(
            `cannot listen for shards on ${describeEndpoint(endpoint)}: ${err.message}`,
          ),
        ),
      )
      if ('path' in endpoint) server.listen(endpoint.path, resolve)
      else server.listen(endpoint.port, endpoint.host, resolve)
    })
    return listener
  }

  /** Where shards connect (with the port the system chose for port 0). */
  endpoint(): ShardEndpoint {
    const address = this.server.address()
    if (typeof address === 'string') return { path: address }
    if (address == null) throw new ShardError('the shard listener is closed')
    return { host: address.address, port: address.port }
  }

  /** The first `count` shards to join, in the order they joined. */
  async accept(count: number, timeoutMs: number): Promise<Array<JoinedShard<Out, In>>> {
    const deadline = Date.now() + timeoutMs
    while (this.joined.length < count) {
      const left = deadline - Date.now()
      if (left <= 0) {
        throw new ShardError(
          `${this.joined.length} of ${count} shards joined within ${Math.round(timeoutMs / 1_000)} s at ${describeEndpoint(this.endpoint())}: start the others with tokenim sim shard`,
        )
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left)
        function done() {
          clearTimeout(timer)
          resolve()
        }
        this.waiters.add(done)
      })
    }
    return this.joined.slice(0, count)
  }

  close(): void {
    this.server.close()
  }

  private async admit(socket: Socket): Promise<void> {
    let hello: ShardHello
    try {
      hello = JSON.parse(await readLine(socket, MAX_HELLO_BYTES, HELLO_TIMEOUT_MS)) as ShardHello
    } catch (err) {
      socket.end(`refused: ${(err as Error).message}\n`)
      return
    }
    if (typeof hello?.token !== 'string' || !sameToken(hello.token, this.token)) {
      socket.end('refused: wrong token\n')
      return
    }
    if (typeof hello.host !== 'string' || hello.host.length === 0) {
      socket.end('refused: the hello names no host\n')
      return
    }
    socket.write('ok\n')
    this.joined.push({ channel: socketChannel(socket), host: hello.host })
    for (const waiter of this.waiters) waiter()
    this.waiters.clear()
  }
}

/** The shard's side: connects, says hello, and returns the framed line once admitted. */
export async function joinCoordinator<Out, In>(
  endpoint: ShardEndpoint,
  hello: ShardHello,
): Promise<ShardChannel<Out, In>> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const socket =
      'path' in endpoint ? connect(endpoint.path) : connect(endpoint.port, endpoint.host)
    socket.once('connect', () => resolve(socket))
    socket.once('error', (err) =>
      reject(
        new CoordinatorUnreachableError(
          `cannot reach the coordinator at ${describeEndpoint(endpoint)}: ${err.message}`,
        ),
      ),
    )
  })
  socket.write(`${JSON.stringify(hello)}\n`)
  const answer = await readLine(socket, MAX_HELLO_BYTES, HELLO_TIMEOUT_MS).catch((err: Error) => {
    socket.destroy()
    throw new ShardError(`the coordinator did not answer: ${err.message}`)
  })
  if (answer !== 'ok') {
    socket.destroy()
    throw new ShardError(`the coordinator ${answer}`)
  }
  return socketChannel(socket)
}

/**
 * One line (without its newline); what follows stays in the socket, paused, for the next
 * reader (`socketChannel` resumes it once it listens).
 */
function readLine(socket: Socket, maxBytes: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = Buffer.alloc(0)
    const finish = (err?: Error, line?: string) => {
      clearTimeout(timer)
      socket.off('data', onData)
      socket.off('close', onClose)
      if (err != null) reject(err)
      else resolve(line!)
    }
    const timer = setTimeout(() => finish(new Error(`no line within ${timeoutMs} ms`)), timeoutMs)
    const onClose = () => finish(new Error('the connection closed'))
    const onData = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk])
      const newline = seen.indexOf(0x0a)
      if (newline === -1) {
        if (seen.length > maxBytes) finish(new Error(`a line over ${maxBytes} bytes`))
        return
      }
      socket.pause()
      const rest = seen.subarray(newline + 1)
      if (rest.length > 0) socket.unshift(rest)
      finish(undefined, seen.subarray(0, newline).toString('utf8'))
    }
    socket.on('data', onData)
    socket.once('close', onClose)
  })
}

function sameToken(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(given), digest(expected))
}
