/**
 * The OpenAPI 3.1 document of the local API, made from the routes' declarations alone
 * (route.ts): each route's parameters, body and answer as JSON Schema (draft 2020-12, which
 * OpenAPI 3.1 uses), and its error answers by the one table of error kinds (error-kinds.ts).
 * Schemas are described as the node reads them (zod's input side): objects allow properties
 * they do not name, so a client written today keeps working when an answer gains a field.
 * Pure: the server serves it (`GET /v1/openapi.json`), tests validate it.
 */
import { z } from 'zod'
import type { ApiErrorKind } from './common.ts'
import { ERROR_KIND_STATUS, OTHER_ERROR_STATUS_KIND } from './error-kinds.ts'
import { type ApiRoute, namedSchemas } from './route.ts'

export interface OpenApiInit {
  /** The node's version. */
  version: string
  /** Where the API is (`http://127.0.0.1:<port>`); default: a templated address. */
  serverUrl?: string
}

type Json = Record<string, unknown>

const COMPONENT = '#/components/schemas/'

/** The document of `areas` (an area's name tags its routes; a route's key names it). */
export function openApiDocument(
  areas: Record<string, Record<string, ApiRoute>>,
  init: OpenApiInit,
): Json {
  const registry = z.registry<{ id: string }>()
  for (const [id, schema] of namedSchemas) registry.add(schema, { id })
  const operations: Array<{ area: string; id: string; route: ApiRoute }> = []
  for (const [area, routes] of Object.entries(areas)) {
    for (const [key, route] of Object.entries(routes)) {
      const id = area + key[0].toUpperCase() + key.slice(1)
      operations.push({ area, id, route })
      if (route.body != null && !registry.has(route.body)) {
        registry.add(route.body, { id: `${capitalized(id)}Request` })
      }
      if (!route.responseBytes && !registry.has(route.response)) {
        registry.add(route.response, { id: `${capitalized(id)}Response` })
      }
    }
  }
  const { schemas } = z.toJSONSchema(registry, {
    io: 'input',
    uri: (id) => COMPONENT + id,
    unrepresentable: 'any',
  })
  for (const schema of Object.values(schemas)) {
    delete schema.$schema
    delete schema.$id
  }
  const ref = (schema: z.ZodType) => ({ $ref: COMPONENT + registry.get(schema)!.id })
  const paths: Record<string, Json> = {}
  for (const { area, id, route } of operations) {
    paths[route.path] ??= {}
    paths[route.path][route.method.toLowerCase()] = {
      operationId: id,
      tags: [area],
      summary: route.summary,
      ...(route.query == null ? {} : { parameters: queryParameters(route.query) }),
      ...(route.body == null
        ? route.bodyBytes
          ? { requestBody: bytesBody('the file') }
          : {}
        : {
            requestBody: {
              required: !route.body.safeParse(undefined).success,
              content: { 'application/json': { schema: ref(route.body) } },
            },
          }),
      responses: { ...success(route, ref), ...errorAnswers(route) },
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'TokenIM local API',
      version: init.version,
      description: DESCRIPTION,
    },
    servers: [
      init.serverUrl == null
        ? {
            url: 'http://127.0.0.1:{port}',
            variables: { port: { default: '7777', description: 'the port in api.json' } },
          }
        : { url: init.serverUrl },
    ],
    security: [{ token: [] }],
    tags: Object.keys(areas).map((name) => ({ name })),
    paths,
    components: {
      schemas,
      responses: sharedErrorAnswers(operations.map(({ route }) => route)),
      securitySchemes: {
        token: {
          type: 'http',
          scheme: 'bearer',
          description:
            'The token in the data dir\'s api.json (64 hex characters). The event stream also takes it as the WebSocket subprotocol "tokenim-token.<token>" beside "tokenim".',
        },
      },
    },
  }
}

const DESCRIPTION = [
  'The control API of a TokenIM node: HTTP with JSON bodies on 127.0.0.1, and one WebSocket',
  "of events (`GET /v1/events`). Every route needs the token of the data dir's `api.json`",
  '(`Authorization: Bearer <token>`), and the Host header must name the API.',
  'Every error answers `{ "error": { "name", "kind", "message" } }`: `name` is stable, `kind`',
  'fixes the status (invalid 400, forbidden 403 or 401 without the token, not-found 404,',
  'conflict 409, locked 423, rate-limited 429, internal 500, unavailable 503).',
].join(' ')

function capitalized(text: string): string {
  return text[0].toUpperCase() + text.slice(1)
}

function queryParameters(query: z.ZodObject): Json[] {
  return Object.entries(query.shape).map(([name, field]) => {
    const schema = z.toJSONSchema(field as z.ZodType, { io: 'input', unrepresentable: 'any' })
    delete schema.$schema
    return {
      name,
      in: 'query',
      required: !(field as z.ZodType).safeParse(undefined).success,
      schema,
    }
  })
}

function bytesBody(what: string): Json {
  return {
    required: true,
    description: `${what}'s bytes`,
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  }
}

function success(route: ApiRoute, ref: (schema: z.ZodType) => Json): Json {
  if (route.websocket) {
    return {
      '101': {
        description: `${route.summary}: the connection becomes a WebSocket (subprotocol "tokenim"); each message is a JSON text of this schema`,
        content: { 'application/json': { schema: ref(route.response) } },
      },
    }
  }
  if (route.responseBytes) {
    return {
      '200': {
        description: "the file's bytes, with its content type",
        content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
      },
    }
  }
  return {
    '200': {
      description: route.summary,
      content: { 'application/json': { schema: ref(route.response) } },
    },
  }
}

/** The statuses a route may answer with an error, each with the kinds that give it. */
export function errorStatuses(route: ApiRoute): Map<number, ApiErrorKind[]> {
  const kinds = new Set<ApiErrorKind>(['forbidden', 'internal', 'unavailable'])
  if (route.query != null || route.body != null || route.bodyBytes) kinds.add('invalid')
  if ((route.served ?? 'running') === 'running') kinds.add('not-found')
  for (const kind of route.errors ?? []) kinds.add(kind)
  const statuses = new Map<number, ApiErrorKind[]>()
  const add = (status: number, kind: ApiErrorKind) =>
    statuses.set(status, [...(statuses.get(status) ?? []), kind])
  for (const kind of kinds) add(ERROR_KIND_STATUS[kind], kind)
  add(401, OTHER_ERROR_STATUS_KIND[401])
  if (route.body != null || route.bodyBytes) add(413, OTHER_ERROR_STATUS_KIND[413])
  // The password lockout answers 429 with `retryAfterMs` (kind locked).
  if (kinds.has('locked')) add(ERROR_KIND_STATUS['rate-limited'], 'locked')
  if (route.websocket) add(410, OTHER_ERROR_STATUS_KIND[410])
  return new Map([...statuses].sort(([a], [b]) => a - b))
}

/** A route's error answers, each a reference to the shared answer of its status. */
function errorAnswers(route: ApiRoute): Json {
  const answers: Json = {}
  for (const status of errorStatuses(route).keys()) {
    answers[String(status)] = { $ref: `#/components/responses/Error${status}` }
  }
  return answers
}

/** The shared error answers: each status, the kinds that give it, the error body. */
function sharedErrorAnswers(routes: ApiRoute[]): Json {
  const kinds = new Map<number, Set<ApiErrorKind>>()
  for (const route of routes) {
    for (const [status, statusKinds] of errorStatuses(route)) {
      for (const kind of statusKinds) kinds.set(status, (kinds.get(status) ?? new Set()).add(kind))
    }
  }
  const answers: Json = {}
  for (const [status, statusKinds] of [...kinds].sort(([a], [b]) => a - b)) {
    answers[`Error${status}`] = {
      description: `${ERROR_DESCRIPTIONS[status] ?? 'an error'} (kind ${[...statusKinds].join(' or ')})`,
      content: { 'application/json': { schema: { $ref: `${COMPONENT}ApiErrorBody` } } },
    }
  }
  return answers
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'the request is wrong: a field (named in the message), a name, a size',
  401: 'no token, or not the current one',
  403: 'not allowed: a wrong password or code, a missing permission, or a Host or Origin that does not name the API',
  404: 'not found; for a route of the running node, also while no node runs',
  409: 'it clashes with what exists, or the process is not in the state the route needs',
  410: 'the events asked for are no longer kept, or the node restarted: read the state again',
  413: 'the body is over the limit',
  423: 'locked out for a while after failed attempts',
  429: 'too many requests, or the password lockout (`retryAfterMs` says how long to wait)',
  500: 'a bug',
  503: 'the node, or the peer or service it needs, cannot serve it now: try again later',
}
