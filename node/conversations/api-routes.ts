/** The local API routes of conversations (paths in protocol/local-api.ts). */
import { MAX_HISTORY_PAGE } from '../../protocol/limits.ts'
import {
  CONVERSATION_API_PATHS,
  type ConversationListResponse,
  type ConversationSearchResponse,
  type DeleteConversationRequest,
  type DeleteConversationResponse,
  type MutedConversationsResponse,
  type OpenConversationRequest,
  type OpenConversationResponse,
} from '../../protocol/local-api.ts'
import { ApiError, type Routes, stringField } from '../api/local-api-server.ts'
import { requireMessageId } from '../api/request-fields.ts'
import type { Conversations } from './conversations.ts'

export function conversationRoutes(conversations: () => Conversations): Routes {
  return {
    [`GET ${CONVERSATION_API_PATHS.list}`]: async (): Promise<ConversationListResponse> => ({
      conversations: await conversations().list(),
    }),
    [`POST ${CONVERSATION_API_PATHS.open}`]: async ({
      body,
    }): Promise<OpenConversationResponse> => {
      const request = (body ?? {}) as Partial<OpenConversationRequest>
      const peer = optionalString(request.peer, 'peer')
      const roomId = optionalString(request.roomId, 'roomId')
      if ((peer == null) === (roomId == null)) {
        throw new ApiError(400, 'InvalidRequest', 'name exactly one of "peer" and "roomId"')
      }
      return conversations().open(
        { peer, roomId },
        { limit: optionalCount(request.limit, 'limit') },
      )
    },
    [`GET ${CONVERSATION_API_PATHS.search}`]: async ({
      query,
    }): Promise<ConversationSearchResponse> => {
      const q = query.get('q')
      if (q == null || q.trim() === '') {
        throw new ApiError(400, 'InvalidRequest', '"q" must name the words to search for')
      }
      const limit = query.get('limit')
      return conversations().search(q, {
        limit: limit == null ? undefined : optionalCount(Number(limit), 'limit'),
        before: query.get('before') ?? undefined,
      })
    },
    [`GET ${CONVERSATION_API_PATHS.mutes}`]: async (): Promise<MutedConversationsResponse> => ({
      muted: await conversations().mutes.list(),
    }),
    [`POST ${CONVERSATION_API_PATHS.mute}`]: async ({
      body,
    }): Promise<MutedConversationsResponse> => {
      const { muted } = (body ?? {}) as { muted?: unknown }
      if (typeof muted !== 'boolean') {
        throw new ApiError(400, 'InvalidRequest', '"muted" must be true or false')
      }
      return { muted: await conversations().mutes.set(stringField(body, 'conversation'), muted) }
    },
    [`POST ${CONVERSATION_API_PATHS.delete}`]: async ({
      body,
    }): Promise<DeleteConversationResponse> => {
      const request = body as Partial<DeleteConversationRequest> | undefined
      const peer = optionalString(request?.peer, 'peer')
      if (peer == null)
        throw new ApiError(400, 'InvalidRequest', '"peer" must name the conversation')
      const ids = request?.ids
      if (
        ids != null &&
        (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_HISTORY_PAGE)
      ) {
        throw new ApiError(400, 'InvalidRequest', `"ids" lists 1..${MAX_HISTORY_PAGE} message ids`)
      }
      return conversations().deleteConversation(
        peer,
        ids?.map((id) => requireMessageId(id, 'ids')),
      )
    },
  }
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value == null) return undefined
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ApiError(400, 'InvalidRequest', `"${name}" must be a non-empty string`)
  }
  return value
}

function optionalCount(value: unknown, name: string): number | undefined {
  if (value == null) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ApiError(400, 'InvalidRequest', `"${name}" must be a positive integer`)
  }
  return value
}
