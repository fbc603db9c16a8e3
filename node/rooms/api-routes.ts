/** The local API routes of rooms (paths in protocol/local-api.ts). */
import {
  API_PATHS,
  type CreateRoomRequest,
  type CreateRoomResponse,
  type JoinRoomRequest,
  type RenameRoomRequest,
  type RoomHistoryResponse,
  type RoomInviteResponse,
  type RoomListResponse,
  type RoomMemberRequest,
  type RoomMembersResponse,
  type RoomMessageView,
  type RoomRequest,
  type RoomRoleRequest,
  type RoomSummary,
  type SendRoomMessageRequest,
} from '../../protocol/local-api.ts'
import { ApiError, type Routes } from '../api/local-api-server.ts'
import { optionalPositiveInteger, requireString } from '../api/request-fields.ts'
import type { RoomService } from './room-service.ts'

export function roomRoutes(rooms: () => RoomService): Routes {
  return {
    [`GET ${API_PATHS.rooms}`]: async (): Promise<RoomListResponse> => ({
      rooms: rooms().listRooms(),
    }),
    [`POST ${API_PATHS.rooms}`]: async ({ body }): Promise<CreateRoomResponse> => {
      const request = body as Partial<CreateRoomRequest> | undefined
      if (request?.inviteOnly != null && typeof request.inviteOnly !== 'boolean') {
        throw new ApiError(400, 'InvalidRequest', '"inviteOnly" must be true or false')
      }
      return rooms().create(requireString(request?.name, 'name'), {
        inviteOnly: request?.inviteOnly,
      })
    },
    [`POST ${API_PATHS.roomsJoin}`]: async ({ body }): Promise<RoomSummary> => {
      const request = body as Partial<JoinRoomRequest> | undefined
      const via = request?.via ?? []
      if (!Array.isArray(via) || via.some((peer) => typeof peer !== 'string')) {
        throw new ApiError(400, 'InvalidRequest', '"via" must be a list of peer ids')
      }
      return rooms().join(requireString(request?.room, 'room'), { via })
    },
    [`POST ${API_PATHS.roomsLeave}`]: async ({ body }): Promise<RoomSummary> =>
      rooms().leave(roomIdOf(body)),
    [`GET ${API_PATHS.roomsInvite}`]: async ({ query }): Promise<RoomInviteResponse> =>
      rooms().invite(requireString(query.get('room'), 'room')),
    [`GET ${API_PATHS.roomsMembers}`]: async ({ query }): Promise<RoomMembersResponse> =>
      rooms().members(requireString(query.get('room'), 'room')),
    [`POST ${API_PATHS.roomsRemove}`]: async ({ body }): Promise<RoomMembersResponse> => {
      const request = body as Partial<RoomMemberRequest> | undefined
      return rooms().remove(roomIdOf(body), requireString(request?.member, 'member'))
    },
    [`POST ${API_PATHS.roomsRole}`]: async ({ body }): Promise<RoomMembersResponse> => {
      const request = body as Partial<RoomRoleRequest> | undefined
      if (request?.role !== 'admin' && request?.role !== 'member') {
        throw new ApiError(400, 'InvalidRequest', '"role" must be "admin" or "member"')
      }
      return rooms().setRole(roomIdOf(body), requireString(request.member, 'member'), request.role)
    },
    [`POST ${API_PATHS.roomsRename}`]: async ({ body }): Promise<RoomSummary> => {
      const request = body as Partial<RenameRoomRequest> | undefined
      return rooms().rename(roomIdOf(body), requireString(request?.name, 'name'))
    },
    [`POST ${API_PATHS.roomsMessages}`]: async ({ body }): Promise<RoomMessageView> => {
      const request = body as Partial<SendRoomMessageRequest> | undefined
      return rooms().send(roomIdOf(body), requireString(request?.text, 'text'))
    },
    [`GET ${API_PATHS.roomsMessages}`]: async ({ query }): Promise<RoomHistoryResponse> =>
      rooms().history(requireString(query.get('room'), 'room'), {
        limit: optionalPositiveInteger(query.get('limit'), 'limit'),
        before: query.get('before') || undefined,
      }),
    [`POST ${API_PATHS.roomsRead}`]: async ({ body }): Promise<RoomSummary> =>
      rooms().markRead(roomIdOf(body)),
  }
}

function roomIdOf(body: unknown): string {
  return requireString((body as Partial<RoomRequest> | undefined)?.roomId, 'roomId')
}
