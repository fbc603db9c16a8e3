/**
 * The socket side of a TCP hole punch: a free local port to punch from, and a connect from
 * that port to the peer's public address, tried again until one succeeds or the window ends.
 *
 * Why it works behind NATs: both peers connect from a known port to the other's public
 * address at about the same moment. The first SYN to leave is dropped by the other's router
 * (nothing asked for it yet) but opens a mapping in its own; the other's SYN then arrives
 * as the answer to that mapping, and the two kernels complete a TCP simultaneous open (or an
 * ordinary handshake, whichever the timing gives). The kernel retransmits a lost SYN after
 * a second, so one connect usually suffices; a refused one (a RST, from a mapping that led
 * to a socket closed meanwhile) is tried again after a pause.
 *
 * Two connecting sockets may share a local port (libuv sets SO_REUSEADDR; Linux allows it
 * while nothing listens there), but a listener may not share it: the punch port is picked
 * by a throwaway listener, closed before the connect.
 */
import { createServer, connect as netConnect, type Socket } from 'node:net'
import { PunchFailedError } from './errors.ts'

/** Time for one connect: the SYN, and its retransmissions after 1 and 3 s. */
const CONNECT_ATTEMPT_MS = 3_500
/** Pause after a refused or failed connect before the next. */
const RETRY_PAUSE_MS = 200

/** A TCP port nothing on this host holds now (the kernel's pick for a throwaway listener). */
export async function freeTcpPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, resolve)
  })
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

export interface SimultaneousOpenInit {
  localPort: number
  host: string
  port: number
  /** How long to keep trying. */
  windowMs: number
  signal?: AbortSignal
}

/**
 * A socket connected from `localPort` to `host:port`, or a PunchFailedError that counts
 * the connects tried and how each ended.
 */
export async function simultaneousOpen(init: SimultaneousOpenInit): Promise<Socket> {
  const deadline = performance.now() + init.windowMs
  const outcomes = new Map<string, number>()
  while (true) {
    init.signal?.throwIfAborted()
    const left = deadline - performance.now()
    try {
      return await connectOnce(init, Math.min(left, CONNECT_ATTEMPT_MS))
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as Error).message
      outcomes.set(code, (outcomes.get(code) ?? 0) + 1)
    }
    if (deadline - performance.now() < RETRY_PAUSE_MS) break
    await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS))
  }
  const tried = [...outcomes].map(([code, count]) => `${code} ×${count}`).join(', ')
  throw new PunchFailedError(
    `no TCP connection from port ${init.localPort} to ${init.host}:${init.port} within ${init.windowMs} ms (${tried})`,
  )
}

function connectOnce(init: SimultaneousOpenInit, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: init.host, port: init.port, localPort: init.localPort })
    const fail = (err: Error) => {
      clearTimeout(timer)
      init.signal?.removeEventListener('abort', onAbort)
      socket.destroy()
      reject(err)
    }
    const onAbort = () => fail(init.signal?.reason as Error)
    const timer = setTimeout(
      () => fail(Object.assign(new Error('timed out'), { code: 'timeout' })),
      timeoutMs,
    )
    init.signal?.addEventListener('abort', onAbort, { once: true })
    socket.once('error', fail)
    socket.once('connect', () => {
      clearTimeout(timer)
      init.signal?.removeEventListener('abort', onAbort)
      socket.removeListener('error', fail)
      resolve(socket)
    })
  })
}
