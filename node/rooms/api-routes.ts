/** The local API routes of rooms (declared in protocol/local-api/rooms.ts). */

import { ROOM_ROUTES } from '../../protocol/local-api/rooms.ts'
import type { PersonProfile } from '../../protocol/local-api.ts'
import { styleFromView } from '../../protocol/rich-content.ts'
import { serve } from '../api/declared-route.ts'
import type { Routes } from '../api/local-api-server.ts'
import { type AttachmentStateOf, fillAttachmentStates } from '../attachments/attachment-states.ts'
import type { RoomService } from './room-service.ts'

/**
 * A member's presence by its key (hex), as every view shows it: the friend list's for a
 * friend, online for this account, null for anyone else (presence goes to friends only).
 */
export type MemberPresence = (publicKeyHex: string) => boolean | null

/** The profile the node holds of a member (account key, hex), if any (node/profiles). */
export type MemberProfile = (publicKeyHex: string) => PersonProfile | undefined

/**
 * `attachmentState`: where a message's file stands, for history pages; `presence` and
 * `profile`: what the member list says of each member's presence and profile.
 */
export function roomRoutes(
  rooms: () => RoomService,
  attachmentState?: AttachmentStateOf,
  presence?: MemberPresence,
  profile?: MemberProfile,
): Routes {
  const routes = ROOM_ROUTES
  return {
    ...serve(routes.list, async () => ({ rooms: rooms().listRooms() })),
    ...serve(routes.create, async ({ body }) =>
      rooms().create(body.name, { inviteOnly: body.inviteOnly }),
    ),
    ...serve(routes.join, async ({ body }) => rooms().join(body.room, { via: body.via ?? [] })),
    ...serve(routes.leave, async ({ body }) => rooms().leave(body.roomId)),
    ...serve(routes.invite, async ({ query }) => rooms().invite(query.room)),
    ...serve(routes.members, async ({ query }) => {
      const list = await rooms().members(query.room)
      const members = list.members.map((member) => {
        const held = profile?.(member.publicKey)
        return {
          ...member,
          online: presence == null ? member.online : presence(member.publicKey),
          ...(held != null && { profile: held }),
        }
      })
      return { ...list, members }
    }),
    ...serve(routes.remove, async ({ body }) => rooms().remove(body.roomId, body.member)),
    ...serve(routes.role, async ({ body }) => rooms().setRole(body.roomId, body.member, body.role)),
    ...serve(routes.rename, async ({ body }) => rooms().rename(body.roomId, body.name)),
    ...serve(routes.send, async ({ body }) =>
      rooms().send(body.roomId, body.text, {
        replyTo: body.replyTo,
        forwarded: body.forwarded,
        style: styleFromView(body.style),
        mentions: body.mentions,
      }),
    ),
    ...serve(routes.edit, async ({ body }) =>
      rooms().act(body.roomId, body.id, { type: 'edit', text: body.text }),
    ),
    ...serve(routes.recall, async ({ body }) =>
      rooms().act(body.roomId, body.id, { type: 'recall' }),
    ),
    ...serve(routes.react, async ({ body }) =>
      rooms().act(body.roomId, body.id, { type: 'react', emoji: body.emoji }),
    ),
    ...serve(routes.history, async ({ query }) => {
      const page = rooms().history(query.room, { limit: query.limit, before: query.before })
      await fillAttachmentStates(page.messages, attachmentState)
      return page
    }),
    ...serve(routes.read, async ({ body }) => rooms().markRead(body.roomId)),
  }
}
