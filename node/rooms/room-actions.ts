/**
 * Message actions in rooms (doc/message-actions.md): edit, recall and react, each a room
 * message of its own whose content names its target; and what they did to each message.
 *
 * Guarantees, and how:
 * - an action never applies before its target: the room shows an event only once everything
 *   it links is here, and an action's author had the target (it acted on it), so the target
 *   is before the action in the room's total order. What the actions did is a fold over the
 *   visible events in that order (`effectsOf`), so an action whose target is still missing
 *   changes nothing until the target is shown, then takes effect, with no buffer of its own:
 *   it is bounded by the room's log;
 * - the same rule as 1:1 (protocol/message-actions.ts `judgeAction`): only the author edits
 *   or recalls (the member: any of its enrolled devices, member-devices.ts; a member has one
 *   reaction per message whichever device gave it), a recall within the window of the target's sending (both on the author's
 *   clock), nothing changes a recalled message; every member folds the same events the same
 *   way, so all agree;
 * - a recall takes the content from memory and disk the first time the fold meets it, as a
 *   1:1 recall does: the message's text and its extras (file and its key, style, reply,
 *   mentions, forward mark), and the words of every edit of it.
 */
import { MAX_QUOTE_PREVIEW_LENGTH, RECALL_WINDOW_MS } from '../../protocol/limits.ts'
import type { QuoteView, RoomMessageView } from '../../protocol/local-api.ts'
import {
  type ActionType,
  checkReaction,
  judgeAction,
  withReaction,
} from '../../protocol/message-actions.ts'
import { styleToView } from '../../protocol/rich-content.ts'
import { memberOf, type SignedRoomEvent } from '../../protocol/rooms/index.ts'
import { attachmentView } from '../messaging/index.ts'
import {
  RoomActionPermissionError,
  RoomActionRefusedError,
  RoomMessageNotFoundError,
} from './errors.ts'
import type { RoomRuntime } from './room-runtime.ts'
import { RoomStore, type RoomWrite } from './room-store.ts'
import type { RoomViews } from './room-views.ts'

/** What the actions did to one message. */
export interface RoomEffects {
  text?: string
  editedAt?: number
  recalled?: boolean
  /** Author hex -> emoji. */
  reactions?: Record<string, string>
}

interface Folded {
  key: string
  effects: Map<string, RoomEffects>
}

const folds = new WeakMap<RoomRuntime, Folded>()

/** True for a message that is an action on another (not shown in the history itself). */
export function isAction(room: RoomRuntime, idHex: string): boolean {
  return room.extras.get(idHex)?.action != null
}

/**
 * What the visible actions did, by target id; `isShown` says which events are visible.
 * Recomputed when the room's log or texts change; `persist` takes the writes that delete a
 * recalled text.
 */
/** The member an event is from: its author, or the account of the enrolled device that wrote it. */
export function memberAt(room: RoomRuntime, event: SignedRoomEvent): string {
  return memberOf(room.log.stateBefore(event), event.authorHex) ?? event.authorHex
}

export function effectsOf(
  room: RoomRuntime,
  isShown: (event: SignedRoomEvent) => boolean,
  persist: (writes: RoomWrite[]) => void,
  recallWindowMs = RECALL_WINDOW_MS,
): Map<string, RoomEffects> {
  const ordered = room.log.ordered()
  const key = `${ordered.length}|${room.texts.size}|${room.extras.size}|${room.shown.size}`
  const cached = folds.get(room)
  if (cached?.key === key) return cached.effects
  const effects = new Map<string, RoomEffects>()
  const writes: RoomWrite[] = []
  /** Target id -> the edits of it, whose words a recall takes too. */
  const edits = new Map<string, string[]>()
  for (const event of ordered) {
    const action = room.extras.get(event.idHex)?.action
    if (action == null || !isShown(event)) continue
    const target = room.log.get(action.target)
    if (target == null || isAction(room, target.idHex) || !isShown(target)) continue
    const now = effects.get(target.idHex) ?? {}
    const text = room.texts.get(event.idHex) ?? ''
    if (action.type === 'edit')
      edits.set(target.idHex, [...(edits.get(target.idHex) ?? []), event.idHex])
    const verdict = judgeAction(
      { type: action.type, sentAt: event.event.sentAtMs, text },
      {
        byActor: memberAt(room, target) === memberAt(room, event),
        sentAt: target.event.sentAtMs,
        recalled: now.recalled === true,
        hasAttachment: room.extras.get(target.idHex)?.attachment != null,
      },
      recallWindowMs,
    )
    if (!verdict.ok) continue
    if (action.type === 'edit') {
      effects.set(target.idHex, { ...now, text, editedAt: event.event.sentAtMs })
    } else if (action.type === 'recall') {
      effects.set(target.idHex, { recalled: true })
      writes.push(...eraseContent(room, [target.idHex, ...(edits.get(target.idHex) ?? [])]))
    } else {
      const reactions = withReaction(now.reactions, memberAt(room, event), action.emoji ?? '')
      effects.set(target.idHex, { ...now, reactions })
    }
  }
  if (writes.length > 0) persist(writes)
  folds.set(room, { key, effects })
  return effects
}

/** Empties the texts of `ids` and drops their extras (none is an action): the writes. */
function eraseContent(room: RoomRuntime, ids: string[]): RoomWrite[] {
  const roomId = room.log.roomIdHex
  const writes: RoomWrite[] = []
  for (const id of ids) {
    if ((room.texts.get(id) ?? '') !== '') {
      room.texts.set(id, '')
      writes.push(RoomStore.text(roomId, id, ''))
    }
    const extras = room.extras.get(id)
    if (extras == null) continue
    // An edit keeps what makes it an action; the recalled message keeps nothing.
    if (extras.action != null) continue
    room.extras.delete(id)
    writes.push(RoomStore.extras(roomId, id))
  }
  return writes
}

/** `view` with what actions did to it, what it answers, and its forward mark. */
export function decorate(
  room: RoomRuntime,
  view: RoomMessageView,
  effects: Map<string, RoomEffects>,
  selfHex: string,
  peerIdOf: (keyHex: string) => string,
): RoomMessageView {
  const extras = room.extras.get(view.id)
  const done = effects.get(view.id)
  const out = { ...view }
  if (extras?.forwarded === true) out.forwarded = true
  if (extras?.replyTo != null) out.replyTo = quoteOf(room, extras.replyTo, effects, peerIdOf)
  if (extras?.style != null) out.style = styleToView(extras.style)
  if (extras?.attachment != null) out.attachment = attachmentView(extras.attachment)
  if (extras?.mentions != null) {
    out.mentions = extras.mentions
    if (extras.mentions.includes(selfHex)) out.mentionsMe = true
  }
  if (done?.recalled === true) {
    const { style: _s, attachment: _a, mentions: _m, mentionsMe: _me, ...kept } = out
    return { ...kept, text: '', recalled: true, replyTo: undefined }
  }
  if (done?.text != null) out.text = done.text
  if (done?.editedAt != null) out.editedAt = done.editedAt
  if (done?.reactions != null) {
    out.reactions = Object.entries(done.reactions).map(([author, emoji]) => ({
      emoji,
      mine: author === selfHex,
      from: peerIdOf(author),
    }))
  }
  return out
}

function quoteOf(
  room: RoomRuntime,
  idHex: string,
  effects: Map<string, RoomEffects>,
  peerIdOf: (keyHex: string) => string,
): QuoteView {
  const target = room.log.get(idHex)
  const text = room.texts.get(idHex)
  if (target == null || text == null) return { id: idHex }
  const done = effects.get(idHex)
  if (done?.recalled === true)
    return { id: idHex, from: peerIdOf(memberAt(room, target)), recalled: true }
  const words = done?.text ?? text
  return {
    id: idHex,
    from: peerIdOf(memberAt(room, target)),
    text: [...words].slice(0, MAX_QUOTE_PREVIEW_LENGTH).join(''),
  }
}

/** An action the user asks for; `text` for an edit, `emoji` for a reaction ('' removes it). */
export interface RoomActionRequest {
  type: ActionType
  text?: string
  emoji?: string
}

/**
 * The shown message `id` our action may change, by the rule the other members apply.
 * Throws RoomMessageNotFoundError, RoomActionPermissionError, RoomActionRefusedError.
 */
export function checkRoomAction(
  room: RoomRuntime,
  views: Pick<RoomViews, 'isVisible' | 'effects'>,
  selfHex: string,
  id: string,
  request: RoomActionRequest,
  recallWindowMs = RECALL_WINDOW_MS,
): SignedRoomEvent {
  const target = room.log.get(id)
  if (target?.event.message == null || isAction(room, id) || !views.isVisible(room, target)) {
    throw new RoomMessageNotFoundError(`no message ${id} in this room`)
  }
  if (request.type === 'react') {
    try {
      checkReaction(request.emoji ?? '')
    } catch (err) {
      throw new RoomActionRefusedError((err as Error).message)
    }
  }
  const recalled = views.effects(room).get(id)?.recalled === true
  const byActor = memberAt(room, target) === (room.log.memberOf(selfHex) ?? selfHex)
  const verdict = judgeAction(
    { type: request.type, sentAt: Date.now(), text: request.text ?? '' },
    {
      byActor,
      sentAt: target.event.sentAtMs,
      recalled,
      hasAttachment: room.extras.get(id)?.attachment != null,
    },
    recallWindowMs,
  )
  if (verdict.ok) return target
  if (!byActor || recalled) throw new RoomActionPermissionError(verdict.reason)
  throw new RoomActionRefusedError(verdict.reason)
}
