/**
 * The local API routes of attachments (declared in protocol/local-api/files.ts). Uploads and
 * downloads are raw routes: an upload streams into the file store (bounded by the node's
 * `maxFileSize`, not by the API's JSON body limit), a download streams the file out with
 * its detected type, or with `thumbnail=1` a received image's thumbnail.
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { FILE_ROUTES } from '../../protocol/local-api/files.ts'
import { serve, serveRaw } from '../api/declared-route.ts'
import { ApiError, type Routes } from '../api/local-api-server.ts'
import type { Attachments } from './attachments.ts'

/** Types a browser may show in place; anything else is offered as a download. */
const SHOWN_IN_PLACE =
  /^(image\/(png|jpeg|gif|webp|avif|bmp)|audio\/[a-z0-9.+-]+|video\/[a-z0-9.+-]+)$/

export function attachmentRoutes(attachments: () => Attachments): Routes {
  const routes = FILE_ROUTES
  return {
    ...serve(routes.send, async ({ body }) => {
      const text = body.text ?? ''
      if (body.room != null && body.to == null) {
        return attachments().sendToRoom(body.room, { path: body.path }, text, body.mentions)
      }
      return attachments().sendFile(recipient(body), body.path, text)
    }),
    ...serveRaw(routes.upload, async (req, res, query) => {
      const declared = Number(req.headers['content-length'] ?? Number.NaN)
      if (Number.isFinite(declared) && declared > attachments().maxFileSize) {
        throw new ApiError(
          413,
          'FileSizeError',
          `the file is over this node's limit of ${attachments().maxFileSize} bytes (maxFileSize)`,
        )
      }
      const text = query.text ?? ''
      const sent =
        query.room != null && query.to == null
          ? await attachments().sendToRoom(query.room, { name: query.name, body: req }, text)
          : await attachments().sendUpload(recipient(query), query.name, req, text)
      reply(res, sent)
    }),
    ...serveRaw(routes.file, async (_req, res, query) => {
      const sha256 = query.sha256
      const wantsThumbnail = query.thumbnail === '1'
      const file = wantsThumbnail
        ? await thumbnailOf(attachments(), sha256.toLowerCase())
        : await attachments().file(sha256.toLowerCase())
      if (file == null) {
        throw new ApiError(
          404,
          'FileNotFoundError',
          wantsThumbnail
            ? `no thumbnail of ${sha256} on this node (not a received image, or none could be made)`
            : `no complete file ${sha256} on this node`,
        )
      }
      const inPlace = SHOWN_IN_PLACE.test(file.mime)
      res.writeHead(200, {
        'content-type': file.mime,
        'content-length': String(file.size),
        'content-disposition': `${inPlace ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.name)}`,
        // A file is data, never a page of this origin: no sniffing, no scripts, no plugins.
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
        'cache-control': 'private, max-age=31536000, immutable',
      })
      await pipeline(Readable.from(file.read()), res)
    }),
    ...serve(routes.transfers, async () => ({ transfers: await attachments().transfers() })),
  }
}

/** The peer a file goes to: exactly one of `to` and `room` is named. */
function recipient({ to, room }: { to?: string; room?: string }): string {
  if (to == null || room != null) {
    throw new ApiError(400, 'InvalidRequestError', 'name either a peer (to) or a room (room)')
  }
  return to
}

/** A thumbnail, named after its image. */
async function thumbnailOf(attachments: Attachments, sha256: string) {
  const thumbnail = await attachments.thumbnail(sha256)
  if (thumbnail == null) return undefined
  const name = (await attachments.file(sha256))?.name ?? sha256
  const extension = thumbnail.mime === 'image/png' ? 'png' : 'jpg'
  return { ...thumbnail, name: `${name.replace(/\.[^.]*$/, '')}.thumbnail.${extension}` }
}

function reply(res: import('node:http').ServerResponse, body: unknown): void {
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  })
  res.end(JSON.stringify(body))
}
