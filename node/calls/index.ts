/**
 * Voice calls between two users' web clients (doc/calls.md): the signalling that travels in
 * the 1:1 session, the call log, and their local API routes.
 *
 * @example
 * ```ts
 * const calls = new VoiceCalls({ db, send: (peer, payload) => messaging.sendCall(peer, payload),
 *   isFriend, resolvePeer, emit, log })
 * messagingInit.calls = calls // messaging hands it the peer's signals
 * ```
 */
export { callRoutes } from './api-routes.ts'
export type { CallOutcome, CallState } from './call-state.ts'
export * from './errors.ts'
export {
  callView,
  type IceServer,
  VoiceCalls,
  type VoiceCallsComponents,
  type VoiceCallsInit,
} from './voice-calls.ts'
