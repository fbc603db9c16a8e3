/**
 * Group rooms on the user's node: the RoomService component, its local API routes, and the
 * port through which sender keys travel between members.
 *
 * @example
 * ```ts
 * const rooms = new RoomService({ host, db: storage.sublevel('rooms'), identity, emit })
 * await rooms.start()
 * const { roomId, invite } = await rooms.create('lunch')
 * await rooms.send(roomId, 'who is in?')
 * ```
 */

export { tokenimMsgIdFn } from '../../network/gossip-message-id.ts'
export { roomRoutes } from './api-routes.ts'
export * from './errors.ts'
export type { OwnDeviceList } from './room-devices.ts'
export type { RoomFileOffer } from './room-files.ts'
export type { AccountKeyStatements } from './room-key-moves.ts'
export { RoomService } from './room-service.ts'
export type * from './room-service-contract.ts'
export {
  type SenderKeyHandler,
  type SenderKeyTransport,
  StreamSenderKeyTransport,
} from './sender-key-transport.ts'
