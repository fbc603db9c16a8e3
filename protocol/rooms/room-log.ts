/**
 * One room's events, in the order every member shows them, with the membership they imply.
 *
 * Order: the total order of compareEvents (lamport, author, id). Every author stamps its
 * event with a lamport above everything it had seen, and links the latest events it had
 * seen (deps), so a reply always sorts after what it answers, and concurrent events sort the
 * same way everywhere. An event is "ready" once every event it links is here and ready: until
 * then it is held, not shown, and a sync fetches what is missing.
 *
 * Validity of a message is a function of the ops in the log, never of arrival order: its
 * author must be a member in the membership state just before it in the total order, and a
 * later REMOVE or LEAVE of that author must not cut it off (see RoomOp.cut_seq). So members
 * that hold the same events show the same history. An event's author is a key; the member it
 * writes for is that key, or the account of an enrolled device (member-devices.ts).
 */
import { bytesEqual, toHex } from '../bytes.ts'
import { MalformedMessageError } from '../errors.ts'
import { MAX_ROOM_EVENT_DEPS } from '../limits.ts'
import { RoomOpKind } from '../proto/room.ts'
import { InvalidKeyMoveError, InvalidRoomDevicesError } from './errors.ts'
import { checkKeyMove, keyMoveInput } from './key-move.ts'
import { memberOf, type RoomDeviceList, readRoomDeviceList } from './member-devices.ts'
import {
  applyOp,
  genesisState,
  type KeyMoveInput,
  type MembershipState,
  type OpEventInput,
  type RoomRole,
} from './membership.ts'
import { compareEvents, type SignedRoomEvent, verifyInviteProof } from './room-event.ts'

export type IngestResult =
  | {
      status: 'added'
      event: SignedRoomEvent
      membershipChanged: boolean
      /** Ids of the events that became ready (this one among them once its past is here). */
      released: string[]
    }
  | { status: 'duplicate' }
  /** Another event already holds this author's seq: the author signed two different events. */
  | { status: 'conflict'; reason: string }
  /** Provably not acceptable here, whatever else arrives later. */
  | { status: 'refused'; reason: string }

/**
 * How an event's author stands, for a gossip validator deciding before it stores anything:
 * a `member` (now, or just before the event), a `stranger` (not a member as far as we know,
 * but its key appears in the room's ops: an op we have not seen yet may make it one), or an
 * `outsider` (its key appears in no op at all). A JOIN always counts as a member's event:
 * the log judges it by the room's rules. An honest joiner's first message can outrun its
 * JOIN and be taken for an outsider's; it is then dropped at that node and fetched later by
 * sync, at the price of a small, decaying score penalty for whoever relayed it. A MOVE_KEY
 * counts as a member's event too: its author is new to the room by design, and the log
 * refuses it unless its statements move an account to that author.
 */
export type AuthorStanding = 'member' | 'stranger' | 'outsider'

export interface RoomHeadValue {
  authorHex: string
  seq: number
}

/** The fields a new event of ours must carry to fit after everything we hold. */
export interface NextEventFields {
  seq: number
  lamport: number
  deps: Uint8Array[]
}

interface TimelineEntry {
  event: SignedRoomEvent
  /** State after this op (and every op before it). */
  state: MembershipState
  effective: boolean
}

interface Ending {
  event: SignedRoomEvent
  cut: number
}

export class RoomLog {
  readonly roomId: Uint8Array
  readonly roomIdHex: string
  readonly genesis: SignedRoomEvent
  private readonly events = new Map<string, SignedRoomEvent>()
  private readonly order: SignedRoomEvent[] = []
  private readonly byAuthor = new Map<string, Map<number, SignedRoomEvent>>()
  private readonly maxSeq = new Map<string, number>()
  private readonly seqFloors = new Map<string, number>()
  private readonly referenced = new Set<string>()
  private readonly tips = new Set<string>()
  private readonly readyIds = new Set<string>()
  private readonly waiting = new Map<string, Set<string>>()
  private readonly timeline: TimelineEntry[] = []
  private endings = new Map<string, Ending[]>()
  /** Per DEVICES op (by id): its opened list, and every device any list named. */
  private readonly deviceLists = new Map<string, RoomDeviceList>()
  private readonly listedDevices = new Set<string>()
  /** Per MOVE_KEY (by id): its statements, checked once at ingest (key-move.ts). */
  private readonly keyMoves = new Map<string, KeyMoveInput>()
  private maxLamport = 0

  /** Throws MalformedMessageError if `genesis` is not a CREATE event. */
  constructor(genesis: SignedRoomEvent) {
    if (genesis.event.op?.kind !== RoomOpKind.CREATE) {
      throw new MalformedMessageError('a room starts with a CREATE event')
    }
    this.genesis = genesis
    this.roomId = genesis.id
    this.roomIdHex = genesis.idHex
    this.timeline.push({
      event: genesis,
      state: genesisState(this.opInput(genesis)),
      effective: true,
    })
    this.store(genesis)
  }

  get size(): number {
    return this.order.length
  }

  /** Membership after every op we hold. */
  membership(): MembershipState {
    return this.timeline[this.timeline.length - 1].state
  }

  /** The role of the member `keyHex` writes for (an account key, or an enrolled device). */
  roleOf(keyHex: string): RoomRole | undefined {
    const state = this.membership()
    const member = memberOf(state, keyHex)
    return member == null ? undefined : state.members.get(member)?.role
  }

  /** The member `keyHex` writes for now: itself, or an enrolled device's account. */
  memberOf(keyHex: string): string | undefined {
    return memberOf(this.membership(), keyHex)
  }

  has(idHex: string): boolean {
    return this.events.has(idHex)
  }

  get(idHex: string): SignedRoomEvent | undefined {
    return this.events.get(idHex)
  }

  /** Every event, in the total order. */
  ordered(): readonly SignedRoomEvent[] {
    return this.order
  }

  isReady(idHex: string): boolean {
    return this.readyIds.has(idHex)
  }

  /** Events held because an event they link is missing. */
  heldCount(): number {
    return this.order.length - this.readyIds.size
  }

  /** The author's event with this seq, if we hold it. */
  bySeq(authorHex: string, seq: number): SignedRoomEvent | undefined {
    return this.byAuthor.get(authorHex)?.get(seq)
  }

  /** Highest seq of the author's events we hold. */
  lastSeqOf(authorHex: string): number {
    return this.maxSeq.get(authorHex) ?? 0
  }

  /** Whether an op took effect in the replay. */
  isEffectiveOp(idHex: string): boolean {
    return this.timeline.find((entry) => entry.event.idHex === idHex)?.effective ?? false
  }

  /** For an effective MOVE_KEY: the member key (hex) it moved to its author. */
  movedFrom(event: SignedRoomEvent): string | undefined {
    if (event.event.op?.kind !== RoomOpKind.MOVE_KEY) return undefined
    const index = this.timeline.findIndex((entry) => entry.event.idHex === event.idHex)
    if (index < 1 || !this.timeline[index].effective) return undefined
    const now = this.timeline[index].state.members
    return [...this.timeline[index - 1].state.members.keys()].find((key) => !now.has(key))
  }

  /** Membership just before `event` in the total order. */
  stateBefore(event: SignedRoomEvent): MembershipState {
    let low = 0
    let high = this.timeline.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (compareEvents(this.timeline[mid].event, event) < 0) low = mid + 1
      else high = mid
    }
    return this.timeline[Math.max(0, low - 1)].state
  }

  /**
   * Whether a message belongs in the history: its author was a member just before it, and
   * no later removal or leave of its author cuts it off.
   */
  isValidMessage(event: SignedRoomEvent): boolean {
    if (memberOf(this.stateBefore(event), event.authorHex) == null) return false
    const ending = this.endings
      .get(event.authorHex)
      ?.find((candidate) => compareEvents(candidate.event, event) > 0)
    return ending == null || event.event.seq <= ending.cut
  }

  authorStanding(event: SignedRoomEvent): AuthorStanding {
    const kind = event.event.op?.kind
    if (kind === RoomOpKind.JOIN || kind === RoomOpKind.MOVE_KEY) return 'member'
    if (kind === RoomOpKind.DEVICES) {
      // Judged by the account whose list it carries; a list that does not open is an outsider's.
      let list: RoomDeviceList
      try {
        list = readRoomDeviceList(event.authorHex, event.event.op!)
      } catch {
        return 'outsider'
      }
      const members = [this.membership().members, this.stateBefore(event).members]
      if (members.some((known) => known.has(list.accountHex))) return 'member'
      return this.knowsKey(list.accountHex) ? 'stranger' : 'outsider'
    }
    const key = event.authorHex
    if (
      memberOf(this.membership(), key) != null ||
      memberOf(this.stateBefore(event), key) != null
    ) {
      return 'member'
    }
    return this.knowsKey(key) ? 'stranger' : 'outsider'
  }

  /** Whether the key appears in any op of the room (as author or target). */
  knowsKey(keyHex: string): boolean {
    if (this.listedDevices.has(keyHex)) return true
    return this.timeline.some(
      ({ event: op }) => op.authorHex === keyHex || toHex(op.event.op!.target) === keyHex,
    )
  }

  /**
   * Adds a checked (signed, well-formed) event. Refuses only what can never be valid in this
   * room whatever else arrives (another room, a second CREATE, a JOIN without its invite
   * proof); whether a message counts is decided by position (isValidMessage), so the same
   * events give the same history in any arrival order.
   */
  ingest(event: SignedRoomEvent): IngestResult {
    if (this.events.has(event.idHex)) return { status: 'duplicate' }
    if (!bytesEqual(event.event.roomId, this.roomId)) {
      return { status: 'refused', reason: 'the event belongs to another room' }
    }
    const existing = this.byAuthor.get(event.authorHex)?.get(event.event.seq)
    if (existing != null) {
      return { status: 'conflict', reason: `two events of one author have seq ${event.event.seq}` }
    }
    const op = event.event.op
    if (op?.kind === RoomOpKind.CREATE) {
      return { status: 'refused', reason: 'a room has a single CREATE event' }
    }
    const state = this.membership()
    if (
      op?.kind === RoomOpKind.JOIN &&
      state.inviteOnly &&
      !verifyInviteProof(state.inviteKey!, this.roomId, event.event.author, op.inviteProof)
    ) {
      return { status: 'refused', reason: 'the join carries no valid invite proof' }
    }
    if (op?.kind === RoomOpKind.MOVE_KEY) {
      try {
        checkKeyMove(event.event.author, op)
        this.keyMoves.set(event.idHex, keyMoveInput(event.event.author, op))
      } catch (err) {
        if (!(err instanceof InvalidKeyMoveError)) throw err
        return { status: 'refused', reason: err.message }
      }
    }
    if (
      op?.kind === RoomOpKind.DEVICES ||
      (op?.kind === RoomOpKind.JOIN && op.deviceList.length > 0)
    ) {
      try {
        const list = readRoomDeviceList(event.authorHex, op)
        this.deviceLists.set(event.idHex, list)
        for (const device of list.devices) this.listedDevices.add(device)
      } catch (err) {
        if (!(err instanceof InvalidRoomDevicesError)) throw err
        return { status: 'refused', reason: err.message }
      }
    }
    const released = this.store(event)
    const membershipChanged = op != null && this.replayFrom(event)
    return { status: 'added', event, membershipChanged, released }
  }

  /** Per author, every seq up to `seq` is here: what we ask others to send beyond. */
  heads(): RoomHeadValue[] {
    const heads: RoomHeadValue[] = []
    for (const [authorHex, seqs] of this.byAuthor) {
      let seq = 0
      while (seqs.has(seq + 1)) seq++
      heads.push({ authorHex, seq })
    }
    return heads
  }

  /** Events beyond `heads` (absent authors: all of theirs), first in total order, at most `limit`. */
  eventsAfter(heads: ReadonlyMap<string, number>, limit: number): SignedRoomEvent[] {
    const found: SignedRoomEvent[] = []
    for (const [authorHex, seqs] of this.byAuthor) {
      const known = heads.get(authorHex) ?? 0
      for (const [seq, event] of seqs) if (seq > known) found.push(event)
    }
    return found.sort(compareEvents).slice(0, limit)
  }

  /** Whether `heads` (another member's) names an event we do not hold. */
  lacksAnyOf(heads: ReadonlyMap<string, number>): boolean {
    for (const [authorHex, seq] of heads) if (seq > this.lastSeqOf(authorHex)) return true
    return false
  }

  /**
   * Our next event takes a seq above `seq`, even if we hold fewer events: after a crash, our
   * events published but not written may be out there.
   */
  setSeqFloor(authorHex: string, seq: number): void {
    this.seqFloors.set(authorHex, seq)
  }

  /** seq, lamport and deps for the next event by `authorHex`. */
  nextEventFields(authorHex: string): NextEventFields {
    // The latest op is always linked, so whoever checks this event knows the membership
    // its author knew.
    const latestOp = this.timeline[this.timeline.length - 1].event
    const tips = [...this.tips]
      .filter((id) => id !== latestOp.idHex)
      .map((id) => this.events.get(id)!)
      .sort(compareEvents)
      .slice(-(MAX_ROOM_EVENT_DEPS - 1))
    const deps = [...tips, latestOp].sort(compareEvents).map((event) => event.id)
    const seq = Math.max(this.lastSeqOf(authorHex), this.seqFloors.get(authorHex) ?? 0) + 1
    return { seq, lamport: this.maxLamport + 1, deps }
  }

  private store(event: SignedRoomEvent): string[] {
    this.events.set(event.idHex, event)
    const seqs = this.byAuthor.get(event.authorHex) ?? new Map<number, SignedRoomEvent>()
    seqs.set(event.event.seq, event)
    this.byAuthor.set(event.authorHex, seqs)
    this.maxSeq.set(event.authorHex, Math.max(this.lastSeqOf(event.authorHex), event.event.seq))
    this.order.splice(this.insertionIndex(event), 0, event)
    this.maxLamport = Math.max(this.maxLamport, event.event.lamport)
    for (const dep of event.event.deps) {
      const depHex = toHex(dep)
      this.referenced.add(depHex)
      this.tips.delete(depHex)
    }
    if (!this.referenced.has(event.idHex)) this.tips.add(event.idHex)
    return this.trackReadiness(event)
  }

  private insertionIndex(event: SignedRoomEvent): number {
    let low = 0
    let high = this.order.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (compareEvents(this.order[mid], event) < 0) low = mid + 1
      else high = mid
    }
    return low
  }

  private trackReadiness(event: SignedRoomEvent): string[] {
    const missing = event.event.deps.map(toHex).filter((dep) => !this.readyIds.has(dep))
    if (missing.length > 0) {
      for (const dep of missing) {
        const children = this.waiting.get(dep) ?? new Set<string>()
        children.add(event.idHex)
        this.waiting.set(dep, children)
      }
      return []
    }
    const done: string[] = []
    const released = [event.idHex]
    while (released.length > 0) {
      const id = released.pop()!
      this.readyIds.add(id)
      done.push(id)
      const children = this.waiting.get(id)
      if (children == null) continue
      this.waiting.delete(id)
      for (const child of children) {
        const childEvent = this.events.get(child)!
        if (childEvent.event.deps.every((dep) => this.readyIds.has(toHex(dep)))) {
          released.push(child)
        }
      }
    }
    return done
  }

  /** Replays ops from `event`'s place on; returns whether the final membership changed. */
  private replayFrom(event: SignedRoomEvent): boolean {
    const before = this.membership()
    let index = 1
    while (index < this.timeline.length && compareEvents(this.timeline[index].event, event) < 0) {
      index++
    }
    this.timeline.splice(index, 0, { event, state: before, effective: false })
    for (let i = index; i < this.timeline.length; i++) {
      const previous = this.timeline[i - 1].state
      const next = applyOp(previous, this.opInput(this.timeline[i].event), this.roomId)
      this.timeline[i] = {
        event: this.timeline[i].event,
        state: next ?? previous,
        effective: next != null,
      }
    }
    this.rebuildEndings()
    return !sameMembership(before, this.membership())
  }

  private rebuildEndings(): void {
    const endings = new Map<string, Ending[]>()
    const add = (keyHex: string, ending: Ending) => {
      const list = endings.get(keyHex) ?? []
      list.push(ending)
      endings.set(keyHex, list)
    }
    for (const [i, { event, effective }] of this.timeline.entries()) {
      const op = event.event.op!
      if (!effective) continue
      if (op.kind === RoomOpKind.REMOVE) add(toHex(op.target), { event, cut: op.cutSeq })
      if (op.kind === RoomOpKind.LEAVE) add(event.authorHex, { event, cut: event.event.seq })
      for (const cut of op.deviceCuts) {
        // Only a device this op ends (its account removed or gone, or dropped from its list):
        // no op cuts a device it leaves writing, nor an account key (that is cut_seq's).
        const device = toHex(cut.device)
        const before = this.timeline[i - 1]!.state
        if (before.members.has(device) || memberOf(before, device) == null) continue
        if (memberOf(this.timeline[i].state, device) != null) continue
        add(device, { event, cut: cut.seq })
      }
      if (op.kind === RoomOpKind.MOVE_KEY) {
        // The member's old key ends here: its events after the cut are void, as on a removal.
        const now = this.timeline[i].state.members
        const from = [...this.timeline[i - 1].state.members.keys()].find((key) => !now.has(key))
        if (from != null) add(from, { event, cut: op.cutSeq })
      }
    }
    this.endings = endings
  }

  private opInput(event: SignedRoomEvent): OpEventInput {
    return {
      idHex: event.idHex,
      authorHex: event.authorHex,
      author: event.event.author,
      seq: event.event.seq,
      op: event.event.op!,
      deviceList: this.deviceLists.get(event.idHex),
      keyMove: this.keyMoves.get(event.idHex),
    }
  }
}

function sameMembership(a: MembershipState, b: MembershipState): boolean {
  if (a.name !== b.name || a.owner !== b.owner || a.members.size !== b.members.size) return false
  for (const [key, record] of a.members) {
    if (b.members.get(key)?.role !== record.role) return false
  }
  if (a.devices.size !== b.devices.size) return false
  for (const [device, account] of a.devices) if (b.devices.get(device) !== account) return false
  return true
}
