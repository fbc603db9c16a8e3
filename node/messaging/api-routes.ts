/** The local API routes of direct messaging (paths in protocol/local-api.ts). */
import { fromHex } from '../../protocol/bytes.ts'
import {
  API_PATHS,
  type HistoryResponse,
  type InboxResponse,
  type MarkReadRequest,
  type MarkReadResponse,
  type MessageActionRequest,
  type MessageDevicesResponse,
  type MessageView,
  type SendMessageRequest,
  type SendMessageResponse,
} from '../../protocol/local-api.ts'
import { styleFromView } from '../../protocol/rich-content.ts'
import type { Routes } from '../api/local-api-server.ts'
import { ApiError } from '../api/local-api-server.ts'
import { optionalPositiveInteger, requireMessageId, requireString } from '../api/request-fields.ts'
import type { DirectMessages } from './direct-messages.ts'

export function messagingRoutes(messages: () => DirectMessages): Routes {
  return {
    [`POST ${API_PATHS.messages}`]: async ({ body }): Promise<SendMessageResponse> => {
      const request = body as Partial<SendMessageRequest> | undefined
      const to = requireString(request?.to, 'to')
      const text = requireString(request?.text, 'text')
      const replyTo =
        request?.replyTo == null ? undefined : fromHex(requireMessageId(request.replyTo, 'replyTo'))
      return messages().send(to, text, { style: styleFromView(request?.style), replyTo })
    },
    [`POST ${API_PATHS.messagesEdit}`]: async ({ body }): Promise<MessageView> => {
      const { peer, id, request } = actionTarget(body)
      if (typeof request?.text !== 'string')
        throw new ApiError(400, 'InvalidRequest', '"text" is the new text')
      return messages().act(peer, id, { type: 'edit', text: request.text })
    },
    [`POST ${API_PATHS.messagesRecall}`]: async ({ body }): Promise<MessageView> => {
      const { peer, id } = actionTarget(body)
      return messages().act(peer, id, { type: 'recall' })
    },
    [`POST ${API_PATHS.messagesReact}`]: async ({ body }): Promise<MessageView> => {
      const { peer, id, request } = actionTarget(body)
      if (typeof request?.emoji !== 'string') {
        throw new ApiError(400, 'InvalidRequest', '"emoji" is one emoji, or "" to remove yours')
      }
      return messages().act(peer, id, { type: 'react', emoji: request.emoji })
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

function actionTarget(body: unknown): {
  peer: string
  id: string
  request: Partial<MessageActionRequest> | undefined
} {
  const request = body as Partial<MessageActionRequest> | undefined
  return {
    peer: requireString(request?.peer, 'peer'),
    id: requireMessageId(request?.id, 'id'),
    request,
  }
}
