/**
 * The web client's "Link to an existing account" on a new device's first run: the link runs
 * in the daemon across two requests, the first answered with the SAS once the existing
 * device accepted the code, the second with the linked identity once the person confirmed
 * (or with the typed error that ended the link). One link at a time.
 */
import type { LinkSas } from '../../protocol/accounts/index.ts'
import { LinkProtocolError, LinkRefusedError } from './errors.ts'
import { type LinkedDevice, type LinkNewDeviceInit, linkNewDevice } from './link-new-device.ts'

export class FirstRunLink {
  #pending?: { decide(accept: boolean): void; result: Promise<LinkedDevice> }

  /** Starts linking; resolves with the SAS to show, or rejects with what ended the link. */
  async start(init: Omit<LinkNewDeviceInit, 'confirm'>): Promise<LinkSas> {
    if (this.#pending != null) throw new LinkRefusedError('a link is under way already')
    let shown!: (sas: LinkSas) => void
    let decide!: (accept: boolean) => void
    const sas = new Promise<LinkSas>((resolve) => {
      shown = resolve
    })
    const decision = new Promise<boolean>((resolve) => {
      decide = resolve
    })
    const result = linkNewDevice({
      ...init,
      confirm: (value) => {
        shown(value)
        return decision
      },
    })
    const pending = { decide, result }
    this.#pending = pending
    result.catch(() => {
      if (this.#pending === pending) this.#pending = undefined
    })
    return Promise.race([
      sas,
      result.then(() => {
        throw new LinkProtocolError('the link ended before a SAS was shown')
      }),
    ])
  }

  /** The person's answer; resolves with the linked device, or rejects with what ended the link. */
  async confirm(accept: boolean): Promise<LinkedDevice> {
    const pending = this.#pending
    if (pending == null) throw new LinkRefusedError('no link is waiting for a confirmation')
    pending.decide(accept)
    try {
      return await pending.result
    } finally {
      if (this.#pending === pending) this.#pending = undefined
    }
  }
}
