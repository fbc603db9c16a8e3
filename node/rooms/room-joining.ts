/**
 * Entering rooms: creating one we own, joining one by room id or invite code, and the invite
 * code we hand out.
 *
 * Guarantees, and how they are kept:
 * - A join writes nothing, and publishes no op, before the room is here and
 *   `checkMayJoin` (room-invites.ts) allows it: a room we lack is fetched first, from the
 *   inviter the code names, then the peers `via` names, then the topic's subscribers, then
 *   any connected peer, each asked once; none answering is a RoomUnreachableError.
 * - Our account joins a room once: a device whose account is a member already enrols
 *   (room-devices.ts) instead of joining; a member joining again publishes nothing, and is
 *   subscribed and handed our chain again (room-membership.ts).
 * - Our CREATE and JOIN carry the account's recovery commitment in force, so the room can
 *   check a later recovery of the account against it.
 * - A room we create is on disk (genesis, meta, our chain) before we are on its topic.
 */
import type { Logger, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { RoomSummary } from '../../protocol/local-api.ts'
import {
  createRoom,
  RoomLog,
  RoomOpKind,
  SenderKeyChain,
  serializeSenderKey,
} from '../../protocol/rooms/index.ts'
import { type Identity, peerIdOf } from '../identity/index.ts'
import { RoomUnreachableError } from './errors.ts'
import type { OwnEvents } from './own-events.ts'
import type { RoomDevices } from './room-devices.ts'
import type { RoomGossip } from './room-gossip.ts'
import { checkMayJoin, inviteCode, readJoinTicket } from './room-invites.ts'
import type { AccountKeyStatements } from './room-key-moves.ts'
import type { RoomMembership } from './room-membership.ts'
import type { RoomPersistence } from './room-persistence.ts'
import type { RoomRegistry } from './room-registry.ts'
import { RoomStore } from './room-store.ts'
import type { RoomSync } from './room-sync.ts'
import type { RoomViews } from './room-views.ts'

export interface RoomJoiningComponents {
  identity: Identity
  selfHex: string
  rooms: Pick<RoomRegistry, 'add' | 'get' | 'requireMember'>
  persistence: Pick<RoomPersistence, 'persist' | 'writeNow'>
  gossip: Pick<RoomGossip, 'subscribe' | 'subscribers'>
  sync: Pick<RoomSync, 'fetchRoom' | 'syncWith' | 'dialMembers'>
  own: Pick<OwnEvents, 'publishOp'>
  devices: Pick<RoomDevices, 'accountIsMember' | 'enrol' | 'joinFields'>
  membership: Pick<RoomMembership, 'changed'>
  views: Pick<RoomViews, 'summary'>
  /** The peers we are connected to now: asked for a room we join last. */
  connectedPeers(): PeerId[]
  /** The account's key statements (the keystore's chain). */
  keyStatements?(): Promise<AccountKeyStatements | undefined>
  log: Logger
}

export class RoomJoining {
  private readonly components: RoomJoiningComponents

  constructor(components: RoomJoiningComponents) {
    this.components = components
  }

  /** Creates a room we own; its invite carries the invite secret when it is invite-only. */
  async create(
    name: string,
    options: { inviteOnly?: boolean } = {},
  ): Promise<{ roomId: string; invite: string; room: RoomSummary }> {
    const { identity, selfHex, rooms, persistence, gossip, views } = this.components
    const { genesis, inviteSeed } = createRoom(
      identity,
      name,
      options.inviteOnly === true,
      await this.recoveryCommitment(),
    )
    const room = rooms.add(new RoomLog(genesis), {
      roomId: genesis.idHex,
      joined: true,
      inviteSeed: inviteSeed == null ? undefined : Buffer.from(inviteSeed).toString('base64'),
      readLamport: 0,
    })
    room.chain = SenderKeyChain.generate()
    await persistence.writeNow([
      RoomStore.meta(room.meta),
      RoomStore.event(room.log.roomIdHex, genesis.idHex, genesis.bytes),
      RoomStore.chain(room.log.roomIdHex, serializeSenderKey(room.chain.state())),
    ])
    gossip.subscribe(room)
    return {
      roomId: genesis.idHex,
      invite: inviteCode(room, identity.publicKey, selfHex),
      room: views.summary(room),
    }
  }

  /**
   * Joins by room id (open rooms) or invite code: fetches the room from a member (the
   * inviter, `via`, or any connected peer that has it), then publishes our JOIN.
   */
  async join(roomOrInvite: string, options: { via?: string[] } = {}): Promise<RoomSummary> {
    const { identity, selfHex, rooms, persistence, gossip, sync, own } = this.components
    const { devices, membership, views, log } = this.components
    const ticket = readJoinTicket(roomOrInvite, identity.publicKey)
    const { roomIdHex, proof } = ticket
    let room = rooms.get(roomIdHex)
    if (room?.log.memberOf(selfHex) != null) return views.summary(room)
    const candidates = [
      ...(ticket.inviter != null ? [peerIdOf({ publicKey: ticket.inviter })] : []),
      ...(options.via ?? []).map((text) => peerIdFromString(text)),
      ...gossip.subscribers(roomIdHex),
      ...this.components.connectedPeers(),
    ].filter((peer, i, all) => all.findIndex((other) => other.equals(peer)) === i)
    if (room == null) {
      for (const peer of candidates) {
        room = await sync.fetchRoom(ticket.roomId, peer, proof).catch((err) => {
          log('could not fetch room %s from %p: %s', roomIdHex, peer, err.message)
          return undefined
        })
        if (room != null) break
      }
    }
    if (room == null) {
      throw new RoomUnreachableError(
        `no member of room ${roomIdHex} could be reached: ask for an invite code (it names a member), or connect to a member first`,
      )
    }
    checkMayJoin(room, ticket, selfHex)
    const state = room.log.membership()
    room.meta.joined = true
    if (ticket.secret != null && room.meta.inviteSeed == null && state.inviteOnly) {
      // Kept only for showing the same invite again; admins get it from the owner anyway.
      room.meta.inviteSeed = Buffer.from(ticket.secret).toString('base64')
    }
    gossip.subscribe(room)
    if (devices.accountIsMember(room) && room.log.memberOf(selfHex) == null) {
      // Our account is in the room through another device: this one enrols.
      await devices.enrol(room)
    } else if (!state.members.has(selfHex)) {
      const recoveryCommitment = await this.recoveryCommitment()
      await own.publishOp(room, {
        kind: RoomOpKind.JOIN,
        inviteProof: proof,
        recoveryCommitment,
        ...devices.joinFields(),
      })
    } else {
      await persistence.persist(room, [RoomStore.meta(room.meta)])
      membership.changed(room, state, state, true)
    }
    // Tell whoever served us that we are here, in case the gossip mesh is not formed yet:
    // seeing our heads, it pulls our JOIN back.
    for (const peer of candidates.slice(0, 3)) {
      void sync.syncWith(room, peer, { force: true, inviteProof: proof })
    }
    void sync.dialMembers(room)
    return views.summary(room)
  }

  /** The invite code to hand out (invite-only rooms: owners and admins only). */
  invite(roomIdHex: string): { roomId: string; invite: string } {
    const { identity, selfHex, rooms } = this.components
    const room = rooms.requireMember(roomIdHex)
    return { roomId: roomIdHex, invite: inviteCode(room, identity.publicKey, selfHex) }
  }

  /**
   * The account's recovery commitment in force, which our CREATE and JOIN carry so the room
   * can check a later recovery of the account against it (protocol/rooms/membership.ts).
   */
  private async recoveryCommitment(): Promise<Uint8Array> {
    return (await this.components.keyStatements?.())?.commitment ?? new Uint8Array(0)
  }
}
