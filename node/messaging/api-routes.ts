/** The local API routes of direct messaging (declared in protocol/local-api/messages.ts). */
import { fromHex } from '../../protocol/bytes.ts'
import { MESSAGES_ROUTES } from '../../protocol/local-api/messages.ts'
import { styleFromView } from '../../protocol/rich-content.ts'
import { serve } from '../api/declared-route.ts'
import type { Routes } from '../api/local-api-server.ts'
import type { DirectMessages } from './direct-messages.ts'

export function messagingRoutes(messages: () => DirectMessages): Routes {
  const routes = MESSAGES_ROUTES
  return {
    ...serve(routes.send, async ({ body }) =>
      messages().send(body.to, body.text, {
        style: styleFromView(body.style),
        replyTo: body.replyTo == null ? undefined : fromHex(body.replyTo),
        forwarded: body.forwarded === true,
      }),
    ),
    ...serve(routes.edit, async ({ body }) =>
      messages().act(body.peer, body.id, { type: 'edit', text: body.text }),
    ),
    ...serve(routes.recall, async ({ body }) =>
      messages().act(body.peer, body.id, { type: 'recall' }),
    ),
    ...serve(routes.react, async ({ body }) =>
      messages().act(body.peer, body.id, { type: 'react', emoji: body.emoji }),
    ),
    ...serve(routes.devices, async ({ query }) => messages().messageDevices(query.peer, query.id)),
    ...serve(routes.inbox, async () => ({ conversations: await messages().inbox() })),
    ...serve(routes.history, async ({ query }) =>
      messages().history(query.peer, { limit: query.limit, before: query.before }),
    ),
    ...serve(routes.markRead, async ({ body }) => messages().markRead(body.peer)),
  }
}
