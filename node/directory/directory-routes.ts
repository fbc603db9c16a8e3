/** The local API's `/v1/directory/*` routes, answered by the node's NodeDirectory. */
import {
  DirectoryUnavailableError,
  RateLimitedError,
  VerificationRequiredError,
} from '../../protocol/directory-errors.ts'
import { DIRECTORY_ROUTES } from '../../protocol/local-api/directory.ts'
import type { ApiRoute } from '../../protocol/local-api/route.ts'
import { type DeclaredHandler, serve } from '../api/declared-route.ts'
import { ApiError, type Routes } from '../api/local-api-server.ts'
import type { NodeDirectory } from './node-directory.ts'

export function directoryRoutes(directory: NodeDirectory): Routes {
  const routes = DIRECTORY_ROUTES
  return {
    ...served(routes.register, async ({ body }) =>
      directory.register(body.name, {
        relay: body.relay,
        inviteCode: body.inviteCode,
        verification: body.verification,
      }),
    ),
    ...served(routes.signupPolicy, async ({ query }) => directory.signup.policy(query.relay)),
    ...served(routes.verify, async ({ body }) => directory.signup.start(body)),
    ...served(routes.verification, async ({ query }) =>
      directory.signup.status(query.id, query.relay),
    ),
    ...served(routes.release, async ({ body }) =>
      directory.release({ name: body.name, relay: body.relay }),
    ),
    ...served(routes.lookup, async ({ query }) => directory.lookup(query.name)),
    ...served(routes.search, async ({ query }) =>
      directory.search(query.prefix, { relay: query.relay, limit: query.limit }),
    ),
    ...served(routes.profile, async ({ body }) => {
      const { relay, ...fields } = body
      return directory.setProfile(fields, relay)
    }),
    ...served(routes.names, async () => ({ names: await directory.names() })),
  }
}

/**
 * Rate limits answer 429, an unreachable directory 503, a missing sign-up verification 403
 * (with the accepted `methods`); the rest keep the server's mapping.
 */
function served<R extends ApiRoute>(route: R, handler: DeclaredHandler<R>): Routes {
  return serve(route, async (request) => {
    try {
      return await handler(request)
    } catch (err) {
      if (err instanceof RateLimitedError) throw new ApiError(429, err.name, err.message)
      if (err instanceof DirectoryUnavailableError) throw new ApiError(503, err.name, err.message)
      if (err instanceof VerificationRequiredError) {
        throw new ApiError(403, err.name, err.message, { methods: err.methods })
      }
      throw err
    }
  })
}
