/**
 * `GET /v1/openapi.json`: the OpenAPI 3.1 document of the local API, made once from the
 * routes' declarations (protocol/local-api/routes.ts), naming the server it is asked of.
 * Behind the token like every route: a client that can read it can call the API.
 */
import { NODE_ROUTES } from '../../protocol/local-api/node.ts'
import { openApiDocument } from '../../protocol/local-api/openapi.ts'
import { LOCAL_API_ROUTES } from '../../protocol/local-api/routes.ts'
import { NODE_VERSION } from '../version.ts'
import { routeKey } from './declared-route.ts'
import type { RouteHandler } from './local-api-server.ts'

/** The document of the whole API, as served by the API at `url`. */
export function localApiDocument(url?: string): Record<string, unknown> {
  return openApiDocument(LOCAL_API_ROUTES, { version: NODE_VERSION, serverUrl: url })
}

/** The route that serves the document, keyed as the server looks routes up. */
export function openApiRoute(url: () => string): Record<string, RouteHandler> {
  let document: Record<string, unknown> | undefined
  return {
    [routeKey(NODE_ROUTES.openapi)]: async () => {
      document ??= localApiDocument(url())
      return document
    },
  }
}
