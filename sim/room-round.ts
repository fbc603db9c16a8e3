/**
 * One round of room traffic on a running simulation, for the scale run: for each size
 * asked, a room of that many random nodes (the first makes it, the others join through
 * one of the first three members, as a scenario's room does), then messages posted by
 * random members; each is waited for at every other member. Reports, per room size, how
 * many of the expected receipts arrived and their latency percentiles (first receipt per
 * recipient, from the ledger). A join that fails (a dial that timed out on a loaded
 * machine) is tried again through each of the first three members; a node that cannot
 * join at all is left out and counted. A room that does not form is reported with its
 * error and the round goes on with the next size.
 */
import { summarize } from './delivery-ledger.ts'
import type { Simulation } from './simulation.ts'

export interface RoomRoundInit {
  /** Members of each room, one room per entry. */
  sizes: number[]
  /** Messages posted in each room, each by a random member. */
  messagesPerRoom: number
  /** Longest wait for a room's members to see each other, and for its messages. */
  timeoutMs: number
  /** Told of each step of a room: joins every 10 members, formed, delivered. */
  onProgress?: (line: string) => void
}

export interface RoomFigures {
  members: number
  /** Nodes picked that could not join (each tried through the first three members). */
  joinFailed: number
  /** Seconds from creating the room to every member listing every other. */
  formS: number
  messages: number
  /** Receipts expected (each message at every other member) and those that arrived. */
  expected: number
  received: number
  p50Ms: number
  p90Ms: number
  p99Ms: number
  /** The slowest receipt. */
  maxMs: number
  error?: string
}

export async function roomRound(sim: Simulation, init: RoomRoundInit): Promise<RoomFigures[]> {
  const figures: RoomFigures[] = []
  for (const [index, size] of init.sizes.entries()) {
    const picked = pickNodes(sim, Math.min(size, sim.nodes.length))
    const row: RoomFigures = {
      members: picked.length,
      joinFailed: 0,
      formS: 0,
      messages: 0,
      expected: 0,
      received: 0,
      p50Ms: 0,
      p90Ms: 0,
      p99Ms: 0,
      maxMs: 0,
    }
    figures.push(row)
    try {
      const formStart = Date.now()
      const roomId = await sim.createRoom(picked[0]!, `scale room ${index}`)
      const members = [picked[0]!]
      for (const [i, node] of picked.entries()) {
        if (i === 0) continue
        // Through one of the first three members in turn, the others if it fails.
        const firstThree = members.slice(0, 3)
        const vias = firstThree.map((_, k) => firstThree[(i + k) % firstThree.length]!)
        if (await joinThroughAny(sim, node, roomId, vias)) {
          members.push(node)
        } else {
          row.joinFailed++
        }
        if (i % 10 === 0) init.onProgress?.(`room of ${size}: ${i} joined ${since(formStart)}`)
      }
      row.members = members.length
      await sim.waitForRoomMembers(roomId, members, init.timeoutMs)
      row.formS = (Date.now() - formStart) / 1_000
      init.onProgress?.(
        `room of ${size}: ${members.length} members see each other ${since(formStart)}`,
      )
      const ids: string[] = []
      for (let m = 0; m < init.messagesPerRoom; m++) {
        const from = members[Math.floor(sim.random() * members.length)]!
        ids.push(await sim.sendRoom(from, roomId, `scale room ${index} message ${m}`))
        row.messages++
      }
      await sim.waitForDelivery(ids, init.timeoutMs).catch((err: Error) => {
        row.error = err.message
      })
      const latencies: number[] = []
      for (const id of ids) {
        const record = sim.ledger.room.get(id)
        if (record == null) continue
        row.expected += record.expected.length
        for (const member of record.expected) {
          const times = record.receivedAt.get(member)
          if (times != null) latencies.push(times[0]! - record.sentAt)
        }
      }
      const summary = summarize(latencies)
      row.received = summary.count
      if (summary.count > 0) {
        row.p50Ms = Math.round(summary.p50)
        row.p90Ms = Math.round(summary.p90)
        row.p99Ms = Math.round(summary.p99)
        row.maxMs = Math.round(summary.max)
      }
    } catch (err) {
      row.error = (err as Error).message
    }
  }
  return figures
}

function since(start: number): string {
  return `after ${Math.round((Date.now() - start) / 1_000)} s`
}

/** Joins through each of `vias` in turn until one answers; false if none did. */
async function joinThroughAny(
  sim: Simulation,
  node: number,
  roomId: string,
  vias: number[],
): Promise<boolean> {
  for (const via of vias) {
    try {
      await sim.joinRoom(node, roomId, via)
      return true
    } catch {
      // Tried through the next member.
    }
  }
  return false
}

/** `count` distinct running nodes, drawn with the simulation's seeded random. */
function pickNodes(sim: Simulation, count: number): number[] {
  const candidates = sim.nodes.filter((node) => node.running).map((node) => node.index)
  const picked: number[] = []
  while (picked.length < count && candidates.length > 0) {
    picked.push(candidates.splice(Math.floor(sim.random() * candidates.length), 1)[0]!)
  }
  return picked
}
