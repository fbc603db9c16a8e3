/** The web client's words under a file's progress bar: bytes, the generic wait, the node's reason. */
import { describe, expect, it } from 'vitest'
import { transferText } from '../../client/web/src/transfer-text.ts'
import type { TransferView } from '../../protocol/local-api.ts'

const MIB = 1024 * 1024

const transfer = (over: Partial<TransferView>): TransferView => ({
  fileId: '00'.repeat(16),
  peerId: '12D3KooWexample',
  direction: 'in',
  name: 'report.pdf',
  mime: 'application/pdf',
  size: 5 * MIB,
  sha256: 'ab'.repeat(32),
  inline: false,
  state: 'transferring',
  chunks: 0,
  totalChunks: 20,
  bytes: 0,
  ...over,
})

describe('transferText', () => {
  it('says the file waits for both sides before any event, or while pending without a reason', () => {
    const expected = { progress: 'Waiting until both sides are online…', waiting: null }
    expect(transferText(5 * MIB)).toEqual(expected)
    expect(transferText(5 * MIB, transfer({ state: 'pending' }))).toEqual(expected)
  })

  it('counts bytes while the file moves', () => {
    expect(transferText(5 * MIB, transfer({ bytes: 1.5 * MIB }))).toEqual({
      progress: '1.5 MB of 5.0 MB',
      waiting: null,
    })
  })

  it("shows the node's reason as a sentence in place of the generic wait", () => {
    const text = transferText(
      5 * MIB,
      transfer({
        state: 'pending',
        waiting: 'the sender cannot be reached now: the file comes when both of you are online',
      }),
    )
    expect(text).toEqual({
      progress: '0 B of 5.0 MB',
      waiting: 'The sender cannot be reached now: the file comes when both of you are online.',
    })
  })

  it('keeps the bytes so far next to the reason a started file stalls', () => {
    const text = transferText(
      5 * MIB,
      transfer({ bytes: 2 * MIB, waiting: ' the sender is reachable only through a relay. ' }),
    )
    expect(text).toEqual({
      progress: '2.0 MB of 5.0 MB',
      waiting: 'The sender is reachable only through a relay.',
    })
  })

  it('treats an empty reason as none', () => {
    expect(transferText(5 * MIB, transfer({ bytes: 1024, waiting: '  ' })).waiting).toBeNull()
  })
})
