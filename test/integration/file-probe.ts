/**
 * Files for the attachment tests between real nodes: a decodable image that does not
 * compress, and a bare FILE_PROTOCOL request, as a node that learnt a file id would send it.
 */
import { createHash, randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pngjs from 'pngjs'
import { FramedStream } from '../../network/index.ts'
import type { TokenimNode } from '../../node/index.ts'
import {
  decodeReceivedFileFrame,
  encodeFileRequest,
  type FileStatusCode,
} from '../../protocol/attachments.ts'
import { FILE_PROTOCOL } from '../../protocol/ids.ts'
import { FILE_STREAM_LIMITS } from '../../protocol/limits.ts'
import { friendNodeFolder } from './friends-nodes.ts'

/** `bytes` in a file named `name` in a folder removed with the friend nodes; its path. */
export async function scratchFile(name: string, bytes: Uint8Array): Promise<string> {
  const dir = await friendNodeFolder('tokenim-scratch-file-')
  const path = join(dir.path, name)
  await writeFile(path, bytes)
  return path
}

/** A decodable PNG of random pixels (so it does not compress), with its hash. */
export function testPng(width: number, height: number): { bytes: Uint8Array; sha256: string } {
  const png = new pngjs.PNG({ width, height })
  png.data = randomBytes(width * height * 4)
  const bytes = pngjs.PNG.sync.write(png)
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') }
}

/**
 * `from` asks `holder` (connected) for the first chunk of file `fileId` (hex); resolves with
 * the status code of the first frame that comes back (undefined: a chunk came).
 */
export async function askForFile(
  from: TokenimNode,
  holder: TokenimNode,
  fileId: string,
): Promise<FileStatusCode | undefined> {
  const stream = await from.host.dialProtocol(holder.host.peerId, FILE_PROTOCOL)
  const framed = new FramedStream(stream, { limits: FILE_STREAM_LIMITS })
  await framed.write(
    encodeFileRequest({
      fileId: Buffer.from(fileId, 'hex'),
      ranges: [{ first: 0, count: 1 }],
      complete: false,
    }),
  )
  const frame = decodeReceivedFileFrame(await framed.readList())
  return frame.status?.code
}
