/**
 * Shows what arrives from another device of an account where the user looks for it
 * (doc/accounts.md, "Messaging across devices"): a text from a friend's other device in the
 * conversation with the friend's account, and a text one of our own devices sent to a peer
 * (the own-device sync copy device-fan-out.ts makes) in the conversation with that peer, as
 * ours. The device's own conversation, where it arrived in order and exactly once, stays
 * hidden (DeviceFanOut.hides).
 *
 * Guarantees, and how:
 * - nothing arrived is left unshown after a crash: this follows the history feed (reader
 *   `device-mirror`), whose watermark moves only after the page is shown;
 * - shown once, in the order the device sent it: MirroredHistory skips an id the target
 *   already has, and a page's texts are queued in feed order into the target's lane.
 */
import type { Logger } from '@libp2p/interface'
import { bytesEqual, fromHex } from '../../protocol/bytes.ts'
import type { HistoryChange } from './history-feed.ts'
import type { MessagePipeline } from './message-pipeline.ts'
import type { HistoryRecord } from './message-store.ts'
import type { AccountDevicesPort } from './ports.ts'

export interface DeviceMirrorInit {
  pipeline: MessagePipeline
  devices: AccountDevicesPort
  myKey: Uint8Array
  log: Logger
}

export class DeviceMirror {
  readonly #init: DeviceMirrorInit

  constructor(init: DeviceMirrorInit) {
    this.#init = init
  }

  /** A page of the history feed (reader `device-mirror`): its texts from devices, shown. */
  async take(entries: HistoryChange[]): Promise<undefined> {
    const shown: Array<Promise<boolean>> = []
    for (const entry of entries) {
      if (entry.kind !== 'added') continue
      const device = fromHex(entry.peerHex)
      const target = this.#targetOf(device, entry.record)
      if (target != null)
        shown.push(this.#init.pipeline.mirror(target.key, entry.record, target.as))
    }
    await Promise.all(shown)
    return undefined
  }

  /**
   * A device list newly names `device`: what it sent while this node did not know whose it
   * was is shown now, oldest first, after what the target shows already (a text that arrived
   * in between is shown before it). Walks the device's whole conversation: lists change
   * rarely, and only the texts not shown yet are kept in memory.
   */
  async catchUpDevice(device: Uint8Array): Promise<number> {
    const { pipeline, devices } = this.#init
    if (!devices.isOwnDevice(device) && devices.friendAccountOf(device) == null) return 0
    const pending: Array<{ record: HistoryRecord; target: Target }> = []
    let before: number | undefined
    for (;;) {
      const page = await pipeline.recordsPage(device, CATCH_UP_PAGE, before)
      for (const { record } of page) {
        const target = this.#targetOf(device, record)
        if (target == null || (await pipeline.holds(target.key, record.id))) continue
        pending.push({ record, target })
      }
      if (page.length < CATCH_UP_PAGE) break
      before = page.at(-1)!.index
    }
    let shown = 0
    for (const { record, target } of pending.reverse()) {
      if (await pipeline.mirror(target.key, record, target.as)) shown++
    }
    return shown
  }

  /** Where a record that arrived from `device` is shown, if anywhere but its own conversation. */
  #targetOf(device: Uint8Array, record: HistoryRecord): Target | undefined {
    const { devices, myKey } = this.#init
    if (record.direction !== 'in') return undefined
    if (devices.isOwnDevice(device)) {
      const sentTo = record.sentTo == null ? undefined : fromHex(record.sentTo)
      if (sentTo == null || bytesEqual(sentTo, myKey) || devices.isOwnDevice(sentTo)) return
      return { key: sentTo, as: { sentFrom: device } }
    }
    const account = devices.friendAccountOf(device)
    return account == null ? undefined : { key: account, as: { in: true } }
  }
}

/** Records read per page when a device's conversation is walked back. */
const CATCH_UP_PAGE = 500

interface Target {
  key: Uint8Array
  as: { in: true } | { sentFrom: Uint8Array }
}
