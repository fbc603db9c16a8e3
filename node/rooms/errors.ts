/** Errors of the room service; each `name` is stable for the API, the CLI and tests. */
import { NodeError } from '../errors.ts'

export class RoomError extends NodeError {
  override name = 'RoomError'
}

/** No room with that id on this node (never joined, or a typo in the id). */
export class RoomNotFoundError extends RoomError {
  override name = 'RoomNotFoundError'
}

/** The key named is not a member of the room. */
export class MemberNotFoundError extends RoomError {
  override name = 'MemberNotFoundError'
}

/** We are not (or no longer) a member of the room. */
export class NotRoomMemberError extends RoomError {
  override name = 'NotRoomMemberError'
}

/** The operation needs a role we do not hold (admin or owner). */
export class RoomPermissionError extends RoomError {
  override name = 'RoomPermissionError'
}

/** Joining an invite-only room with only its id: an invite code is needed. */
export class InviteRequiredError extends RoomError {
  override name = 'InviteRequiredError'
}

/** A history cursor (`before`) that names no message of the room: pass an earlier `nextBefore`. */
export class RoomHistoryCursorError extends RoomError {
  override name = 'RoomHistoryCursorError'
}

/** No member could be reached to fetch the room from. */
export class RoomUnreachableError extends RoomError {
  override name = 'RoomUnreachableError'
}

/** Rooms were used after the node stopped. */
export class RoomsStoppedError extends RoomError {
  override name = 'RoomsStoppedError'
}

/** No message with that id is shown in the room. */
export class RoomMessageNotFoundError extends RoomError {
  override name = 'RoomMessageNotFoundError'
}

/** Only a message's author edits or recalls it; nothing changes a recalled one. */
export class RoomActionPermissionError extends RoomError {
  override name = 'RoomActionPermissionError'
}

/** A recall past RECALL_WINDOW_MS, or an edit of a size a message may not have. */
export class RoomActionRefusedError extends RoomError {
  override name = 'RoomActionRefusedError'
}
