/**
 * A connected TCP socket as a libp2p MultiaddrConnection, for the upgrader (noise, yamux)
 * to make a libp2p connection of: the sockets a hole punch opens (tcp-punch.ts) come from
 * no transport's dial or listener. It behaves as @libp2p/tcp's own adapter, which that
 * package does not export: bytes in and out with back-pressure, the socket's end and
 * errors closing the connection, and an idle socket closed after SOCKET_IDLE_TIMEOUT_MS
 * (the connection monitor's pings keep a live one busy).
 */
import type { Socket } from 'node:net'
import type { AbortOptions, Logger, MessageStreamDirection } from '@libp2p/interface'
import { TimeoutError } from '@libp2p/interface'
import { AbstractMultiaddrConnection } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Uint8ArrayList } from 'uint8arraylist'

/** @libp2p/tcp's default inactivity timeout. */
const SOCKET_IDLE_TIMEOUT_MS = 2 * 60_000

export interface SocketConnectionInit {
  socket: Socket
  /** The peer's address as we reach it, ending in its `/p2p/<id>` (noise checks it). */
  remoteAddr: Multiaddr
  direction: MessageStreamDirection
  log: Logger
}

class SocketConnection extends AbstractMultiaddrConnection {
  private readonly socket: Socket

  constructor(init: SocketConnectionInit) {
    super(init)
    const { socket } = init
    this.socket = socket
    socket.setNoDelay(true)
    socket.setKeepAlive(true)
    socket.on('data', (data) => this.onData(data))
    socket.on('error', (err) => this.abort(err))
    socket.setTimeout(SOCKET_IDLE_TIMEOUT_MS)
    socket.once('timeout', () => this.abort(new TimeoutError('the punched socket was idle')))
    // 'end': the peer sent FIN; Node answers with ours and 'close' follows.
    socket.once('end', () => this.onTransportClosed())
    socket.once('close', (hadError) => {
      if (hadError) this.abort(new Error('TCP transmission error'))
      else this.onTransportClosed()
    })
    socket.on('drain', () => this.safeDispatchEvent('drain'))
  }

  sendData(data: Uint8ArrayList): { sentBytes: number; canSendMore: boolean } {
    let sentBytes = 0
    let canSendMore = true
    for (const chunk of data) {
      sentBytes += chunk.byteLength
      canSendMore = this.socket.write(chunk)
      if (!canSendMore) break
    }
    return { sentBytes, canSendMore }
  }

  async sendClose(options?: AbortOptions): Promise<void> {
    if (this.socket.destroyed) return
    const closed = new Promise<void>((resolve, reject) => {
      this.socket.once('close', () => resolve())
      options?.signal?.addEventListener('abort', () => reject(options.signal?.reason), {
        once: true,
      })
    })
    this.socket.destroySoon()
    await closed
  }

  sendReset(): void {
    // resetAndDestroy() cannot follow a graceful end() already begun (libuv).
    if (this.socket.writableEnded) this.socket.destroy()
    else this.socket.resetAndDestroy()
  }

  sendPause(): void {
    this.socket.pause()
  }

  sendResume(): void {
    this.socket.resume()
  }
}

export function socketConnection(init: SocketConnectionInit): AbstractMultiaddrConnection {
  return new SocketConnection(init)
}
