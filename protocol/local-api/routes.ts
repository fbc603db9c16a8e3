/**
 * Every route of the local API, by area: the tables each area declares beside its schemas.
 * The OpenAPI document is made from this (openapi.ts), and a test calls each route in it.
 */
import { CALL_ROUTES } from './calls.ts'
import { CONVERSATION_ROUTES } from './conversations.ts'
import { DEVICES_ROUTES } from './devices.ts'
import { DIRECTORY_ROUTES } from './directory.ts'
import { FILE_ROUTES } from './files.ts'
import { FRIENDS_ROUTES } from './friends.ts'
import { IDENTITY_ROUTES } from './identity.ts'
import { MESSAGES_ROUTES } from './messages.ts'
import { NODE_ROUTES } from './node.ts'
import { PROFILE_ROUTES } from './profiles.ts'
import { RECOVERY_ROUTES } from './recovery.ts'
import { RELAY_ROUTES } from './relays.ts'
import { ROOM_ROUTES } from './rooms.ts'

export const LOCAL_API_ROUTES = {
  node: NODE_ROUTES,
  friends: FRIENDS_ROUTES,
  messages: MESSAGES_ROUTES,
  rooms: ROOM_ROUTES,
  conversations: CONVERSATION_ROUTES,
  files: FILE_ROUTES,
  relays: RELAY_ROUTES,
  devices: DEVICES_ROUTES,
  profiles: PROFILE_ROUTES,
  identity: IDENTITY_ROUTES,
  recovery: RECOVERY_ROUTES,
  directory: DIRECTORY_ROUTES,
  calls: CALL_ROUTES,
}
