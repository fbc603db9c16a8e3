/**
 * The contract of a node's local control API, shared by the node that serves it and every
 * client (CLI, terminal chat, web client): one file per area under protocol/local-api/, all
 * re-exported here. Types and constants only; the paths come from `local-api/paths.ts`.
 */

export type * from './local-api/calls.ts'
export type * from './local-api/common.ts'
export type * from './local-api/conversations.ts'
export type * from './local-api/devices.ts'
export type * from './local-api/directory.ts'
export type * from './local-api/events.ts'
export type * from './local-api/files.ts'
export type * from './local-api/friends.ts'
export type * from './local-api/identity.ts'
export type * from './local-api/messages.ts'
export type * from './local-api/node.ts'
export * from './local-api/paths.ts'
export type * from './local-api/profiles.ts'
export type * from './local-api/recovery.ts'
export type * from './local-api/relays.ts'
export type * from './local-api/rooms.ts'
