/**
 * A file in a message: images inline (a received one as the node's thumbnail, opening to the
 * full image), other files with a Save button; while it travels, a progress bar fed by the
 * node's transfer events, and the node's reason when it waits. The bytes come from
 * GET /v1/files with the token header and are shown through a blob: URL, the only image
 * source the CSP allows besides the page itself.
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import type { AttachmentView, TransferView } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { ApiCallError, describeError } from '../errors.ts'
import { t } from '../i18n/i18n.ts'
import { formatBytes, transferText } from '../transfer-text.ts'

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
        <InlineImage client={client} attachment={attachment} transfer={transfer} mine={mine} />
      ) : (
        <FileCard client={client} attachment={attachment} available={available} />
      )}
      {(state === 'pending' || state === 'transferring') && (
        <TransferProgress attachment={attachment} transfer={transfer} mine={mine} />
      )}
      {state === 'failed' && (
        <p class="error">
          {transfer?.failure
            ? t('attachment.failedWhy', { reason: transfer.failure })
            : t('attachment.failed')}
        </p>
      )}
    </div>
  )
}

/**
 * A received image shows the node's thumbnail when it has one, the sender's own copy shows
 * the file itself; Enter or a click opens the full image.
 */
function InlineImage(props: {
  client: WebApiClient
  attachment: AttachmentView
  transfer?: TransferView
  mine: boolean
}) {
  const { client, attachment, transfer, mine } = props
  const [viewing, setViewing] = useState(false)
  // A transfer event says whether a thumbnail was made; without one (history), ask for it.
  const thumbnailKnown = transfer?.state === 'complete' ? transfer.thumbnail != null : undefined
  const wantsThumbnail = !mine && thumbnailKnown !== false
  const shown = useBlobUrl(async () => {
    if (!wantsThumbnail) return { blob: await client.file(attachment.sha256), thumbnail: false }
    try {
      return { blob: await client.file(attachment.sha256, { thumbnail: true }), thumbnail: true }
    } catch (err) {
      if (!(err instanceof ApiCallError && err.status === 404)) throw err
      return { blob: await client.file(attachment.sha256), thumbnail: false }
    }
  }, [client, attachment.sha256, wantsThumbnail, thumbnailKnown])
  if (shown.error != null) return <CannotShow name={attachment.name} error={shown.error} />
  return (
    <>
      <button
        type="button"
        class="image-button"
        aria-label={t('attachment.open', { name: attachment.name })}
        onClick={() => setViewing(true)}
      >
        <img
          class="inline-image"
          src={shown.url ?? undefined}
          alt={attachment.name}
          width={shown.thumbnail ? transfer?.thumbnail?.width : attachment.width}
          height={shown.thumbnail ? transfer?.thumbnail?.height : attachment.height}
          data-loaded={shown.url != null}
          data-source={shown.url == null ? undefined : shown.thumbnail ? 'thumbnail' : 'file'}
        />
      </button>
      {viewing && (
        <FullImage client={client} attachment={attachment} onClose={() => setViewing(false)} />
      )}
    </>
  )
}

/** The whole image in a modal dialog; Escape or Close ends it. */
function FullImage(props: {
  client: WebApiClient
  attachment: AttachmentView
  onClose: () => void
}) {
  const { client, attachment, onClose } = props
  const dialog = useRef<HTMLDialogElement>(null)
  const full = useBlobUrl(
    async () => ({ blob: await client.file(attachment.sha256), thumbnail: false }),
    [client, attachment.sha256],
  )
  useEffect(() => {
    dialog.current?.showModal()
  }, [])
  return (
    <dialog
      ref={dialog}
      class="image-viewer"
      aria-label={t('attachment.fullSize', { name: attachment.name })}
      onClose={onClose}
    >
      <button type="button" class="image-viewer-close" onClick={() => dialog.current?.close()}>
        {t('common.close')}
      </button>
      {full.error != null ? (
        <CannotShow name={attachment.name} error={full.error} />
      ) : (
        <img
          class="full-image"
          src={full.url ?? undefined}
          alt={attachment.name}
          width={attachment.width}
          height={attachment.height}
          data-loaded={full.url != null}
        />
      )}
    </dialog>
  )
}

function CannotShow({ name, error }: { name: string; error: string }) {
  return <p class="error">{t('attachment.cannotShow', { name, error })}</p>
}

interface LoadedImage {
  url: string | null
  thumbnail: boolean
  error: string | null
}

/** Bytes fetched with the token, shown through a blob: URL that is revoked when done with. */
function useBlobUrl(
  load: () => Promise<{ blob: Blob; thumbnail: boolean }>,
  deps: readonly unknown[],
): LoadedImage {
  const [image, setImage] = useState<LoadedImage>({ url: null, thumbnail: false, error: null })
  useEffect(() => {
    let objectUrl: string | null = null
    let cancelled = false
    load()
      .then(({ blob, thumbnail }) => {
        if (cancelled) return
        objectUrl = URL.createObjectURL(blob)
        setImage({ url: objectUrl, thumbnail, error: null })
      })
      .catch(
        (err: unknown) =>
          !cancelled && setImage({ url: null, thumbnail: false, error: describeError(err) }),
      )
    return () => {
      cancelled = true
      if (objectUrl != null) URL.revokeObjectURL(objectUrl)
    }
  }, deps)
  return image
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
          <span aria-hidden="true">{t('attachment.save')}</span>
          <span class="visually-hidden">{t('attachment.saveName', { name: attachment.name })}</span>
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
  const label = t(mine ? 'attachment.sending' : 'attachment.receiving', { name: attachment.name })
  const text = transferText(attachment.size, transfer)
  return (
    <div class="transfer">
      <progress
        max={attachment.size || 1}
        value={transfer?.bytes ?? 0}
        aria-label={label}
        data-testid="transfer-progress"
      />
      <span class="transfer-text">{text.progress}</span>
      {text.waiting != null && (
        // A status region: a screen reader hears why a file stalls, and when that changes.
        <span class="transfer-text transfer-waiting" role="status" data-testid="transfer-waiting">
          {text.waiting}
        </span>
      )}
    </div>
  )
}
