/** The local API routes of direct messaging (paths in protocol/local-api.ts). */
import {
  API_PATHS,
  type HistoryResponse,
  type InboxResponse,
  type MarkReadRequest,
  type MarkReadResponse,
  type SendMessageRequest,
  type SendMessageResponse,
} from '../../protocol/local-api.ts'
import { styleFromView } from '../../protocol/rich-content.ts'
import { ApiError, type Routes } from '../api/local-api-server.ts'
import type { DirectMessages } from './direct-messages.ts'

export function messagingRoutes(messages: () => DirectMessages): Routes {
  return {
    [`POST ${API_PATHS.messages}`]: async ({ body }): Promise<SendMessageResponse> => {
      const request = body as Partial<SendMessageRequest> | undefined
      const to = requireString(request?.to, 'to')
      const text = requireString(request?.text, 'text')
      return messages().send(to, text, { style: styleFromView(request?.style) })
    },
    [`GET ${API_PATHS.inbox}`]: async (): Promise<InboxResponse> => ({
      conversations: await messages().inbox(),
    }),
    [`GET ${API_PATHS.history}`]: async ({ query }): Promise<HistoryResponse> => {
      const peer = requireString(query.get('peer') ?? undefined, 'peer')
      return messages().history(peer, {
        limit: optionalNumber(query.get('limit'), 'limit'),
        before: optionalNumber(query.get('before'), 'before'),
      })
    },
    [`POST ${API_PATHS.conversationsRead}`]: async ({ body }): Promise<MarkReadResponse> => {
      const request = body as Partial<MarkReadRequest> | undefined
      return messages().markRead(requireString(request?.peer, 'peer'))
    },
  }
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ApiError(400, 'InvalidRequest', `"${name}" must be a non-empty string`)
  }
  return value
}

function optionalNumber(value: string | null, name: string): number | undefined {
  if (value == null || value === '') return undefined
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new ApiError(400, 'InvalidRequest', `"${name}" must be a positive integer`)
  }
  return number
}
