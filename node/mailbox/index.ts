/**
 * The offline mailbox: encrypted envelopes for offline recipients wait in the DHT, under
 * keys only sender and recipient can compute, on several peers, until the recipient
 * collects and acknowledges them. First contact goes through the recipient's public inbox,
 * sealed to the recipient. doc/mailbox.md describes the design; protocol/mailbox.ts the
 * records; dht-validators.ts the rules every host applies to them.
 *
 * @example
 * ```ts
 * import { OfflineMailbox } from './node/mailbox/index.ts'
 *
 * const mailbox = new OfflineMailbox({ host, identity, store: storage.sublevel('mailbox') })
 * await mailbox.start()
 * mailbox.addEventListener('mailbox:collected', (evt) => markDelivered(evt.detail.slotId))
 *
 * // sender, recipient offline
 * const { slotId, confirmed } = await mailbox.deposit(bob.publicKey, envelope)
 *
 * // recipient, later
 * for (const item of await mailbox.collect([alice.publicKey])) {
 *   await storeDurably(item.sender, item.envelope)
 *   await mailbox.acknowledge(item.slotId)
 * }
 * ```
 */
export {
  type Clock,
  tokenimDhtSelectors,
  tokenimDhtValidators,
} from '../../network/dht-rules/validators.ts'
export * from './errors.ts'
export type {
  CollectedEnvelope,
  CollectOptions,
  DepositResult,
  MailboxRecipients,
  OfflineMailboxComponents,
  OfflineMailboxEvents,
  OfflineMailboxInit,
  PendingDeposit,
} from './mailbox-types.ts'
export { OfflineMailbox } from './offline-mailbox.ts'
export { advanceCursor } from './sender-cursor.ts'
