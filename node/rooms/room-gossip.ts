/**
 * A room's gossipsub topic: subscribing with the room's validator and score parameters,
 * publishing our events, and handing the events others publish to the intake.
 *
 * Guarantees, and how they are kept:
 * - Only events the validator accepted reach the intake: the validator keeps each accepted
 *   event, parsed, under its message bytes (a WeakMap), and the message listener takes only
 *   those. Nothing is parsed twice.
 * - Junk costs whoever relays it: oversized, undecodable or badly signed data, an outsider's
 *   event, a second event for a seq, a second CREATE, a JOIN without its invite proof and a
 *   deliberate replay (a copy older than `replayAgeMs`) are rejected, which gossipsub scores
 *   against the propagating peer (P4 at -10 on every room topic). A late duplicate and an
 *   event from a key the ops name but we do not count as a member are ignored; the latter
 *   asks for a sync with the sender (`stranger`), since its JOIN may not have reached us.
 * - A failed publish is logged, not thrown: the event is on disk and members fetch it from
 *   us by sync.
 */
import type { GossipSub, Message, TopicValidatorFn } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { createTopicScoreParams } from '@libp2p/gossipsub/score'
import type { Logger, PeerId } from '@libp2p/interface'
import { MAX_ROOM_MESSAGE_SIZE } from '../../protocol/limits.ts'
import {
  openRoomEvent,
  RoomOpKind,
  roomTopic,
  type SignedRoomEvent,
} from '../../protocol/rooms/index.ts'
import type { RoomRegistry } from './room-registry.ts'
import { mayEnter, type RoomRuntime } from './room-runtime.ts'

/** What rooms use of gossipsub. */
export type RoomPubsub = Pick<
  GossipSub,
  | 'topicValidators'
  | 'subscribe'
  | 'unsubscribe'
  | 'publish'
  | 'getSubscribers'
  | 'addEventListener'
  | 'removeEventListener'
>

export interface RoomGossipComponents {
  pubsub: RoomPubsub
  rooms: RoomRegistry
  log: Logger
  /** See RoomServiceInit.replayAgeMs. */
  replayAgeMs: number
  /** An accepted event of a room's topic. */
  ingest(room: RoomRuntime, event: SignedRoomEvent): void
  /** An event from a key the room knows but does not count as a member: catch up with `from`. */
  stranger(room: RoomRuntime, from: PeerId): void
}

interface ScoreAccess {
  score?: { params: { topics: Record<string, unknown> } }
}

export class RoomGossip {
  private readonly pubsub: RoomPubsub
  private readonly rooms: RoomRegistry
  private readonly log: Logger
  private readonly replayAgeMs: number
  private readonly ingest: RoomGossipComponents['ingest']
  private readonly stranger: RoomGossipComponents['stranger']
  private readonly parsed = new WeakMap<Uint8Array, SignedRoomEvent>()
  private readonly rejections = new Map<string, number>()

  constructor(components: RoomGossipComponents) {
    this.pubsub = components.pubsub
    this.rooms = components.rooms
    this.log = components.log
    this.replayAgeMs = components.replayAgeMs
    this.ingest = components.ingest
    this.stranger = components.stranger
  }

  start(): void {
    this.pubsub.addEventListener('message', this.onMessage)
  }

  /** Stops listening and leaves every room's topic. */
  stop(): void {
    this.pubsub.removeEventListener('message', this.onMessage)
    for (const room of this.rooms.all()) this.unsubscribe(room)
  }

  subscribe(room: RoomRuntime): void {
    if (room.subscribed) return
    room.subscribed = true
    this.pubsub.topicValidators.set(room.topic, this.validate)
    // Room topics are scored so that a peer relaying refused events loses standing; mesh
    // delivery rates are not scored (P3 off): a quiet room is not a misbehaving peer.
    const score = (this.pubsub as unknown as ScoreAccess).score
    if (score != null) {
      score.params.topics[room.topic] = createTopicScoreParams({
        topicWeight: 1,
        timeInMeshWeight: 0.01,
        timeInMeshQuantum: 1_000,
        timeInMeshCap: 100,
        firstMessageDeliveriesWeight: 0.1,
        firstMessageDeliveriesDecay: 0.9,
        firstMessageDeliveriesCap: 100,
        meshMessageDeliveriesWeight: 0,
        meshFailurePenaltyWeight: 0,
        invalidMessageDeliveriesWeight: -10,
        invalidMessageDeliveriesDecay: 0.9,
      })
    }
    this.pubsub.subscribe(room.topic)
  }

  unsubscribe(room: RoomRuntime): void {
    if (!room.subscribed) return
    room.subscribed = false
    this.pubsub.unsubscribe(room.topic)
    this.pubsub.topicValidators.delete(room.topic)
  }

  async publish(room: RoomRuntime, event: SignedRoomEvent): Promise<void> {
    try {
      await this.pubsub.publish(room.topic, event.bytes)
    } catch (err) {
      // Not lost: members fetch it from us when they sync.
      this.log('room %s: publish failed: %s', room.log.roomIdHex, (err as Error).message)
    }
  }

  /** The peers we know to be on a room's topic (whether or not we hold the room). */
  subscribers(roomIdHex: string): PeerId[] {
    return this.pubsub.getSubscribers(roomTopic(roomIdHex))
  }

  /** Gossip messages our validators refused, by propagating peer. */
  rejectedBy(peerId: string): number {
    return this.rejections.get(peerId) ?? 0
  }

  private readonly validate: TopicValidatorFn = (peer, message) => {
    const room = this.rooms.forTopic(message.topic)
    if (room == null) return TopicValidatorResult.Ignore
    const verdict = this.judge(room, message, peer)
    if (verdict === TopicValidatorResult.Reject) {
      this.rejections.set(peer.toString(), this.rejectedBy(peer.toString()) + 1)
    }
    return verdict
  }

  private judge(room: RoomRuntime, message: Message, from: PeerId): TopicValidatorResult {
    if (message.data.byteLength > MAX_ROOM_MESSAGE_SIZE) return TopicValidatorResult.Reject
    let event: SignedRoomEvent
    try {
      event = openRoomEvent(message.data)
    } catch (err) {
      this.log(
        'room %s: refused gossip from %p: %s',
        room.log.roomIdHex,
        from,
        (err as Error).message,
      )
      return TopicValidatorResult.Reject
    }
    if (room.log.has(event.idHex)) {
      const age = Date.now() - event.event.sentAtMs
      return age > this.replayAgeMs ? TopicValidatorResult.Reject : TopicValidatorResult.Ignore
    }
    const standing = room.log.authorStanding(event)
    if (standing === 'outsider') {
      this.log('room %s: %p relayed an event by a non-member', room.log.roomIdHex, from)
      return TopicValidatorResult.Reject
    }
    if (standing === 'stranger') {
      // Maybe a member whose JOIN or ADD we have not seen yet: catch up, do not relay blindly.
      this.stranger(room, from)
      return TopicValidatorResult.Ignore
    }
    // Equivocation (a second event for one seq), a second CREATE, a JOIN without its invite.
    if (room.log.bySeq(event.authorHex, event.event.seq) != null) return TopicValidatorResult.Reject
    if (event.event.op?.kind === RoomOpKind.CREATE) return TopicValidatorResult.Reject
    if (
      event.event.op?.kind === RoomOpKind.JOIN &&
      !mayEnter(room, event.event.author, event.event.op.inviteProof)
    ) {
      return TopicValidatorResult.Reject
    }
    this.parsed.set(message.data, event)
    return TopicValidatorResult.Accept
  }

  private readonly onMessage = (evt: CustomEvent<Message>): void => {
    const message = evt.detail
    const room = this.rooms.forTopic(message.topic)
    if (room == null) return
    const event = this.parsed.get(message.data)
    if (event == null) return
    this.ingest(room, event)
  }
}
