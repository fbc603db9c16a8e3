/** The local API routes of direct messaging (paths in protocol/local-api.ts). */
import {
  API_PATHS,
  type HistoryResponse,
  type InboxResponse,
  type MarkReadRequest,
  type MarkReadResponse,
  type MessageDevicesResponse,
  type SendMessageRequest,
  type SendMessageResponse,
} from '../../protocol/local-api.ts'
import { styleFromView } from '../../protocol/rich-content.ts'
import type { Routes } from '../api/local-api-server.ts'
import { optionalPositiveInteger, requireString } from '../api/request-fields.ts'
import type { DirectMessages } from './direct-messages.ts'

export function messagingRoutes(messages: () => DirectMessages): Routes {
  return {
    [`POST ${API_PATHS.messages}`]: async ({ body }): Promise<SendMessageResponse> => {
      const request = body as Partial<SendMessageRequest> | undefined
      const to = requireString(request?.to, 'to')
      const text = requireString(request?.text, 'text')
      return messages().send(to, text, { style: styleFromView(request?.style) })
    },
    [`GET ${API_PATHS.messageDevices}`]: async ({ query }): Promise<MessageDevicesResponse> =>
      messages().messageDevices(
        requireString(query.get('peer') ?? undefined, 'peer'),
        requireString(query.get('id') ?? undefined, 'id'),
      ),
    [`GET ${API_PATHS.inbox}`]: async (): Promise<InboxResponse> => ({
      conversations: await messages().inbox(),
    }),
    [`GET ${API_PATHS.history}`]: async ({ query }): Promise<HistoryResponse> => {
      const peer = requireString(query.get('peer') ?? undefined, 'peer')
      return messages().history(peer, {
        limit: optionalPositiveInteger(query.get('limit'), 'limit'),
        before: optionalPositiveInteger(query.get('before'), 'before'),
      })
    },
    [`POST ${API_PATHS.conversationsRead}`]: async ({ body }): Promise<MarkReadResponse> => {
      const request = body as Partial<MarkReadRequest> | undefined
      return messages().markRead(requireString(request?.peer, 'peer'))
    },
  }
}
