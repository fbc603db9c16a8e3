/**
 * How a local API route is declared, once: method, path, the schemas (zod) of its query, body
 * and answer, and the kinds of error it may answer besides those every route may. From that
 * one declaration the node validates requests (node/api/declared-route.ts), clients take their
 * types (each area's types are inferred from its schemas), and the OpenAPI document is made
 * (openapi.ts). Pure: schemas and types only.
 *
 * Adding a route: declare it in its area's `*_ROUTES` table beside its schemas (a new area's
 * table joins LOCAL_API_ROUTES in routes.ts), serve it with `serve(route, handler)`, and give
 * any schema a client names (a view, a request) its name with `named`.
 */
import { z } from 'zod'
import type { ApiErrorKind } from './common.ts'

export type ApiMethod = 'GET' | 'POST' | 'PUT'

/** Schemas by the name the OpenAPI document gives them (its components). */
export const namedSchemas = new Map<string, z.ZodType>()

/** `schema`, named `id` in the OpenAPI document (and referred to by that name). */
export function named<T extends z.ZodType>(id: string, schema: T): T {
  if (namedSchemas.has(id)) throw new Error(`two local API schemas are named ${id}`)
  namedSchemas.set(id, schema)
  return schema
}

export interface ApiRoute {
  method: ApiMethod
  path: string
  /** One line for the document. */
  summary: string
  /** Query parameters: strings on the wire, each field's schema parses the string. */
  query?: z.ZodObject
  /** The JSON body. */
  body?: z.ZodType
  /** The JSON answer (200). */
  response: z.ZodType
  /**
   * Kinds of error this route answers besides those of every route (forbidden: the Host or
   * Origin check; internal; unavailable: the node stopping), invalid (a route with a query or
   * body) and not-found (a route of the running node, while none runs).
   */
  errors?: readonly ApiErrorKind[]
  /**
   * `running` (default): served by the running node, 404 NotFound while the process waits
   * for its identity; `always`: served by the process in every state.
   */
  served?: 'running' | 'always'
  /** The body is the raw bytes of a file (`application/octet-stream`), not JSON. */
  bodyBytes?: true
  /** The answer is the bytes of a file, with the file's content type; `response` is ignored. */
  responseBytes?: true
  /** The route opens a WebSocket (101); `response` is the schema of each message. */
  websocket?: true
}

/** The route as declared, its schemas' types kept for `serve` and clients. */
export function apiRoute<const R extends ApiRoute>(route: R): R {
  return route
}

/** A route's query, parsed. */
export type RouteQuery<R extends ApiRoute> = R['query'] extends z.ZodType
  ? z.output<R['query']>
  : Record<string, never>
/** A route's body, parsed. */
export type RouteBody<R extends ApiRoute> = R['body'] extends z.ZodType
  ? z.output<R['body']>
  : undefined
/** A route's answer. */
export type RouteResponse<R extends ApiRoute> = z.output<R['response']>

/** A string with something besides whitespace (names, peers, paths). */
export const nonBlank = () => z.string().regex(/\S/, 'must not be empty or blank')
/** A non-empty string. */
export const nonEmpty = () => z.string().min(1, 'must not be empty')
/** A query parameter that is a positive integer (`limit`, `before`). */
export const queryCount = () => z.coerce.number().int().min(1)
/** A message id as the API shows it: 32 lowercase hex digits. */
export const messageId = () =>
  z.string().regex(/^[0-9a-f]{32}$/, 'must be a message id (32 hex digits)')
