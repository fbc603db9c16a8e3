/**
 * A file in a message: images inline, other files with a Save button; while it travels, a
 * progress bar fed by the node's transfer events. The bytes come from GET /v1/files with the
 * token header and are shown through a blob: URL, the only image source the CSP allows
 * besides the page itself.
 */
import { useEffect, useState } from 'preact/hooks'
import type { AttachmentView, TransferView } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { describeError } from '../errors.ts'

interface AttachmentProps {
  client: WebApiClient
  attachment: AttachmentView
  /** The latest transfer event for this file, if one came while the chat was open. */
  transfer?: TransferView
  mine: boolean
}

export function Attachment({ client, attachment, transfer, mine }: AttachmentProps) {
  const state = transfer?.state ?? attachment.state ?? 'pending'
  // The sender's node holds the file from the start; the recipient's once it is complete.
  const available = mine || state === 'complete'
  const isImage = attachment.mime.startsWith('image/')
  return (
    <div class="attachment" data-testid="attachment" data-state={state}>
      {isImage && available ? (
        <InlineImage client={client} attachment={attachment} />
      ) : (
        <FileCard client={client} attachment={attachment} available={available} />
      )}
      {(state === 'pending' || state === 'transferring') && (
        <TransferProgress attachment={attachment} transfer={transfer} mine={mine} />
      )}
      {state === 'failed' && (
        <p class="error">The transfer failed{transfer?.failure ? `: ${transfer.failure}` : '.'}</p>
      )}
    </div>
  )
}

function InlineImage({ client, attachment }: { client: WebApiClient; attachment: AttachmentView }) {
  const [url, setUrl] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let objectUrl: string | null = null
    let cancelled = false
    client
      .file(attachment.sha256)
      .then((blob) => {
        if (cancelled) return
        objectUrl = URL.createObjectURL(blob)
        setUrl(objectUrl)
      })
      .catch((err: unknown) => setError(describeError(err)))
    return () => {
      cancelled = true
      if (objectUrl != null) URL.revokeObjectURL(objectUrl)
    }
  }, [client, attachment.sha256])
  if (error != null)
    return (
      <p class="error">
        Cannot show {attachment.name}: {error}
      </p>
    )
  return (
    <img
      class="inline-image"
      src={url ?? undefined}
      alt={attachment.name}
      width={attachment.width}
      height={attachment.height}
      data-loaded={url != null}
    />
  )
}

function FileCard(props: { client: WebApiClient; attachment: AttachmentView; available: boolean }) {
  const { client, attachment, available } = props
  const [error, setError] = useState<string | null>(null)
  const save = async () => {
    setError(null)
    try {
      const url = URL.createObjectURL(await client.file(attachment.sha256))
      const link = document.createElement('a')
      link.href = url
      link.download = attachment.name
      link.click()
      // The download has taken its copy once the click is handled.
      setTimeout(() => URL.revokeObjectURL(url), 0)
    } catch (err) {
      setError(describeError(err))
    }
  }
  return (
    <div class="file-card">
      <span class="file-name">{attachment.name}</span>
      <span class="file-size">{formatBytes(attachment.size)}</span>
      {available && (
        <button type="button" onClick={() => void save()}>
          Save<span class="visually-hidden"> {attachment.name}</span>
        </button>
      )}
      {error != null && <span class="error">{error}</span>}
    </div>
  )
}

function TransferProgress(props: {
  attachment: AttachmentView
  transfer?: TransferView
  mine: boolean
}) {
  const { attachment, transfer, mine } = props
  const bytes = transfer?.bytes ?? 0
  const label = `${mine ? 'Sending' : 'Receiving'} ${attachment.name}`
  return (
    <div class="transfer">
      <progress
        max={attachment.size || 1}
        value={bytes}
        aria-label={label}
        data-testid="transfer-progress"
      />
      <span class="transfer-text">
        {transfer == null || transfer.state === 'pending'
          ? 'Waiting until both sides are online…'
          : `${formatBytes(bytes)} of ${formatBytes(attachment.size)}`}
      </span>
    </div>
  )
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}
