/**
 * What a message offers besides its text (doc/message-actions.md): the menu of actions (from
 * a button shown on hover or focus, or a long press / right click on the message), the quote
 * above a reply, the reactions under a message, and a small built-in emoji picker used by
 * the menu and the composer.
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import type { QuoteView, ReactionView } from '../../../../protocol/local-api.ts'
import { t } from '../i18n/i18n.ts'

/** The picker's set: common faces, hands, hearts and signs; no font or package needed. */
export const EMOJI = [
  '😀',
  '😂',
  '🤣',
  '😊',
  '😍',
  '😘',
  '😎',
  '🤔',
  '😮',
  '😢',
  '😭',
  '😡',
  '🥳',
  '😴',
  '🙃',
  '😅',
  '👍',
  '👎',
  '👏',
  '🙏',
  '👌',
  '✌️',
  '🤝',
  '💪',
  '❤️',
  '💔',
  '🔥',
  '✨',
  '🎉',
  '🎂',
  '🌹',
  '☕',
  '🍻',
  '✅',
  '❌',
  '💯',
] as const

/** Offered first in the menu: one click reacts. */
const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const

interface EmojiPickerProps {
  /** The button's accessible name. */
  label: string
  onPick: (emoji: string) => void
}

/** A button that opens a grid of emoji; a pick closes it. */
export function EmojiPicker({ label, onPick }: EmojiPickerProps) {
  const [open, setOpen] = useState(false)
  return (
    <div class="emoji-picker">
      <button
        type="button"
        class="tool"
        aria-expanded={open}
        aria-label={label}
        onClick={() => setOpen(!open)}
      >
        <span aria-hidden="true">😊</span>
      </button>
      {open && (
        <fieldset class="emoji-grid">
          <legend class="visually-hidden">{label}</legend>
          {EMOJI.map((emoji) => (
            <button
              key={emoji}
              type="button"
              class="emoji"
              aria-label={emoji}
              onClick={() => {
                setOpen(false)
                onPick(emoji)
              }}
            >
              {emoji}
            </button>
          ))}
        </fieldset>
      )}
    </div>
  )
}

export interface MessageMenuActions {
  onReply: () => void
  onCopy: () => void
  onForward: () => void
  /** Delete for me (1:1 chats). */
  onDelete?: () => void
  onReact: (emoji: string) => void
  /** Our own message, not recalled: edit. */
  onEdit?: () => void
  /** Our own message within the recall window. */
  onRecall?: () => void
}

interface MessageMenuProps extends MessageMenuActions {
  open: boolean
  onOpenChange: (open: boolean) => void
  /** Our reaction now, if any: picking it again removes it. */
  myReaction?: string
}

/** The "more" button of a message and, when open, its actions. */
export function MessageMenu(props: MessageMenuProps) {
  const { open, onOpenChange } = props
  const menu = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!open) return
    menu.current?.querySelector('button')?.focus()
    const close = (event: Event) => {
      if (!menu.current?.contains(event.target as Node)) onOpenChange(false)
    }
    document.addEventListener('pointerdown', close)
    return () => document.removeEventListener('pointerdown', close)
  }, [open])
  const act = (run: () => void) => () => {
    onOpenChange(false)
    run()
  }
  const react = (emoji: string) => act(() => props.onReact(emoji === props.myReaction ? '' : emoji))
  return (
    <span class="message-actions">
      <button
        type="button"
        class="message-more"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={t('actions.more')}
        onClick={() => onOpenChange(!open)}
      >
        <span aria-hidden="true">⋯</span>
      </button>
      {open && (
        <div
          ref={menu}
          class="message-menu"
          role="menu"
          aria-label={t('actions.menu')}
          onKeyDown={(event) => event.key === 'Escape' && onOpenChange(false)}
        >
          <fieldset class="message-menu-reactions">
            <legend class="visually-hidden">{t('actions.react')}</legend>
            {QUICK_REACTIONS.map((emoji) => (
              <button
                key={emoji}
                type="button"
                role="menuitemradio"
                aria-checked={emoji === props.myReaction}
                class="emoji"
                aria-label={t('actions.reactWith', { emoji })}
                onClick={react(emoji)}
              >
                {emoji}
              </button>
            ))}
            <EmojiPicker label={t('actions.moreEmoji')} onPick={(emoji) => react(emoji)()} />
          </fieldset>
          <button type="button" role="menuitem" onClick={act(props.onReply)}>
            {t('actions.reply')}
          </button>
          {props.onEdit != null && (
            <button type="button" role="menuitem" onClick={act(props.onEdit)}>
              {t('actions.edit')}
            </button>
          )}
          {props.onRecall != null && (
            <button type="button" role="menuitem" onClick={act(props.onRecall)}>
              {t('actions.recall')}
            </button>
          )}
          <button type="button" role="menuitem" onClick={act(props.onCopy)}>
            {t('actions.copy')}
          </button>
          <button type="button" role="menuitem" onClick={act(props.onForward)}>
            {t('actions.forward')}
          </button>
          {props.onDelete != null && (
            <button type="button" role="menuitem" onClick={act(props.onDelete)}>
              {t('actions.delete')}
            </button>
          )}
        </div>
      )}
    </span>
  )
}

interface QuoteProps {
  quote: QuoteView
  /** Who wrote the quoted message, in words ("You" or a name); absent when unknown. */
  author?: string
}

/** The start of the message a reply answers, above the reply. */
export function Quote({ quote, author }: QuoteProps) {
  let text: string
  if (quote.recalled === true) text = t('actions.recalled')
  else if (quote.text != null && quote.text !== '') text = quote.text
  else if (quote.attachmentName != null) text = quote.attachmentName
  else text = t('actions.quoteGone')
  return (
    <blockquote class="message-quote" data-testid="message-quote">
      {author != null && <span class="message-quote-author">{author}</span>}
      <span class="message-quote-text" dir="auto">
        {text}
      </span>
    </blockquote>
  )
}

/** The reactions under a message, one chip per emoji with how many chose it. */
export function Reactions({ reactions }: { reactions: readonly ReactionView[] }) {
  const counts = new Map<string, { count: number; mine: boolean }>()
  for (const { emoji, mine } of reactions) {
    const seen = counts.get(emoji) ?? { count: 0, mine: false }
    counts.set(emoji, { count: seen.count + 1, mine: seen.mine || mine })
  }
  return (
    <ul class="message-reactions" data-testid="reactions" aria-label={t('actions.reactions')}>
      {[...counts].map(([emoji, { count, mine }]) => (
        <li key={emoji} class="reaction" data-mine={mine}>
          {emoji}
          {count > 1 && <span class="reaction-count">{count}</span>}
        </li>
      ))}
    </ul>
  )
}
