/** Group rooms: create one, join by invite, see members. */
import type { WebApiClient } from '../api-client.ts'

export interface RoomsPanelProps {
  client: WebApiClient
  /** Shows the room in the chat pane. */
  onOpenRoom: (roomId: string) => void
}

export function RoomsPanel(_props: RoomsPanelProps) {
  return (
    <section class="panel" aria-label="Rooms">
      <p class="list-empty">Rooms are not available in this version of the web client yet.</p>
    </section>
  )
}
