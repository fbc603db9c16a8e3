/**
 * The local API's OpenAPI document, against a real node (a daemon on a fresh data dir, real
 * LevelDB): the document validates as OpenAPI 3.1 (@readme/openapi-parser), and a check made
 * from the document calls every route with a minimal request built from its schemas, and
 * asserts the status is one the document lists and the body matches the declared schema.
 * An invalid request answers the declared 400 with the error body.
 */
import { validate } from '@readme/openapi-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LocalApiClient } from '../../client/api-client.ts'
import { ApiErrorBody } from '../../protocol/local-api/common.ts'
import type { ApiRoute } from '../../protocol/local-api/route.ts'
import { LOCAL_API_ROUTES } from '../../protocol/local-api/routes.ts'
import { startApiDaemon } from '../helpers/api-daemon.ts'
import { sample } from '../helpers/openapi-samples.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const PASSWORD = 'correct horse battery staple 42'

/**
 * Routes the walk leaves out, and why: each would end the process or its identity under the
 * rest of the walk.
 */
const NOT_CALLED: Record<string, string> = {
  nodeStop: 'stops the process',
  nodeApiToken: 'replaces the token every later call carries',
  identityRotate: 'moves the account to a new key and restarts the node',
  identityRecover: 'moves the account to a new key and restarts the node',
}

/** Routes the walk leaves out while the process waits for its identity: each would make one. */
const NOT_CALLED_WAITING: Record<string, string> = {
  ...NOT_CALLED,
  nodeCreateIdentity: 'creates the identity',
  nodeRestoreIdentity: 'creates the identity',
  nodeLinkDevice: 'looks for the device showing the code on the network',
}

const cleanups: Array<() => Promise<void>> = []
let url: string
let token: string
let api: LocalApiClient
let running: Promise<string> | undefined

beforeAll(async () => {
  const dir = await makeTempDir('tokenim-openapi-')
  cleanups.push(dir.remove)
  const started = await startApiDaemon(dir.path, cleanups)
  url = started.daemon.api.url
  token = started.daemon.api.token
  api = started.api
}, 60_000)

/** Creates the identity once, so the node runs; resolves with its peer id. */
function runningNode(): Promise<string> {
  running ??= api.createIdentity({ password: PASSWORD }).then(({ peerId }) => peerId)
  return running
}
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

async function call(
  method: string,
  path: string,
  options: { query?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; body: unknown }> {
  const target = new URL(path, url)
  for (const [name, value] of Object.entries(options.query ?? {})) {
    target.searchParams.set(name, value)
  }
  const response = await fetch(target, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  })
  const text = await response.text()
  const json = response.headers.get('content-type')?.startsWith('application/json') === true
  return { status: response.status, body: json && text !== '' ? JSON.parse(text) : text }
}

/** The parts of an OpenAPI operation the walk reads. */
interface Operation {
  operationId: string
  parameters?: Array<{ name: string; required: boolean; schema: Record<string, unknown> }>
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> }
  responses: Record<string, unknown>
}

// biome-ignore lint/suspicious/noExplicitAny: the document, read as the JSON it is
type Document = Record<string, any> & { paths: Record<string, Record<string, Operation>> }

async function servedDocument(): Promise<Document> {
  const { status, body } = await call('GET', '/v1/openapi.json')
  expect(status).toBe(200)
  return body as Document
}

/** Each declared route by the operationId the document gives it. */
function declaredRoutes(): Map<string, ApiRoute> {
  const routes = new Map<string, ApiRoute>()
  for (const [area, table] of Object.entries(LOCAL_API_ROUTES)) {
    for (const [key, route] of Object.entries(table as Record<string, ApiRoute>)) {
      routes.set(area + key[0].toUpperCase() + key.slice(1), route)
    }
  }
  return routes
}

describe('the OpenAPI document', () => {
  it('is served with the token and validates as OpenAPI 3.1', async () => {
    const document = await servedDocument()
    expect(document.openapi).toBe('3.1.0')
    expect(document.servers[0].url).toBe(url)
    const result = await validate(structuredClone(document) as never)
    expect(result.valid ? [] : result.errors).toEqual([])
    expect(result.valid).toBe(true)
    const refused = await fetch(new URL('/v1/openapi.json', url))
    expect(refused.status).toBe(401)
  })

  it('describes every declared route, each with its error answers', async () => {
    const document = await servedDocument()
    const declared = declaredRoutes()
    const described = new Set<string>()
    for (const operations of Object.values(document.paths)) {
      for (const operation of Object.values(operations)) {
        described.add(operation.operationId)
        const statuses = Object.keys(operation.responses)
        expect(statuses, operation.operationId).toEqual(
          expect.arrayContaining(['401', '403', '500', '503']),
        )
      }
    }
    expect([...described].sort()).toEqual([...declared.keys()].sort())
  })

  it('every route answers as the document says while the process waits for its identity', async () => {
    const answered = await walk(await servedDocument(), { password: PASSWORD }, NOT_CALLED_WAITING)
    console.log(`routes answered, waiting for an identity:\n${answered.join('\n')}`)
    expect(answered).toContain('nodeState 200')
    expect(answered).toContain('friendsList 404')
  }, 120_000)

  it('every route answers as the document says, on a running node', async () => {
    const peerId = await runningNode()
    const known = {
      password: PASSWORD,
      peer: peerId,
      to: peerId,
      member: peerId,
      account: peerId,
      emoji: '👍',
    }
    const answered = await walk(await servedDocument(), known, NOT_CALLED)
    console.log(`routes answered, running:\n${answered.join('\n')}`)
    expect(answered.filter((line) => line.endsWith(' 200')).length).toBeGreaterThan(40)
  }, 120_000)

  it('an invalid request answers the declared 400 with the error body', async () => {
    await runningNode()
    const document = await servedDocument()
    expect(document.paths['/v1/friends/add'].post.responses['400']).toBeDefined()
    const { status, body } = await call('POST', '/v1/friends/add', { body: { to: 5 } })
    expect(status).toBe(400)
    expect(ApiErrorBody.parse(body)).toEqual(body)
    expect(body).toMatchObject({ error: { name: 'InvalidRequest', kind: 'invalid' } })
    expect((body as ApiErrorBody).error.message).toContain('"to"')
  })
})

/**
 * Calls every operation of `document` but those of `skip` (and the event stream) with a
 * minimal request made from its schemas, asserting that the status is one the operation
 * lists and the body matches the declared schema; returns `<operationId> <status>` of each.
 */
async function walk(
  document: Document,
  known: Record<string, unknown>,
  skip: Record<string, string>,
): Promise<string[]> {
  const declared = declaredRoutes()
  const source = { components: document.components.schemas, known: { ...known } }
  const answered: string[] = []
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const id: string = operation.operationId
      const route = declared.get(id)!
      // The event stream is a WebSocket (api-events-replay.test.ts follows it).
      if (id in skip || route.websocket) continue
      const query: Record<string, string> = {}
      for (const parameter of operation.parameters ?? []) {
        if (parameter.required)
          query[parameter.name] = String(sample(parameter.schema, source, parameter.name))
      }
      // A file's bytes (an upload): an empty file.
      const json = operation.requestBody?.content['application/json']
      const body = json == null ? undefined : sample(json.schema, source)
      const answer = await call(method.toUpperCase(), path, { query, body })
      expect(
        Object.keys(operation.responses),
        `${id} answered ${answer.status}: ${JSON.stringify(answer.body)}`,
      ).toContain(String(answer.status))
      if (answer.status === 200 && route.responseBytes) {
        // A file's bytes: no schema to check.
      } else if (answer.status === 200) {
        // Parsing strips what the schema does not name: an answer equal to its parse has
        // no field the declaration lacks, and every field it has is of its declared type.
        expect(route.response.parse(answer.body), id).toEqual(answer.body)
      } else {
        expect(ApiErrorBody.parse(answer.body), id).toEqual(answer.body)
      }
      answered.push(`${id} ${answer.status}`)
      // What a route made (a room) is what later routes of the walk name.
      const made = (answer.body ?? {}) as { roomId?: unknown; id?: unknown }
      if (answer.status === 200 && typeof made.roomId === 'string') {
        const roomId = made.roomId
        Object.assign(source.known, { roomId, room: roomId, conversation: `room:${roomId}` })
        // A room message: the one the room's message actions act on.
        if (typeof made.id === 'string') source.known.id = made.id
      }
    }
  }
  return answered
}
