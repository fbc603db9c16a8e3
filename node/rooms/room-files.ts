/**
 * What the node's attachments ask of rooms for files sent to a room (doc/rooms.md, "Files,
 * styles and mentions"): which shown messages carry a file (with the key its transfer
 * needs), and who may fetch a room's files from us and from whom we may fetch them.
 *
 * How it is kept: only messages the room shows (decrypted, valid at their place, not
 * actions) are offered; a file of a room is served only to a key that reads the room now
 * (a member's account key, an enrolled device of a member, or one of our own devices),
 * judged from the membership at the end of the log, so a removed member is refused at once.
 */
import type { StoredAttachment } from '../messaging/index.ts'
import { type RoomRuntime, readers } from './room-runtime.ts'
import type { RoomViews } from './room-views.ts'

/** A room message's file, as attachments take it. */
export interface RoomFileOffer {
  roomId: string
  /** The message (event id, hex). */
  messageId: string
  /** The device that wrote it: the first member to ask for the bytes. */
  authorHex: string
  /** Whether it is ours (sent by this device). */
  mine: boolean
  attachment: StoredAttachment
}

/** The files of the room's shown messages, oldest first; or of one message (`onlyId`). */
export function roomFileOffers(
  room: RoomRuntime,
  views: RoomViews,
  selfHex: string,
  onlyId?: string,
): RoomFileOffer[] {
  const events =
    onlyId == null
      ? views.visible(room)
      : views.visible(room).filter((event) => event.idHex === onlyId)
  const offers: RoomFileOffer[] = []
  for (const event of events) {
    const attachment = room.extras.get(event.idHex)?.attachment
    if (attachment == null || views.effects(room).get(event.idHex)?.recalled === true) continue
    offers.push({
      roomId: room.log.roomIdHex,
      messageId: event.idHex,
      authorHex: event.authorHex,
      mine: event.authorHex === selfHex,
      attachment,
    })
  }
  return offers
}

/** Every key but ours that reads the room now: who may ask us for its files. */
export function roomReaders(room: RoomRuntime, selfHex: string, ownDevices: string[]): string[] {
  if (room.log.memberOf(selfHex) == null) return []
  return readers(room.log.membership(), selfHex, ownDevices)
}
