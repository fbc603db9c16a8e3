/**
 * Group rooms, the pure part: signed room events (ops and messages), the membership CRDT,
 * the room log's causal and total order, sender-key chains, sealed key bundles, invite
 * codes and the room-sync frames. The node's RoomService (node/rooms) drives them.
 *
 * @example
 * ```ts
 * const { genesis } = createRoom(owner, 'friends', false)
 * const log = new RoomLog(genesis)
 * const chain = SenderKeyChain.generate()
 * const event = buildMessage(owner, log, chain, 'hello')
 * log.ingest(event)
 * ```
 */
export * from './errors.ts'
export * from './invite.ts'
export * from './key-bundle.ts'
export * from './key-move.ts'
export * from './member-devices.ts'
export * from './membership.ts'
export * from './room-builder.ts'
export * from './room-event.ts'
export * from './room-log.ts'
export * from './room-sync.ts'
export * from './sender-key.ts'
