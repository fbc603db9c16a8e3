/**
 * Serving a declared route (protocol/local-api/route.ts): its query and body are parsed with
 * the declaration's schemas before the handler runs, so a handler gets typed, checked input
 * and a bad request answers 400 InvalidRequest naming the field, the same for every route.
 * The handler's answer is typed by the declaration's response schema.
 */

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { z } from 'zod'
import type {
  ApiRoute,
  RouteBody,
  RouteQuery,
  RouteResponse,
} from '../../protocol/local-api/route.ts'
import { ApiError } from './api-error.ts'
import type { RouteHandler, Routes } from './local-api-server.ts'

export interface DeclaredRequest<R extends ApiRoute> {
  query: RouteQuery<R>
  body: RouteBody<R>
}

export type DeclaredHandler<R extends ApiRoute> = (
  request: DeclaredRequest<R>,
) => Promise<RouteResponse<R>>

/** `route` answered by `handler`, keyed as the server looks routes up. */
export function serve<R extends ApiRoute>(route: R, handler: DeclaredHandler<R>): Routes {
  const checked: RouteHandler = async ({ body, query }) =>
    handler({
      query: (route.query == null
        ? {}
        : parsed(route.query, queryObject(query), 'query')) as RouteQuery<R>,
      body: (route.body == null
        ? undefined
        : parsed(route.body, body ?? {}, 'body')) as RouteBody<R>,
    })
  return { [routeKey(route)]: checked }
}

/**
 * A route that reads its body or writes its answer itself (a file's bytes): its query is
 * parsed by the declaration before `handler` runs.
 */
export function serveRaw<R extends ApiRoute>(
  route: R,
  handler: (req: IncomingMessage, res: ServerResponse, query: RouteQuery<R>) => Promise<void>,
): Routes {
  return {
    [routeKey(route)]: {
      raw: (req, res, url) =>
        handler(
          req,
          res,
          (route.query == null
            ? {}
            : parsed(route.query, queryObject(url.searchParams), 'query')) as RouteQuery<R>,
        ),
    },
  }
}

/** `METHOD /path`, the key of a route in `Routes`. */
export function routeKey(route: ApiRoute): string {
  return `${route.method} ${route.path}`
}

/** The query's parameters, the first value of each; an empty one counts as absent. */
export function queryObject(query: URLSearchParams): Record<string, string> {
  const object: Record<string, string> = {}
  for (const [name, value] of query) {
    if (value !== '' && !(name in object)) object[name] = value
  }
  return object
}

/** `value` parsed by `schema`, or a 400 InvalidRequest that says what is wrong where. */
export function parsed<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: 'query' | 'body',
): z.output<T> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const field = issue.path.join('.')
  const place = where === 'query' ? 'the query' : 'the request body'
  throw new ApiError(
    400,
    'InvalidRequest',
    field === ''
      ? `${place}: ${issue.message}`
      : `"${field}" in ${place}: ${issue.message.replace(/^Invalid input: /, '')}`,
  )
}
