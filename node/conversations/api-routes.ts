/** The local API routes of conversations (declared in protocol/local-api/conversations.ts). */
import { CONVERSATION_ROUTES } from '../../protocol/local-api/conversations.ts'
import { serve } from '../api/declared-route.ts'
import type { Routes } from '../api/local-api-server.ts'
import type { Conversations } from './conversations.ts'

export function conversationRoutes(conversations: () => Conversations): Routes {
  const routes = CONVERSATION_ROUTES
  return {
    ...serve(routes.list, async () => ({ conversations: await conversations().list() })),
    ...serve(routes.open, async ({ body }) =>
      conversations().open({ peer: body.peer, roomId: body.roomId }, { limit: body.limit }),
    ),
    ...serve(routes.search, async ({ query }) =>
      conversations().search(query.q, { limit: query.limit, before: query.before }),
    ),
    ...serve(routes.mutes, async () => ({ muted: await conversations().mutes.list() })),
    ...serve(routes.mute, async ({ body }) => ({
      muted: await conversations().mutes.set(body.conversation, body.muted),
    })),
    ...serve(routes.delete, async ({ body }) =>
      conversations().deleteConversation(body.peer, body.ids),
    ),
  }
}
