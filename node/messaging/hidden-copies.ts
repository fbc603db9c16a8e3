/**
 * The texts of a conversation that sit outside it, in the conversations with the other devices
 * of the friend's account and of ours: what those devices sent (device-mirror.ts shows it under
 * the peer; our devices' texts are marked `sentTo`) and the copies of our texts to the peer
 * this device sent them (device-fan-out.ts, marked `copyOf`). Deleting in the conversation deletes them there too, or their words and
 * files would stay on disk.
 *
 * A mirrored text keeps the id it arrived with, and a copy's id is derived from the text's
 * (`copyId`), so a text deleted by id is found without walking any conversation. Only current devices are walked: a device revoked before the delete keeps
 * what it sent here (its conversation is dropped with the device, messaging's `forgetDevices`).
 */
import { toHex } from '../../protocol/bytes.ts'
import { copyId } from './device-fan-out.ts'
import type { MessagePipeline } from './message-pipeline.ts'
import type { HistoryRecord } from './message-store.ts'
import type { AccountDevicesPort } from './ports.ts'

/** Records read per page when a device's conversation is walked for a peer's texts. */
const PAGE = 500

export class HiddenCopies {
  readonly #pipeline: MessagePipeline
  readonly #devices: AccountDevicesPort

  constructor(pipeline: MessagePipeline, devices: AccountDevicesPort) {
    this.#pipeline = pipeline
    this.#devices = devices
  }

  /** Deletes texts `ids` of the conversation with `peer` where they arrived; resolves with their file ids. */
  async delete(peer: Uint8Array, ids: string[]): Promise<string[]> {
    const files: string[] = []
    for (const { key } of [
      ...this.#devices.otherDevicesOf(peer),
      ...this.#devices.ownOtherDevices(),
    ]) {
      // There as it arrived from the device, or as the copy this device sent it.
      const here = [...ids, ...ids.map((id) => toHex(copyId(id, key)))]
      files.push(...(await this.#pipeline.deleteForMe(key, here)).files)
    }
    return files
  }

  /** Deletes every text of the conversation with `peer` kept elsewhere; resolves with their file ids. */
  async clear(peer: Uint8Array): Promise<string[]> {
    const peerHex = toHex(peer)
    const files: string[] = []
    for (const { key } of this.#devices.otherDevicesOf(peer)) {
      files.push(...fileIds(await this.#records(key, () => true)))
      await this.#pipeline.clearHistory(key)
    }
    for (const { key } of this.#devices.ownOtherDevices()) {
      const sent = await this.#records(
        key,
        (record) => record.sentTo === peerHex || record.copyOf?.peer === peerHex,
      )
      if (sent.length === 0) continue
      const deleted = await this.#pipeline.deleteForMe(
        key,
        sent.map((record) => record.id),
      )
      files.push(...deleted.files)
    }
    return files
  }

  async #records(
    device: Uint8Array,
    wanted: (record: HistoryRecord) => boolean,
  ): Promise<HistoryRecord[]> {
    const found: HistoryRecord[] = []
    let before: number | undefined
    for (;;) {
      const page = await this.#pipeline.recordsPage(device, PAGE, before)
      for (const { record } of page) if (wanted(record)) found.push(record)
      if (page.length < PAGE) return found
      before = page.at(-1)!.index
    }
  }
}

/** The ids of the files these texts carried. */
export function fileIds(records: HistoryRecord[]): string[] {
  return records.flatMap((record) => (record.attachment == null ? [] : [record.attachment.fileId]))
}
