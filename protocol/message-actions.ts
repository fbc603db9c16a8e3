/**
 * Message actions (doc/message-actions.md): edit, recall and react, as the wire carries them
 * and the one rule both ends apply before an action takes effect. The sender's node checks an
 * action with `judgeAction` before it sends it (and says why not); the receiving node checks
 * it again with the same rule, so a sender that skips the check changes nothing on the other
 * side. Pure: the node and the rooms pass the target's facts in.
 */
import { MalformedMessageError } from './errors.ts'
import {
  MAX_ATTACHMENT_CAPTION_SIZE,
  MAX_DM_TEXT_SIZE,
  MAX_REACTION_SIZE,
  RECALL_WINDOW_MS,
} from './limits.ts'

export type ActionType = 'edit' | 'recall' | 'react'

/** An action on the message `target` (its 16-byte id); an edit's new words travel beside it. */
export interface WireAction {
  type: ActionType
  target: Uint8Array
  /** For `react`: the emoji; empty removes the sender's reaction. */
  emoji?: string
}

/** What the rule needs to know of the message acted on. */
export interface ActionTarget {
  /** The action's sender wrote the target. */
  byActor: boolean
  /** The target's sending time, on its author's clock. */
  sentAt: number
  recalled: boolean
  hasAttachment: boolean
}

export type ActionVerdict = { ok: true } | { ok: false; reason: string }

/**
 * Whether an action may change its target: only the author edits or recalls, a recall only
 * within `recallWindowMs` of the target's sending (both times on the author's clock, the
 * only ones both ends know alike), nothing changes a recalled message, and an edit keeps the
 * size its message may have.
 */
export function judgeAction(
  action: { type: ActionType; sentAt: number; text?: string },
  target: ActionTarget,
  recallWindowMs = RECALL_WINDOW_MS,
): ActionVerdict {
  if (target.recalled) return { ok: false, reason: 'the message was recalled' }
  if (action.type === 'react') return { ok: true }
  if (!target.byActor) return { ok: false, reason: `only its author may ${action.type} a message` }
  if (action.type === 'recall') {
    return action.sentAt - target.sentAt <= recallWindowMs
      ? { ok: true }
      : {
          ok: false,
          reason: `a message may be recalled within ${recallWindowMs / 1000} s of its sending`,
        }
  }
  const size = utf8.encode(action.text ?? '').length
  const max = target.hasAttachment ? MAX_ATTACHMENT_CAPTION_SIZE : MAX_DM_TEXT_SIZE
  if ((size === 0 && !target.hasAttachment) || size > max) {
    return { ok: false, reason: `an edited text is 1..${max} bytes` }
  }
  return { ok: true }
}

/** Throws MalformedMessageError unless `emoji` is empty or one short run without spaces. */
export function checkReaction(emoji: string): void {
  if (utf8.encode(emoji).length > MAX_REACTION_SIZE || /[\s\p{Cc}]/u.test(emoji)) {
    throw new MalformedMessageError(
      `a reaction is one emoji of at most ${MAX_REACTION_SIZE} bytes, without spaces`,
    )
  }
}

/**
 * Reactions on a message by who reacted, after `who` set `emoji` (empty: removed); one per
 * person, so a new one replaces theirs. Undefined when none is left.
 */
export function withReaction(
  reactions: Readonly<Record<string, string>> | undefined,
  who: string,
  emoji: string,
): Record<string, string> | undefined {
  const next = { ...reactions }
  if (emoji === '') delete next[who]
  else next[who] = emoji
  return Object.keys(next).length === 0 ? undefined : next
}

const utf8 = new TextEncoder()
