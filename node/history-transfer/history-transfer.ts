/**
 * History on a new device (doc/accounts.md, "History on a new device"): this device both
 * hands its 1:1 history to the account's other devices that ask (history-holder.ts) and asks
 * one of them for theirs (history-asker.ts). One part of the node, started after messaging.
 */
import type { HistoryChoice, HistoryTransferStatus } from '../../protocol/local-api.ts'
import {
  HistoryAsker,
  type HistoryAskerComponents,
  type HistoryAskerInit,
} from './history-asker.ts'
import {
  HistoryHolder,
  type HistoryHolderComponents,
  type HistoryHolderInit,
} from './history-holder.ts'

export type HistoryTransferComponents = HistoryHolderComponents &
  HistoryAskerComponents & {
    host: HistoryHolderComponents['host'] & HistoryAskerComponents['host']
  }

export interface HistoryTransferInit extends HistoryHolderInit, HistoryAskerInit {}

export class HistoryTransfer {
  readonly #holder: HistoryHolder
  readonly #asker: HistoryAsker

  constructor(components: HistoryTransferComponents, init: HistoryTransferInit = {}) {
    this.#holder = new HistoryHolder(components, init)
    this.#asker = new HistoryAsker(components, init)
  }

  async start(): Promise<void> {
    await this.#holder.start()
    await this.#asker.start()
  }

  async stop(): Promise<void> {
    await this.#asker.stop()
    await this.#holder.stop()
  }

  /** Where the transfer to this device stands. */
  status(): HistoryTransferStatus {
    return this.#asker.status()
  }

  /** Asks another device of the account for its history: see HistoryAsker.request. */
  request(choice: HistoryChoice, from?: string): Promise<HistoryTransferStatus> {
    return this.#asker.request(choice, from)
  }
}
