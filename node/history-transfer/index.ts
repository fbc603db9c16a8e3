/**
 * History on a new device (doc/accounts.md, "History on a new device"): an account's device
 * hands its 1:1 history, end-to-end encrypted and page by page, to another of the account's
 * current devices that asks; the asking device stores it, resumes where a transfer stopped,
 * and reports its progress (`device:history` events).
 *
 * @example
 * ```ts
 * import { HistoryTransfer } from './node/history-transfer/index.ts'
 *
 * const history = new HistoryTransfer({ host, db: storage.sublevel('history'), pipeline, devices, hides, myKey, ownDevices, emit })
 * await history.start()
 * await history.request(30) // the last 30 days, from the device that linked this one
 * ```
 */
export { historyTransferRoutes } from './api-routes.ts'
export * from './errors.ts'
export {
  HistoryTransfer,
  type HistoryTransferComponents,
  type HistoryTransferInit,
} from './history-transfer.ts'
export { NO_TRANSFER, type TransferRecord, TransferRecordStore } from './transfer-record.ts'
