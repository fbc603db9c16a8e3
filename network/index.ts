/**
 * Framed streams with bounded prefixes, sizes, buffers and frame times: the reader every
 * TokenIM protocol uses (FramedStream), the guard for protocols another library reads (the
 * DHT, libp2p's own) and the penalty for peers that break the framing (streamGuards). The
 * folder's other modules (how peers are reached and dialled) are imported on their own.
 *
 * @example
 * ```ts
 * const framed = new FramedStream(stream, { limits: DM_STREAM_LIMITS })
 * await framed.write(frame)
 * const reply = await framed.read({ signal })
 * ```
 */
export * from './errors.ts'
export * from './frame-guard.ts'
export * from './framed-stream.ts'
export * from './framing-penalties.ts'
export * from './stream-counts.ts'
export * from './stream-guards.ts'
