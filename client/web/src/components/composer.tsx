/**
 * Writing a message: Enter sends, Shift+Enter starts a new line; an emoji picker inserts at
 * the cursor. 1:1 chats and rooms also offer the text's look (bold, italic, colour, size) and
 * a file or image to send with it; rooms `@name` a member (mention-picker.tsx). Above the
 * text, the chat may show what the message answers or edits (`banner`), and put a draft in
 * (`draft`, e.g. the text being edited).
 */
import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { MAX_STYLE_FONT_SIZE, MIN_STYLE_FONT_SIZE } from '../../../../protocol/limits.ts'
import type { MessageStyle } from '../../../../protocol/local-api.ts'
import { cssOfStyle } from '../chat-entries.ts'
import { t } from '../i18n/i18n.ts'
import { type Mentionable, mentionedKeys } from '../mentions.ts'
import { useMentions } from './mention-picker.tsx'
import { EmojiPicker } from './message-actions.tsx'

const SIZES = [8, 10, 12, 14, 18, 24, 32].filter(
  (size) => size >= MIN_STYLE_FONT_SIZE && size <= MAX_STYLE_FONT_SIZE,
)
const DEFAULT_COLOUR = '#000000'

interface ComposerProps {
  /** Offers the text's look (not while editing: an edit changes the words only). */
  rich: boolean
  disabled?: boolean
  /**
   * Resolves once the node took the message; the text is kept if it rejects. `mentions`:
   * account keys of the members picked with `@` whose names are still in the text.
   */
  onSend: (text: string, style: MessageStyle | undefined, mentions: string[]) => Promise<void>
  /** Rooms: the members `@` may name (not ourselves). */
  mentionables?: readonly Mentionable[]
  onFile?: (file: File) => void
  /** Shown above the text: the message being answered or edited, with a way to cancel. */
  banner?: ComponentChildren
  /** Replaces the text when its `key` changes. */
  draft?: { key: string; text: string }
  /** Told each change of the text, sending included (it empties it). */
  onTextChange?: (text: string) => void
}

export function Composer(props: ComposerProps) {
  const { rich, disabled, onSend, onFile, banner, draft, onTextChange } = props
  const [text, setText] = useState('')
  const [caret, setCaret] = useState(0)
  const textArea = useRef<HTMLTextAreaElement>(null)
  /** Puts `insert` in place of text[start, end) and the cursor after it. */
  const replace = (start: number, end: number, insert: string) => {
    setText(text.slice(0, start) + insert + text.slice(end))
    setCaret(start + insert.length)
    requestAnimationFrame(() => {
      textArea.current?.focus()
      textArea.current?.setSelectionRange(start + insert.length, start + insert.length)
    })
  }
  const mentions = useMentions(props.mentionables, text, caret, replace)
  useEffect(() => onTextChange?.(text), [text])
  useEffect(() => {
    if (draft == null) return
    setText(draft.text)
    textArea.current?.focus()
  }, [draft?.key])

  /** Puts `emoji` where the cursor is (or at the end). */
  const insert = (emoji: string) => {
    const element = textArea.current
    replace(element?.selectionStart ?? text.length, element?.selectionEnd ?? text.length, emoji)
  }
  const [style, setStyle] = useState<MessageStyle>({})
  const [sending, setSending] = useState(false)
  const fileInput = useRef<HTMLInputElement>(null)

  const send = async () => {
    if (text.trim() === '' || sending) return
    setSending(true)
    try {
      await onSend(
        text,
        rich && Object.keys(style).length > 0 ? style : undefined,
        mentionedKeys(text, mentions.picked),
      )
      setText('')
      mentions.reset()
    } catch {
      // The chat shows the error; the text stays for another try.
    } finally {
      setSending(false)
    }
  }

  const toggle = (key: 'bold' | 'italic') =>
    setStyle(({ [key]: on, ...rest }) => (on ? rest : { ...rest, [key]: true }))

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault()
        void send()
      }}
    >
      {rich && (
        <div class="composer-tools" role="toolbar" aria-label={t('composer.textStyle')}>
          <button
            type="button"
            class="tool tool-bold"
            aria-pressed={style.bold === true}
            onClick={() => toggle('bold')}
          >
            <span aria-hidden="true">B</span>
            <span class="visually-hidden">{t('composer.bold')}</span>
          </button>
          <button
            type="button"
            class="tool tool-italic"
            aria-pressed={style.italic === true}
            onClick={() => toggle('italic')}
          >
            <span aria-hidden="true">I</span>
            <span class="visually-hidden">{t('composer.italic')}</span>
          </button>
          <label class="tool">
            <span class="visually-hidden">{t('composer.colour')}</span>
            <input
              type="color"
              value={style.color ?? DEFAULT_COLOUR}
              onInput={(event) => {
                const color = event.currentTarget.value
                setStyle(({ color: _, ...rest }) =>
                  color === DEFAULT_COLOUR ? rest : { ...rest, color },
                )
              }}
            />
          </label>
          <label class="tool">
            <span class="visually-hidden">{t('composer.size')}</span>
            <select
              value={style.size ?? ''}
              onChange={(event) => {
                const size = Number(event.currentTarget.value)
                setStyle(({ size: _, ...rest }) => (size > 0 ? { ...rest, size } : rest))
              }}
            >
              <option value="">{t('composer.normalSize')}</option>
              {SIZES.map((size) => (
                <option key={size} value={size}>
                  {t('composer.points', { size })}
                </option>
              ))}
            </select>
          </label>
          {onFile && (
            <>
              <button type="button" class="tool" onClick={() => fileInput.current?.click()}>
                <span aria-hidden="true">{t('composer.attach')}</span>
                <span class="visually-hidden">{t('composer.attachLabel')}</span>
              </button>
              <input
                ref={fileInput}
                type="file"
                class="visually-hidden"
                aria-label={t('composer.sendFile')}
                tabIndex={-1}
                onChange={(event) => {
                  const file = event.currentTarget.files?.[0]
                  event.currentTarget.value = ''
                  if (file != null) onFile(file)
                }}
              />
            </>
          )}
        </div>
      )}
      {banner}
      {mentions.list}
      <div class="composer-row">
        <EmojiPicker label={t('composer.emoji')} onPick={insert} />
        <label for="composer-text" class="visually-hidden">
          {t('composer.message')}
        </label>
        <textarea
          ref={textArea}
          id="composer-text"
          rows={2}
          placeholder={t('composer.placeholder')}
          value={text}
          style={rich ? cssOfStyle(style) : undefined}
          disabled={disabled}
          aria-activedescendant={mentions.activeId}
          onInput={(event) => {
            setText(event.currentTarget.value)
            setCaret(event.currentTarget.selectionStart ?? event.currentTarget.value.length)
          }}
          onSelect={(event) => setCaret(event.currentTarget.selectionStart ?? 0)}
          onKeyDown={(event) => {
            if (event.isComposing || mentions.onKeyDown(event)) return
            if (event.key === 'Enter' && !event.shiftKey) {
              event.preventDefault()
              void send()
            }
          }}
        />
        <button
          type="submit"
          class="button-primary"
          disabled={disabled || sending || text.trim() === ''}
        >
          {t('composer.send')}
        </button>
      </div>
    </form>
  )
}
