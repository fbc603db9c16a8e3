/** The local API routes of voice calls (declared in protocol/local-api/calls.ts). */
import { CALL_ROUTES } from '../../protocol/local-api/calls.ts'
import { serve } from '../api/declared-route.ts'
import type { Routes } from '../api/local-api-server.ts'
import type { VoiceCalls } from './voice-calls.ts'

export function callRoutes(calls: () => VoiceCalls): Routes {
  return {
    ...serve(CALL_ROUTES.log, async ({ query }) => ({ calls: await calls().history(query.peer) })),
    ...serve(CALL_ROUTES.current, async () => calls().current()),
    ...serve(CALL_ROUTES.iceServers, () => calls().iceServers()),
    ...serve(CALL_ROUTES.start, ({ body }) => calls().call(body.peer, body.sdp)),
    ...serve(CALL_ROUTES.answer, ({ body }) => calls().accept(body.callId, body.sdp)),
    ...serve(CALL_ROUTES.candidates, ({ body }) =>
      calls().candidates(body.callId, body.candidates),
    ),
    ...serve(CALL_ROUTES.hangup, ({ body }) => calls().hangup(body.callId)),
    ...serve(CALL_ROUTES.decline, ({ body }) => calls().decline(body.callId)),
  }
}
