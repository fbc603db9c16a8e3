/**
 * Errors of the offline mailbox. Each has a stable `name`; expected network outcomes (a
 * deposit confirmed by fewer peers than wanted, a slot found empty) are returned as values.
 */
import { NodeError } from '../errors.ts'

export class MailboxError extends NodeError {
  override name = 'MailboxError'
}

/** The mailbox was used before `start()` or after `stop()`. */
export class MailboxNotStartedError extends MailboxError {
  override name = 'MailboxNotStartedError'

  constructor() {
    super('the offline mailbox is not running: start the node (or the mailbox) first')
  }
}

/** `acknowledge` or `withdraw` named a slot this node does not know. */
export class UnknownSlotError extends MailboxError {
  override name = 'UnknownSlotError'

  constructor(slotId: string, what: string) {
    super(
      `no ${what} in slot ${slotId}: it was never returned here, or was already acknowledged or withdrawn`,
    )
  }
}

/** Every inbox slot of the recipient's current week is taken (many requests, or a flood). */
export class InboxFullError extends MailboxError {
  override name = 'InboxFullError'

  constructor() {
    super(
      "the recipient's first-contact inbox is full this week; try again later, or reach them directly while they are online",
    )
  }
}
