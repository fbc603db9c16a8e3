/**
 * The line between the coordinator and one shard, whatever carries it: the IPC channel of a
 * forked child, or a stream socket (TCP to a shard on another machine, a Unix socket to one
 * in another network namespace). Messages are the structured clones `fork` also uses; on a
 * stream each is framed by a 4-byte length, and a frame over `MAX_SHARD_FRAME_BYTES` ends the
 * line with an error rather than being buffered.
 */
import type { ChildProcess } from 'node:child_process'
import type { Socket } from 'node:net'
import { deserialize, serialize } from 'node:v8'
import { ShardError } from './errors.ts'

/** A profile summary is the largest message (tens of KiB); this leaves room for any network. */
export const MAX_SHARD_FRAME_BYTES = 16 * 1024 * 1024

export interface ShardChannel<Out, In> {
  send(message: Out): void
  onMessage(handler: (message: In) => void): void
  /** Called once when the line ends, with why. */
  onClose(handler: (reason: string) => void): void
  /** Ends the line; the other side sees it close. */
  close(): void
}

/** The coordinator's end of a forked child's IPC channel. */
export function childChannel<Out, In>(child: ChildProcess): ShardChannel<Out, In> {
  return {
    send: (message) => child.send(message as object),
    onMessage: (handler) => child.on('message', (message) => handler(message as In)),
    onClose: (handler) => {
      child.once('exit', (code, signal) => handler(`exited (${signal ?? `code ${code}`})`))
      child.once('error', (err) => handler(`failed: ${err.message}`))
    },
    close: () => {
      if (child.connected) child.disconnect()
    },
  }
}

/** This process's end of its parent's IPC channel (a forked shard). */
export function parentChannel<Out, In>(): ShardChannel<Out, In> {
  return {
    send: (message) => process.send?.(message),
    onMessage: (handler) => process.on('message', (message) => handler(message as In)),
    onClose: (handler) => process.once('disconnect', () => handler('the coordinator disconnected')),
    close: () => process.disconnect?.(),
  }
}

/** Either end of a stream socket, framed. */
export function socketChannel<Out, In>(socket: Socket): ShardChannel<Out, In> {
  const handlers: Array<(message: In) => void> = []
  const closers: Array<(reason: string) => void> = []
  let closed = false
  const end = (reason: string) => {
    if (closed) return
    closed = true
    socket.destroy()
    for (const closer of closers) closer(reason)
  }
  // Bytes are joined only once a whole header or frame is in, so a large frame costs one copy.
  let chunks: Buffer[] = []
  let size = 0
  let frameLength: number | undefined
  const take = (bytes: number): Buffer => {
    const all = Buffer.concat(chunks, size)
    chunks = bytes < all.length ? [all.subarray(bytes)] : []
    size -= bytes
    return all.subarray(0, bytes)
  }
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk)
    size += chunk.length
    while (!closed) {
      if (frameLength == null) {
        if (size < 4) return
        frameLength = take(4).readUInt32BE(0)
        if (frameLength > MAX_SHARD_FRAME_BYTES) {
          end(`a frame of ${frameLength} bytes, over the ${MAX_SHARD_FRAME_BYTES}-byte limit`)
          return
        }
      }
      if (size < frameLength) return
      const body = take(frameLength)
      frameLength = undefined
      let message: In
      try {
        message = deserialize(body) as In
      } catch (err) {
        end(`a frame that does not decode: ${(err as Error).message}`)
        return
      }
      for (const handler of handlers) handler(message)
    }
  })
  socket.once('close', () => end('the connection closed'))
  socket.once('error', (err) => end(`the connection failed: ${err.message}`))
  // A handshake may have paused it with the first frames already waiting.
  socket.resume()
  return {
    send: (message) => {
      if (closed) throw new ShardError('the shard connection is closed')
      const body = serialize(message)
      const header = Buffer.alloc(4)
      header.writeUInt32BE(body.length)
      socket.write(Buffer.concat([header, body]))
    },
    onMessage: (handler) => handlers.push(handler),
    onClose: (handler) => closers.push(handler),
    close: () => {
      if (closed) return
      socket.end()
    },
  }
}
