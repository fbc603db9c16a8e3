/**
 * Device lists in the node's LevelDB, in the component's own sublevel (`devices`): the layout
 * of node/friend-records-store.ts (`own`, `friend/<hex>`, `sent/<hex>`) plus
 *
 *   linked-state   on a linked device: the account's state its link handed over (LinkState)
 */
import { FriendRecordsStore, SYNC } from '../friend-records-store.ts'

const OWN = 'own'
const LINKED_STATE = 'linked-state'

export interface StoredDeviceLists {
  own?: Uint8Array
  linkedState?: Uint8Array
  friends: Map<string, Uint8Array>
  sent: Map<string, number>
}

export class DeviceListStore extends FriendRecordsStore {
  async load(): Promise<StoredDeviceLists> {
    const { extra, ...stored } = await this.loadRecords()
    return { ...stored, linkedState: extra.get(LINKED_STATE) }
  }

  /** What a linked device keeps of its link: the account's list naming it, and the state. */
  putLinked(list: Uint8Array, state: Uint8Array): Promise<void> {
    return this.db.batch(
      [
        { type: 'put', key: OWN, value: list },
        { type: 'put', key: LINKED_STATE, value: state },
      ],
      SYNC,
    )
  }

  /** The link's state alone (the friends part took the friends it handed over). */
  putLinkedState(state: Uint8Array): Promise<void> {
    return this.db.put(LINKED_STATE, state, SYNC)
  }
}
