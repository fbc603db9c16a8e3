/**
 * The TokenIM wire protocol: protocol ids, size limits, errors, bounded codecs for the
 * protobuf messages, signed records, the cryptographic primitives and the 1:1 session
 * (X3DH and the Double Ratchet). Pure code, no I/O.
 *
 * @example
 * ```ts
 * import { DM_PROTOCOL, MAX_STREAM_FRAME_SIZE, decodeMessage } from '../protocol/index.ts'
 * ```
 */
export * from './codec.ts'
export * from './crypto/index.ts'
export * from './errors.ts'
export * from './ids.ts'
export * from './limits.ts'
export * from './proto/session-announcement.ts'
export * from './proto/signed-record.ts'
export * from './session/index.ts'
