import { MessageStore } from '../../node/messaging/message-store.ts'
import type { Storage } from '../../node/storage.ts'

/** Writes one received message into `storage`'s history, as a data dir before sealing held it. */
export async function writeHistoryText(
  storage: Storage,
  peer: string,
  text: string,
): Promise<void> {
  const messages = new MessageStore(storage.sublevel('messaging'))
  await storage.sublevel('messaging').batch([
    messages.historyOp(peer, 1, {
      id: 'm1',
      direction: 'in',
      seq: 1,
      text,
      sentAt: 1,
      storedAt: 2,
    }),
  ])
}
