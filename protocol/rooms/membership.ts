/**
 * Room membership as a CRDT: the state is a pure function of the set of op events, computed
 * by replaying them in the events' total order (lamport, author, id). Every member that holds
 * the same ops computes the same members, names and roles, whatever order the ops arrived in.
 *
 * Each op is checked against the state just before it in that order; an op whose author
 * lacks the right at that point changes nothing (it stays in the log, so the replay stays
 * the same everywhere). Rules:
 * - CREATE (the first event) makes its author the owner.
 * - JOIN: anyone not banned, in an open room; in an invite-only room only with a valid
 *   invite proof.
 * - ADD: owner or admin; lifts a ban.
 * - REMOVE: owner or admin; the owner cannot be removed, and only the owner removes admins.
 *   The removed key is banned (it cannot JOIN again until an owner or admin ADDs it).
 * - LEAVE: any member (the owner too: the room then has no owner, admins keep their rights).
 * - PROMOTE / DEMOTE: owner only.
 * - RENAME: owner or admin.
 * - MOVE_KEY: by a key that is no member and not banned, whose account's key statements
 *   (key-move.ts) retired a member's key: the member's record (role, since, ownership) moves
 *   to the author, and every key the statements retired is banned. A member whose record
 *   pins its account's commitment (from its CREATE or JOIN) is judged by that commitment
 *   alone, and a chain that made more recoveries than the member's record moves it from
 *   whichever key holds it now: a recovery supersedes every rotation since the commitment,
 *   so what a thief moved with a stolen key comes back to the owner (and the thief's key is
 *   banned). A chain with fewer recoveries than the record moves nothing.
 * - DEVICES: the account's signed device list; who writes for a member (member-devices.ts).
 *   A member whose record pins no commitment yet pins the one the list carries.
 * Ops authored by an enrolled device act as its account (its role, its membership).
 * Concurrent conflicting ops resolve by the total order: whichever comes first in it
 * applies, and a later op whose author lost its right meanwhile does nothing. In particular
 * two admins removing each other concurrently: the first removal wins, the second is void.
 */
import { fromHex, toHex } from '../bytes.ts'
import { MAX_ROOM_MEMBERS } from '../limits.ts'
import { type RoomOp, RoomOpKind } from '../proto/room.ts'
import type { KeyMoveChain } from './key-move.ts'
import {
  applyDeviceList,
  type MemberDevices,
  memberOf,
  type RoomDeviceList,
} from './member-devices.ts'
import { verifyInviteProof } from './room-event.ts'

export type RoomRole = 'owner' | 'admin' | 'member'

export interface MemberRecord {
  role: RoomRole
  /** Id (hex) of the op that made this key a member. */
  since: string
  /** The account this key holds, as far as the room knows (not for members ADDed by others). */
  account?: MemberAccount
}

/** What the room pinned of a member's account, to judge later key moves by. */
export interface MemberAccount {
  /** The account's first key (hex): where its key statements start. */
  first: string
  /** The recovery commitment the account started from (hex; empty: none known). */
  commitment: string
  /** How many recoveries the account made since. */
  recoveries: number
}

/** A MOVE_KEY's statements, as the log worked them out (key-move.ts). */
export interface KeyMoveInput {
  /** The account's first key (hex). */
  first: string
  /** The chain under a pinned commitment, or without one; undefined when it does not hold. */
  resolve(pinned?: Uint8Array): KeyMoveChain | undefined
}

export interface MembershipState extends MemberDevices {
  name: string
  inviteOnly: boolean
  inviteKey?: Uint8Array
  /** Hex key of the owner, until it leaves. */
  owner?: string
  /** Keyed by hex Ed25519 key. */
  members: ReadonlyMap<string, MemberRecord>
  banned: ReadonlySet<string>
}

/** What the replay needs of an op event. */
export interface OpEventInput {
  idHex: string
  authorHex: string
  author: Uint8Array
  seq: number
  op: RoomOp
  /** DEVICES: its list, when it opens and names the author (member-devices.ts). */
  deviceList?: RoomDeviceList
  /** MOVE_KEY: its key statements, checked at ingest; the log keeps what they resolve to. */
  keyMove?: KeyMoveInput
}

/** The state a room's CREATE event sets up. */
export function genesisState(create: OpEventInput): MembershipState {
  return {
    name: create.op.name,
    inviteOnly: create.op.inviteOnly,
    inviteKey: create.op.inviteOnly ? create.op.inviteKey : undefined,
    owner: create.authorHex,
    members: new Map([
      [create.authorHex, { role: 'owner', since: create.idHex, account: pinnedBy(create) }],
    ]),
    banned: new Set(),
    devices: new Map(),
    deviceLists: new Map(),
  }
}

/** The effect of one op on `state`: a new state, or undefined when the op changes nothing. */
export function applyOp(
  state: MembershipState,
  event: OpEventInput,
  roomId: Uint8Array,
): MembershipState | undefined {
  const { op } = event
  // An enrolled device acts as its account; any other key as itself.
  const authorHex = memberOf(state, event.authorHex) ?? event.authorHex
  const author = state.members.get(authorHex)
  const isAdmin = author?.role === 'owner' || author?.role === 'admin'
  const targetHex = toHex(op.target)
  const target = state.members.get(targetHex)
  switch (op.kind) {
    case RoomOpKind.JOIN: {
      // A linked device joins for its account (its list names it): the account becomes the
      // member and the device is enrolled (member-devices.ts).
      const list = event.deviceList
      const joiner = list?.accountHex ?? authorHex
      if (author != null || state.members.has(joiner) || state.banned.has(joiner)) return undefined
      if (state.banned.has(authorHex)) return undefined
      if (state.members.size >= MAX_ROOM_MEMBERS) return undefined
      if (state.inviteOnly) {
        const proofOk =
          state.inviteKey != null &&
          verifyInviteProof(state.inviteKey, roomId, event.author, op.inviteProof)
        if (!proofOk) return undefined
      }
      const joined = withMember(state, joiner, {
        role: 'member',
        since: event.idHex,
        account: { ...pinnedBy(event), first: joiner },
      })
      if (list == null) return joined
      return { ...joined, ...(applyDeviceList(joined, authorHex, list) ?? {}) }
    }
    case RoomOpKind.ADD: {
      if (!isAdmin || target != null || state.members.size >= MAX_ROOM_MEMBERS) return undefined
      const banned = new Set(state.banned)
      banned.delete(targetHex)
      return { ...withMember(state, targetHex, { role: 'member', since: event.idHex }), banned }
    }
    case RoomOpKind.REMOVE: {
      if (!isAdmin || target == null || target.role === 'owner') return undefined
      if (target.role === 'admin' && author?.role !== 'owner') return undefined
      const banned = new Set(state.banned).add(targetHex)
      return { ...withoutMember(state, targetHex), banned }
    }
    case RoomOpKind.LEAVE: {
      if (author == null) return undefined
      const next = withoutMember(state, authorHex)
      return state.owner === authorHex ? { ...next, owner: undefined } : next
    }
    case RoomOpKind.PROMOTE:
    case RoomOpKind.DEMOTE: {
      if (author?.role !== 'owner' || target == null || target.role === 'owner') return undefined
      const role: RoomRole = op.kind === RoomOpKind.PROMOTE ? 'admin' : 'member'
      if (target.role === role) return undefined
      return withMember(state, targetHex, { ...target, role })
    }
    case RoomOpKind.RENAME: {
      if (!isAdmin || op.name === state.name) return undefined
      return { ...state, name: op.name }
    }
    case RoomOpKind.MOVE_KEY: {
      if (author != null || state.banned.has(authorHex) || event.keyMove == null) return undefined
      const move = keyMoveIn(state, event.keyMove)
      if (move == null) return undefined
      const { from, chain } = move
      const account = {
        first: chain.first,
        commitment: chain.commitment,
        recoveries: chain.recoveries,
      }
      const record = { ...state.members.get(from)!, account }
      const moved = withMember(withoutMember(state, from), authorHex, record)
      const banned = new Set([...state.banned, ...chain.retired, from])
      return { ...moved, banned, owner: state.owner === from ? authorHex : state.owner }
    }
    case RoomOpKind.DEVICES: {
      const list = event.deviceList
      if (list == null || !state.members.has(list.accountHex)) return undefined
      const devices = applyDeviceList(state, event.authorHex, list)
      const pinned = pinnedByList(state, list)
      if (devices == null && pinned == null) return undefined
      return { ...(pinned ?? state), ...devices }
    }
    default:
      // A second CREATE, or a kind this version does not know: no effect.
      return undefined
  }
}

/** The account a CREATE or JOIN pins: its author's key, with the commitment it carries. */
function pinnedBy(event: OpEventInput): MemberAccount {
  return { first: event.authorHex, commitment: toHex(event.op.recoveryCommitment), recoveries: 0 }
}

/**
 * A member whose record pins no commitment (it joined before rooms carried one, or was ADDed)
 * takes the one its account's signed device list carries, at first sight; undefined when
 * there is nothing to pin.
 */
function pinnedByList(state: MembershipState, list: RoomDeviceList): MembershipState | undefined {
  const record = state.members.get(list.accountHex)
  const account = record?.account ?? { first: list.accountHex, commitment: '', recoveries: 0 }
  if (record == null || list.nextRecovery === '' || account.commitment !== '') return undefined
  if (account.first !== list.accountHex || account.recoveries !== 0) return undefined
  return withMember(state, list.accountHex, {
    ...record,
    account: { ...account, commitment: list.nextRecovery },
  })
}

/** The member a MOVE_KEY moves, and its chain as the room judges it; undefined: nobody. */
function keyMoveIn(
  state: MembershipState,
  keyMove: KeyMoveInput,
): { from: string; chain: KeyMoveChain } | undefined {
  const holder = [...state.members].find(
    ([, record]) => record.account?.first === keyMove.first && record.account.commitment !== '',
  )
  if (holder != null) {
    const [key, { account }] = holder
    const chain = keyMove.resolve(fromHex(account!.commitment))
    if (chain == null || chain.recoveries < account!.recoveries) return undefined
    const supersedes = chain.recoveries > account!.recoveries
    return supersedes || chain.retired.includes(key) ? { from: key, chain } : undefined
  }
  const chain = keyMove.resolve()
  const from = chain?.retired.find((key) => state.members.has(key))
  return from == null ? undefined : { from, chain: chain! }
}

function withMember(state: MembershipState, key: string, record: MemberRecord): MembershipState {
  const members = new Map(state.members)
  members.set(key, record)
  return { ...state, members }
}

function withoutMember(state: MembershipState, key: string): MembershipState {
  const members = new Map(state.members)
  members.delete(key)
  return { ...state, members }
}
