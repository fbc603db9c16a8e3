/**
 * Room content's style, file and mentions (protocol/rooms/room-event.ts): they round-trip,
 * and what a member never writes is refused with MalformedMessageError before it is shown.
 */
import { describe, expect, it } from 'vitest'
import { ATTACHMENT_CHUNK_SIZE, MAX_ROOM_MENTIONS } from '../../protocol/limits.ts'
import { DmAttachment, DmTextStyle } from '../../protocol/proto/dm.ts'
import { RoomActionType, RoomContent } from '../../protocol/proto/room.ts'
import { decodeRoomContent, encodeRoomContent } from '../../protocol/rooms/index.ts'

const bytes = (length: number, fill: number) => new Uint8Array(length).fill(fill)
const offer = {
  fileId: bytes(16, 1),
  name: 'cat.png',
  mime: 'image/png',
  size: 100_000,
  sha256: bytes(32, 2),
  key: bytes(32, 3),
  chunkSize: ATTACHMENT_CHUNK_SIZE,
  width: 640,
  height: 480,
}

describe('room content: style, file, mentions', () => {
  it('round-trips a styled caption with a file and two mentions', () => {
    const content = {
      text: 'look @bob @carol',
      style: { bold: true, color: 0xff8800, size: 14 },
      attachment: offer,
      mentions: [bytes(32, 7), bytes(32, 8)],
    }
    expect(decodeRoomContent(encodeRoomContent(content))).toEqual(content)
  })

  it('refuses an inline file, a long caption, bad mentions and extras on an action', () => {
    const decode = (content: Partial<RoomContent>) =>
      decodeRoomContent(RoomContent.encode({ text: '', ...content }))
    const inline = DmAttachment.encode({
      ...offer,
      key: new Uint8Array(0),
      chunkSize: 0,
      size: 4,
      inlineData: bytes(4, 9),
    })
    expect(() => decode({ attachment: inline })).toThrow(/never inline/)
    const file = DmAttachment.encode({ ...offer, inlineData: new Uint8Array(0) })
    expect(() => decode({ attachment: file, text: 'x'.repeat(4097) })).toThrow(/at most 4096/)
    expect(() => decode({ mentions: [bytes(31, 1)] })).toThrow(/32-byte account key/)
    const many = Array.from({ length: MAX_ROOM_MENTIONS + 1 }, (_, i) => bytes(32, i))
    expect(() => decode({ mentions: many })).toThrow(/at most 50 members/)
    expect(() =>
      decode({ style: DmTextStyle.encode({ bold: false, italic: false, size: 99 }) }),
    ).toThrow(/font size/)
    const recall = { target: bytes(32, 7), type: RoomActionType.ROOM_RECALL, emoji: '' }
    expect(() => decode({ action: recall, mentions: [bytes(32, 1)] })).toThrow(/no reply/)
  })
})
