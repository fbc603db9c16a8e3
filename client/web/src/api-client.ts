/**
 * The web client's transport for the typed local API (client/tokenim-api.ts): same-origin
 * fetch with the token as a Bearer header, raw uploads and downloads of files, and the event
 * stream's address and subprotocols.
 */
import {
  API_PATHS,
  type ApiErrorBody,
  EVENTS_SUBPROTOCOL,
  FILE_API_PATHS,
  type SendFileResponse,
  TOKEN_SUBPROTOCOL_PREFIX,
} from '../../../protocol/local-api.ts'
import { type ApiMethod, TokenimApi, withQuery } from '../../tokenim-api.ts'
import { ApiCallError, NodeUnreachableError } from './errors.ts'

export class WebApiClient extends TokenimApi {
  readonly token: string
  readonly origin: string

  constructor(token: string, origin = window.location.origin) {
    super()
    this.token = token
    this.origin = origin
  }

  async request<T>(method: ApiMethod, path: string, body?: unknown): Promise<T> {
    const response = await this.send(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return (await response.json()) as T
  }

  /**
   * Sends a file's bytes to `to` (a peer, or `{ room }` a room's members); `onProgress` hears
   * the bytes handed to the node so far. XMLHttpRequest, because fetch reports no upload
   * progress.
   */
  upload(
    to: string | { room: string },
    file: File,
    text = '',
    onProgress?: (sent: number, total: number) => void,
  ): Promise<SendFileResponse> {
    const target = typeof to === 'string' ? { to } : { room: to.room }
    const url = new URL(
      withQuery(FILE_API_PATHS.upload, { ...target, name: file.name, text }),
      this.origin,
    )
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest()
      xhr.open('POST', url)
      xhr.setRequestHeader('authorization', `Bearer ${this.token}`)
      xhr.setRequestHeader('content-type', file.type || 'application/octet-stream')
      xhr.responseType = 'json'
      xhr.upload.addEventListener('progress', (event) => onProgress?.(event.loaded, event.total))
      xhr.addEventListener('error', () => reject(new NodeUnreachableError()))
      xhr.addEventListener('load', () => {
        if (xhr.status >= 200 && xhr.status < 300) resolve(xhr.response as SendFileResponse)
        else reject(callError(xhr.status, xhr.response as ApiErrorBody | null))
      })
      xhr.send(file)
    })
  }

  /**
   * A stored file's bytes (GET /v1/files?sha256=), typed as the node detected them; with
   * `thumbnail`, the small copy the node made of a received image (404 when there is none).
   */
  async file(sha256: string, options: { thumbnail?: boolean } = {}): Promise<Blob> {
    const query = options.thumbnail === true ? { sha256, thumbnail: 1 } : { sha256 }
    const response = await this.send(withQuery(FILE_API_PATHS.file, query), { method: 'GET' })
    return response.blob()
  }

  /** Where the event stream listens, as a ws:// URL. */
  eventsUrl(): string {
    return new URL(API_PATHS.events, this.origin.replace(/^http/, 'ws')).toString()
  }

  /** A browser cannot set headers on a WebSocket: the token travels as a subprotocol. */
  eventsProtocols(): string[] {
    return [EVENTS_SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}${this.token}`]
  }

  private async send(
    path: string,
    init: { method: ApiMethod; headers?: Record<string, string>; body?: string },
  ): Promise<Response> {
    let response: Response
    try {
      response = await fetch(new URL(path, this.origin), {
        ...init,
        headers: { authorization: `Bearer ${this.token}`, ...init.headers },
        cache: 'no-store',
      })
    } catch {
      throw new NodeUnreachableError()
    }
    if (!response.ok) {
      throw callError(
        response.status,
        (await response.json().catch(() => null)) as ApiErrorBody | null,
      )
    }
    return response
  }
}

function callError(status: number, payload: ApiErrorBody | null): ApiCallError {
  const error = payload?.error
  return new ApiCallError(
    error?.name ?? 'HttpError',
    error?.message ?? `the node answered ${status}`,
    status,
    error?.retryAfterMs,
  )
}
