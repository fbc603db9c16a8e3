/**
 * The web client's typed view of the node's local API: same-origin fetch with the token as
 * a Bearer header, and the event stream's address and subprotocols. Types and paths come
 * from protocol/local-api.ts, the contract every client shares.
 */
import {
  API_PATHS,
  type ApiErrorBody,
  type CreateIdentityRequest,
  type CreateIdentityResponse,
  EVENTS_SUBPROTOCOL,
  type IdentityInfo,
  type NodeStatus,
  type RestoreIdentityRequest,
  type StateResponse,
  TOKEN_SUBPROTOCOL_PREFIX,
  type UnlockRequest,
} from '../../../protocol/local-api.ts'
import { ApiCallError, NodeUnreachableError } from './errors.ts'

export class WebApiClient {
  readonly token: string
  readonly origin: string

  constructor(token: string, origin = window.location.origin) {
    this.token = token
    this.origin = origin
  }

  state(): Promise<StateResponse> {
    return this.request('GET', API_PATHS.state)
  }

  createIdentity(body: CreateIdentityRequest): Promise<CreateIdentityResponse> {
    return this.request('POST', API_PATHS.identity, body)
  }

  restoreIdentity(body: RestoreIdentityRequest): Promise<IdentityInfo> {
    return this.request('POST', API_PATHS.identityRestore, body)
  }

  unlock(body: UnlockRequest): Promise<IdentityInfo> {
    return this.request('POST', API_PATHS.unlock, body)
  }

  status(): Promise<NodeStatus> {
    return this.request('GET', API_PATHS.status)
  }

  id(): Promise<IdentityInfo> {
    return this.request('GET', API_PATHS.id)
  }

  async request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T> {
    let response: Response
    try {
      response = await fetch(new URL(path, this.origin), {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      })
    } catch {
      throw new NodeUnreachableError()
    }
    const payload = (await response.json().catch(() => null)) as T | ApiErrorBody | null
    if (!response.ok) {
      const error = (payload as ApiErrorBody | null)?.error
      throw new ApiCallError(
        error?.name ?? 'HttpError',
        error?.message ?? `the node answered ${response.status}`,
        response.status,
        error?.retryAfterMs,
      )
    }
    return payload as T
  }

  /** Where the event stream listens, as a ws:// URL. */
  eventsUrl(): string {
    return new URL(API_PATHS.events, this.origin.replace(/^http/, 'ws')).toString()
  }

  /** A browser cannot set headers on a WebSocket: the token travels as a subprotocol. */
  eventsProtocols(): string[] {
    return [EVENTS_SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}${this.token}`]
  }
}
