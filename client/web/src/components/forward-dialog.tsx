/**
 * Forwarding a message: the conversations to pick from (all but the one it is in); a pick
 * sends its text there, marked as forwarded in a 1:1 chat (rooms carry plain text).
 */
import { useEffect, useState } from 'preact/hooks'
import type { ConversationListItem } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { describeError } from '../errors.ts'
import { t } from '../i18n/i18n.ts'
import { displayName, type Person } from '../people.ts'
import { ErrorText } from './error-text.tsx'

interface ForwardDialogProps {
  client: WebApiClient
  text: string
  /** The conversation the message is in: not offered. */
  from: string
  people: ReadonlyMap<string, Person>
  onDone: () => void
}

export function ForwardDialog({ client, text, from, people, onDone }: ForwardDialogProps) {
  const [targets, setTargets] = useState<ConversationListItem[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    client.conversations().then(
      ({ conversations }) => setTargets(conversations.filter((c) => c.id !== from)),
      (err: unknown) => setError(describeError(err)),
    )
  }, [client, from])
  const forward = async (target: ConversationListItem) => {
    try {
      if (target.kind === 'room') await client.sendRoomMessage(target.id, text)
      else await client.sendMessage(target.id, text, undefined, { forwarded: true })
      onDone()
    } catch (err) {
      setError(describeError(err))
    }
  }
  const nameOf = (target: ConversationListItem) =>
    target.kind === 'room'
      ? `# ${target.name}`
      : displayName(people.get(target.id) ?? { peerId: target.id, name: null })
  return (
    <div class="forward-dialog" role="dialog" aria-label={t('actions.forwardTo')}>
      <p class="forward-title">{t('actions.forwardTo')}</p>
      {targets == null && error == null && <p>{t('chat.loading')}</p>}
      {targets?.length === 0 && <p>{t('actions.forwardNowhere')}</p>}
      <ul class="forward-list">
        {targets?.map((target) => (
          <li key={`${target.kind}:${target.id}`}>
            <button type="button" class="button-quiet" onClick={() => void forward(target)}>
              {nameOf(target)}
            </button>
          </li>
        ))}
      </ul>
      <ErrorText message={error} />
      <button type="button" class="button-quiet" onClick={onDone}>
        {t('actions.cancel')}
      </button>
    </div>
  )
}
