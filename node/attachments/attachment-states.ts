/**
 * Where each listed message's file stands (pending, transferring, complete, failed), filled
 * in from the transfer records: history pages of 1:1 chats and rooms keep no transfer state.
 */
import type { AttachmentState, AttachmentView } from '../../protocol/local-api.ts'

export type AttachmentStateOf = (fileId: string) => Promise<AttachmentState | undefined>

export async function fillAttachmentStates(
  messages: ReadonlyArray<{ attachment?: AttachmentView }>,
  stateOf: AttachmentStateOf | undefined,
): Promise<void> {
  if (stateOf == null) return
  for (const message of messages) {
    if (message.attachment == null) continue
    const state = await stateOf(message.attachment.fileId)
    if (state != null) message.attachment.state = state
  }
}
