/**
 * What a file is, from its bytes rather than its name: the MIME type by magic numbers
 * (`file-type`), UTF-8 text without magic as text/plain, anything else
 * application/octet-stream; and for images, the size in pixels read from the header
 * (`image-size`). No thumbnail is made: clients get the image itself with its dimensions
 * (an image library able to scale every format would outweigh the rest of the node).
 */
import { fileTypeFromBuffer } from 'file-type'
import { imageSize } from 'image-size'

/** Bytes read from the start of a file to detect its kind (JPEG headers can sit deep). */
export const DETECTION_HEAD_SIZE = 512 * 1024

export interface FileKind {
  mime: string
  width?: number
  height?: number
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

export async function detectFileKind(head: Uint8Array, wholeFile: boolean): Promise<FileKind> {
  const type = await fileTypeFromBuffer(head)
  const mime =
    type?.mime ?? (looksLikeText(head, wholeFile) ? 'text/plain' : 'application/octet-stream')
  const kind: FileKind = { mime }
  if (mime.startsWith('image/')) {
    try {
      const { width, height } = imageSize(head)
      if (width > 0 && height > 0) {
        kind.width = width
        kind.height = height
      }
    } catch {
      // A header image-size does not know, or one beyond the bytes read: no dimensions.
    }
  }
  return kind
}

/** Valid UTF-8 without NUL bytes; a cut multi-byte character at the end of a head is fine. */
function looksLikeText(head: Uint8Array, wholeFile: boolean): boolean {
  if (head.includes(0)) return false
  const sample = wholeFile ? head : head.subarray(0, Math.max(0, head.length - 4))
  try {
    utf8.decode(sample)
    return true
  } catch {
    return false
  }
}
