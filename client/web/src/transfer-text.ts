/** The words under a file's progress bar in a chat: how far it is, and why it waits. */
import type { TransferView } from '../../../protocol/local-api.ts'
import { t } from './i18n/i18n.ts'

export interface TransferText {
  /** How much has travelled, or, before anything is known, that it waits for both sides. */
  progress: string
  /** Why the file is not moving now, as a sentence; null while it moves. */
  waiting: string | null
}

/**
 * What to show for a file of `size` bytes: `transfer` is the latest transfer event for it, if
 * one came while the chat was open.
 */
export function transferText(size: number, transfer?: TransferView): TransferText {
  const waiting = waitingSentence(transfer?.waiting)
  // The node's reason, when it gives one, says more than the generic line.
  const progress =
    waiting == null && (transfer == null || transfer.state === 'pending')
      ? t('transfer.waitingForBoth')
      : t('transfer.progress', {
          done: formatBytes(transfer?.bytes ?? 0),
          total: formatBytes(size),
        })
  return { progress, waiting }
}

/**
 * The node words `TransferView.waiting` for users but as a clause ("the sender cannot be
 * reached now: …"); on its own line under the bar it reads as a sentence.
 */
function waitingSentence(waiting: string | undefined): string | null {
  const reason = waiting?.trim() ?? ''
  if (reason === '') return null
  const sentence = reason[0].toUpperCase() + reason.slice(1)
  return /[.!?…]$/.test(sentence) ? sentence : `${sentence}.`
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}
