/**
 * Makes an avatar of any picture the browser can open: drawn centred and cropped to a square
 * of MAX_AVATAR_DIMENSION pixels on a canvas, encoded as WebP (PNG where the browser cannot),
 * at lower qualities until it fits MAX_AVATAR_SIZE, then as JPEG. The node checks it again
 * (protocol/avatar-image.ts); this only spares the user a refusal.
 */
import { MAX_AVATAR_DIMENSION, MAX_AVATAR_SIZE } from '../../../protocol/limits.ts'

export class AvatarTooLargeError extends Error {
  override name = 'AvatarTooLargeError'
}

export class NotAnImageError extends Error {
  override name = 'NotAnImageError'
}

const ATTEMPTS: ReadonlyArray<[type: string, quality: number]> = [
  ['image/webp', 0.85],
  ['image/webp', 0.6],
  ['image/jpeg', 0.8],
  ['image/jpeg', 0.5],
]

/** A data URL of `file` made small, or NotAnImageError / AvatarTooLargeError. */
export async function avatarOf(file: Blob): Promise<string> {
  let image: ImageBitmap
  try {
    image = await createImageBitmap(file)
  } catch {
    throw new NotAnImageError('not an image this browser can open')
  }
  const canvas = document.createElement('canvas')
  canvas.width = MAX_AVATAR_DIMENSION
  canvas.height = MAX_AVATAR_DIMENSION
  const context = canvas.getContext('2d')
  if (context == null) throw new NotAnImageError('no canvas to draw on')
  const side = Math.min(image.width, image.height)
  context.drawImage(
    image,
    (image.width - side) / 2,
    (image.height - side) / 2,
    side,
    side,
    0,
    0,
    MAX_AVATAR_DIMENSION,
    MAX_AVATAR_DIMENSION,
  )
  image.close()
  for (const [type, quality] of ATTEMPTS) {
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type, quality))
    // A browser that cannot write WebP writes PNG instead, which may fit too.
    if (blob != null && blob.size <= MAX_AVATAR_SIZE) return dataUrlOf(blob)
  }
  throw new AvatarTooLargeError(`over ${MAX_AVATAR_SIZE} bytes at every quality`)
}

function dataUrlOf(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(reader.result as string)
    reader.onerror = () => reject(reader.error)
    reader.readAsDataURL(blob)
  })
}
