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
    const { pipeline, devices, myKey } = this.#init
    const shown: Array<Promise<boolean>> = []
    for (const entry of entries) {
      if (entry.kind !== 'added' || entry.record.direction !== 'in') continue
      const device = fromHex(entry.peerHex)
      const record = entry.record
      if (devices.isOwnDevice(device)) {
        const sentTo = record.sentTo == null ? undefined : fromHex(record.sentTo)
        if (sentTo == null || bytesEqual(sentTo, myKey) || devices.isOwnDevice(sentTo)) continue
        shown.push(pipeline.mirror(sentTo, record, { sentFrom: device }))
        continue
      }
      const account = devices.friendAccountOf(device)
      if (account != null) shown.push(pipeline.mirror(account, record, { in: true }))
    }
    await Promise.all(shown)
    return undefined
  }
}
