/**
 * Every room this node holds, by room id and by gossip topic. The two indexes are filled
 * together in `add`, the only way a room enters, so a topic always leads to its room.
 * `require`/`requireMember` turn a room id from the API into a room, and `memberKey` a member
 * named by the API into its key, or a typed error.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { toHex } from '../../protocol/bytes.ts'
import type { RoomLog } from '../../protocol/rooms/index.ts'
import { MemberNotFoundError, NotRoomMemberError, RoomNotFoundError } from './errors.ts'
import { createRuntime, type RoomRuntime } from './room-runtime.ts'
import type { RoomMeta } from './room-store.ts'

export class RoomRegistry {
  private readonly selfHex: string
  private readonly byId = new Map<string, RoomRuntime>()
  private readonly byTopic = new Map<string, RoomRuntime>()

  /** `selfHex`: our own key, to tell whether we are a member. */
  constructor(selfHex: string) {
    this.selfHex = selfHex
  }

  add(log: RoomLog, meta: RoomMeta): RoomRuntime {
    const room = createRuntime(log, meta)
    this.byId.set(log.roomIdHex, room)
    this.byTopic.set(room.topic, room)
    return room
  }

  /** The room with this id (lowercase hex), if we hold it. */
  get(roomIdHex: string): RoomRuntime | undefined {
    return this.byId.get(roomIdHex)
  }

  forTopic(topic: string): RoomRuntime | undefined {
    return this.byTopic.get(topic)
  }

  all(): IterableIterator<RoomRuntime> {
    return this.byId.values()
  }

  /** The room named by the API (any case); throws RoomNotFoundError. */
  require(roomIdHex: string): RoomRuntime {
    const room = this.byId.get(roomIdHex.toLowerCase())
    if (room == null) {
      throw new RoomNotFoundError(
        `no room ${roomIdHex} on this node: join it first ("tokenim rooms join")`,
      )
    }
    return room
  }

  /** A room we are a member of; throws RoomNotFoundError or NotRoomMemberError. */
  requireMember(roomIdHex: string): RoomRuntime {
    const room = this.require(roomIdHex)
    if (room.log.memberOf(this.selfHex) == null) {
      throw new NotRoomMemberError(
        `you are not a member of room ${roomIdHex} (any more): join it again first`,
      )
    }
    return room
  }

  /** A member named by peer id or hex key, as a hex key; throws MemberNotFoundError. */
  memberKey(room: RoomRuntime, member: string): string {
    let hex = /^[0-9a-f]{64}$/i.test(member) ? member.toLowerCase() : undefined
    if (hex == null) {
      try {
        const key = peerIdFromString(member).publicKey
        if (key?.type === 'Ed25519') hex = toHex(key.raw)
      } catch {
        // Not a peer id either: reported below.
      }
    }
    if (hex == null || !room.log.membership().members.has(hex)) {
      throw new MemberNotFoundError(`${member} is not a member of room ${room.log.roomIdHex}`)
    }
    return hex
  }
}
