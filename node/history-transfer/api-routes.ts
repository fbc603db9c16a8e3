/** The local API routes of the history transfer (declared in protocol/local-api/devices.ts). */
import { DEVICES_ROUTES } from '../../protocol/local-api/devices.ts'
import { serve } from '../api/declared-route.ts'
import type { Routes } from '../api/local-api-server.ts'
import type { HistoryTransfer } from './history-transfer.ts'

export function historyTransferRoutes(history: () => HistoryTransfer): Routes {
  return {
    ...serve(DEVICES_ROUTES.historyStatus, async () => history().status()),
    ...serve(DEVICES_ROUTES.startHistory, async ({ body }) =>
      history().request(body.history, body.from),
    ),
  }
}
