/**
 * The web client's built files (client/web/dist), read into memory once and served by the
 * local API at `/`. Only files found in that folder at start-up can be answered, so no
 * request path ever reaches the file system. Every answer carries a strict
 * Content-Security-Policy: scripts and styles from this origin only, no inline code, and
 * connections to this server's own HTTP and WebSocket addresses only.
 */
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The dist folder holds a handful of files; more means the path is wrong. */
export const MAX_WEB_ASSET_FILES = 500

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
}

interface WebAsset {
  body: Buffer
  contentType: string
  /** Vite puts a content hash in every file name under /assets/: cache those for good. */
  immutable: boolean
}

/** The Content-Security-Policy of every web client answer, for a server on `port`. */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "img-src 'self' data: blob:",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/**
 * Where `npm run build` puts the web client: client/web/dist under the package root, seen
 * from this file in the sources (node/api) or in the compiled output (dist/node/api).
 */
export function defaultWebRoot(): string | undefined {
  const here = fileURLToPath(new URL('.', import.meta.url))
  return [join(here, '..', '..'), join(here, '..', '..', '..')]
    .map((root) => join(root, 'client', 'web', 'dist'))
    .find((dir) => existsSync(join(dir, 'index.html')))
}

export class WebAssets {
  private readonly files: Map<string, WebAsset>

  private constructor(files: Map<string, WebAsset>) {
    this.files = files
  }

  /** Reads every file under `root`; without an index.html there is no web client to serve. */
  static async load(root: string): Promise<WebAssets> {
    const files = new Map<string, WebAsset>()
    const entries = await readdir(root, { recursive: true, withFileTypes: true })
    const paths = entries.filter((entry) => entry.isFile())
    if (paths.length > MAX_WEB_ASSET_FILES) {
      throw new Error(
        `${root} holds more than ${MAX_WEB_ASSET_FILES} files: not a web client build`,
      )
    }
    for (const entry of paths) {
      const file = join(entry.parentPath, entry.name)
      const urlPath = `/${relative(root, file).split(sep).join('/')}`
      files.set(urlPath, {
        body: await readFile(file),
        contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        immutable: urlPath.startsWith('/assets/'),
      })
    }
    if (!files.has('/index.html')) throw new Error(`${root} has no index.html`)
    return new WebAssets(files)
  }

  /** Answers a GET or HEAD for `pathname` (already past the Host and Origin checks). */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string, port: number): void {
    const headers = {
      'content-security-policy': contentSecurityPolicy(port),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, allow: 'GET, HEAD', 'content-type': 'text/plain' })
      res.end('method not allowed\n')
      return
    }
    const asset = this.files.get(pathname === '/' ? '/index.html' : pathname)
    if (asset == null) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' })
      res.end('not found\n')
      return
    }
    res.writeHead(200, {
      ...headers,
      'content-type': asset.contentType,
      'content-length': asset.body.length,
      'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    })
    res.end(req.method === 'HEAD' ? undefined : asset.body)
  }
}
