/**
 * `@name` in a room's composer: while the word at the cursor starts with `@`, the members
 * whose name matches it are listed; Arrow keys move, Enter or Tab picks, Escape closes, a
 * click picks. A pick writes `@Name ` in the text and remembers the member; the message
 * names (by account key) the members picked whose `@Name` is still in the text when sent.
 */
import { useState } from 'preact/hooks'
import { t } from '../i18n/i18n.ts'
import { type Mentionable, mentionQueryAt } from '../mentions.ts'

/** Members listed at most. */
const SHOWN = 6

export interface MentionState {
  /** Handles a key in the text area; true when it was the picker's. */
  onKeyDown(event: KeyboardEvent): boolean
  /** The list to render above the text, or null. */
  list: preact.JSX.Element | null
  /** The id of the member the keys would pick now (the text area's active descendant). */
  activeId?: string
  /** The members picked so far, by name. */
  picked: ReadonlyMap<string, string>
  reset(): void
}

export function useMentions(
  members: readonly Mentionable[] | undefined,
  text: string,
  caret: number,
  replace: (start: number, end: number, insert: string) => void,
): MentionState {
  const [picked, setPicked] = useState<ReadonlyMap<string, string>>(new Map())
  const [active, setActive] = useState(0)
  const [closedAt, setClosedAt] = useState<number | null>(null)
  const at = members == null ? null : mentionQueryAt(text, caret)
  const folded = at?.query.toLocaleLowerCase() ?? ''
  const matches =
    at == null || closedAt === at.start
      ? []
      : (members ?? [])
          .filter((member) => member.name.toLocaleLowerCase().includes(folded))
          .slice(0, SHOWN)
  const current = Math.min(active, Math.max(0, matches.length - 1))

  const pick = (member: Mentionable) => {
    if (at == null) return
    replace(at.start, caret, `@${member.name} `)
    setPicked((now) => new Map(now).set(member.name, member.key))
    setActive(0)
  }

  const onKeyDown = (event: KeyboardEvent): boolean => {
    if (matches.length === 0 || at == null) return false
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const step = event.key === 'ArrowDown' ? 1 : matches.length - 1
      setActive((current + step) % matches.length)
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      pick(matches[current])
    } else if (event.key === 'Escape') {
      setClosedAt(at.start)
    } else {
      return false
    }
    event.preventDefault()
    return true
  }

  const list =
    matches.length === 0 ? null : (
      <div class="mention-list" role="listbox" aria-label={t('composer.mention')}>
        {matches.map((member, i) => (
          <div
            key={member.key}
            tabIndex={-1}
            id={`mention-${member.key}`}
            role="option"
            aria-selected={i === current}
            class="mention-option"
            data-testid="mention-option"
            onMouseDown={(event) => {
              // Keeps the focus (and the caret) in the text while picking.
              event.preventDefault()
              pick(member)
            }}
          >
            @{member.name}
          </div>
        ))}
      </div>
    )
  return {
    onKeyDown,
    list,
    activeId: matches.length === 0 ? undefined : `mention-${matches[current].key}`,
    picked,
    reset: () => setPicked(new Map()),
  }
}
