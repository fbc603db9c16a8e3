/**
 * The frames of the hole-punch exchange (punch.proto, PUNCH_PROTOCOL). Every decoded frame is
 * one known kind within MAX_PUNCH_FRAME_SIZE, and a CONNECT carries an address; whether that
 * address is one a node may connect to is the network layer's to judge.
 */
import { decodeMessage, encodeMessage } from './codec.ts'
import { MalformedMessageError } from './errors.ts'
import { MAX_PUNCH_FRAME_SIZE } from './limits.ts'
import { PunchFrame, PunchFrameKind } from './proto/punch.ts'

export { PunchFrame, PunchFrameKind }

const WHAT = 'punch frame'

export function encodePunchFrame(frame: PunchFrame): Uint8Array {
  return encodeMessage(PunchFrame, frame, { maxSize: MAX_PUNCH_FRAME_SIZE, what: WHAT })
}

/** Throws OversizedMessageError or MalformedMessageError for anything but a frame of `kind`. */
export function decodePunchFrame(bytes: Uint8Array, kind: PunchFrameKind): PunchFrame {
  const frame = decodeMessage(PunchFrame, bytes, { maxSize: MAX_PUNCH_FRAME_SIZE, what: WHAT })
  if (frame.kind !== kind) {
    throw new MalformedMessageError(`expected a ${kind} punch frame, got ${frame.kind}`)
  }
  if (kind === PunchFrameKind.CONNECT && frame.address.byteLength === 0) {
    throw new MalformedMessageError('a CONNECT punch frame must carry an address')
  }
  return frame
}
