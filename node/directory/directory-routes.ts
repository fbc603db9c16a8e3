/** The local API's `/v1/directory/*` routes, answered by the node's NodeDirectory. */
import {
  DirectoryUnavailableError,
  RateLimitedError,
  VerificationRequiredError,
} from '../../protocol/directory-errors.ts'
import {
  DIRECTORY_API_PATHS,
  type RegisterNameRequest,
  type ReleaseNameRequest,
  type SetProfileRequest,
  type StartVerificationRequest,
} from '../../protocol/local-api.ts'
import { ApiError, type RouteHandler, type Routes } from '../api/local-api-server.ts'
import type { NodeDirectory } from './node-directory.ts'

export function directoryRoutes(directory: NodeDirectory): Routes {
  const paths = DIRECTORY_API_PATHS
  return {
    [`POST ${paths.register}`]: withStatus(async ({ body }) => {
      const request = body as RegisterNameRequest
      requireText(request?.name, 'name')
      return directory.register(request.name, {
        relay: request.relay,
        inviteCode: request.inviteCode,
        verification: request.verification,
      })
    }),
    [`GET ${paths.signupPolicy}`]: withStatus(async ({ query }) =>
      directory.signup.policy(query.get('relay') ?? undefined),
    ),
    [`POST ${paths.verify}`]: withStatus(async ({ body }) => {
      const request = body as StartVerificationRequest
      requireText(request?.method, 'method')
      return directory.signup.start(request)
    }),
    [`GET ${paths.verification}`]: withStatus(async ({ query }) => {
      const id = query.get('id')
      requireText(id, 'id')
      return directory.signup.status(id, query.get('relay') ?? undefined)
    }),
    [`POST ${paths.release}`]: withStatus(async ({ body }) => {
      const request = (body ?? {}) as ReleaseNameRequest
      return directory.release({ name: request.name, relay: request.relay })
    }),
    [`GET ${paths.lookup}`]: withStatus(async ({ query }) => {
      const name = query.get('name')
      requireText(name, 'name')
      return directory.lookup(name)
    }),
    [`GET ${paths.search}`]: withStatus(async ({ query }) => {
      const prefix = query.get('prefix')
      requireText(prefix, 'prefix')
      const limit = query.get('limit')
      return directory.search(prefix, {
        relay: query.get('relay') ?? undefined,
        limit: limit == null ? undefined : Number(limit),
      })
    }),
    [`PUT ${paths.profile}`]: withStatus(async ({ body }) => {
      const { relay, ...fields } = (body ?? {}) as SetProfileRequest
      return directory.setProfile(fields, relay)
    }),
    [`GET ${paths.names}`]: withStatus(async () => ({ names: await directory.names() })),
  }
}

/**
 * Rate limits answer 429, an unreachable directory 503, a missing sign-up verification 403
 * (with the accepted `methods`); the rest keep the server's mapping.
 */
function withStatus(handler: RouteHandler): RouteHandler {
  return async (request) => {
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
  }
}

function requireText(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || value === '') {
    throw new ApiError(400, 'InvalidRequest', `"${field}" is required`)
  }
}
