/**
 * The checks of a scenario's faults that look at more than one field: who is a participant
 * (one error for a range past the end, never one per node in it), partition sides that
 * overlap, and kills and restarts in time order (a restart needs the node down at that
 * time, a kill needs it up). Pure: each finding is an issue with the path it is about.
 */

export interface FaultIssue {
  path: Array<string | number>
  message: string
}

interface NetworkSize {
  nodes: number
  relays: number
}

type Participant = number | string

/**
 * The nodes and relays one partition member names, or the reason it names none: a node
 * index, a range `'a-b'` (a <= b, b inside the network) or a relay `'r<i>'`.
 */
export function resolveParticipant(
  member: Participant,
  network: NetworkSize,
): { nodes: [number, number] } | { relay: number } | { error: string } {
  if (typeof member === 'string' && member.startsWith('r')) {
    const relay = Number(member.slice(1))
    return relay < network.relays
      ? { relay }
      : { error: `no relay ${member}: network.relays is ${network.relays}` }
  }
  const [from, to = from] = String(member).split('-').map(Number)
  if (to < from) return { error: `range ${member} runs backwards: write ${to}-${from}` }
  if (to >= network.nodes) {
    const what = from === to ? `no node ${to}` : `range ${member} goes past the last node`
    return {
      error: `${what}: network.nodes is ${network.nodes}, the last node is ${network.nodes - 1}`,
    }
  }
  return { nodes: [from, to] }
}

/** Members of both sides of a partition, as issues on side b (where the repeat is). */
export function overlappingSides(
  sides: { a: Participant[]; b: Participant[] },
  network: NetworkSize,
  path: Array<string | number>,
): FaultIssue[] {
  const spans = (members: Participant[]) =>
    members.map((member) => resolveParticipant(member, network))
  const a = spans(sides.a)
  const issues: FaultIssue[] = []
  spans(sides.b).forEach((member, j) => {
    for (const [i, other] of a.entries()) {
      const shared = sharedParticipant(member, other)
      if (shared == null) continue
      issues.push({
        path: [...path, 'b', j],
        message: `${shared} is on both sides of the partition (also a[${i}]): a partition cuts two disjoint groups`,
      })
      return
    }
  })
  return issues
}

function sharedParticipant(
  x: ReturnType<typeof resolveParticipant>,
  y: ReturnType<typeof resolveParticipant>,
): string | undefined {
  if ('relay' in x && 'relay' in y) return x.relay === y.relay ? `relay r${x.relay}` : undefined
  if ('nodes' in x && 'nodes' in y) {
    const from = Math.max(x.nodes[0], y.nodes[0])
    return from <= Math.min(x.nodes[1], y.nodes[1]) ? `node ${from}` : undefined
  }
  return undefined
}

interface TimedFault {
  at: number
  kill?: number[]
  restart?: number[]
}

/**
 * Plays kills and restarts in the order they fire (by `at`, ties in file order): a restart of
 * a node that is up, or a kill of one already down, is a scenario mistake. Churn picks its
 * own victims among running nodes and brings them back itself, so it changes nothing here.
 */
export function killRestartOrder(faults: TimedFault[]): FaultIssue[] {
  const downSince = new Map<number, number>()
  const issues: FaultIssue[] = []
  const order = faults.map((fault, i) => ({ fault, i })).sort((x, y) => x.fault.at - y.fault.at)
  for (const { fault, i } of order) {
    for (const [j, node] of (fault.kill ?? []).entries()) {
      const since = downSince.get(node)
      if (since != null) {
        issues.push({
          path: ['faults', i, 'kill', j],
          message: `node ${node} is already down at ${fault.at} ms (killed at ${since} ms)`,
        })
      } else downSince.set(node, fault.at)
    }
    for (const [j, node] of (fault.restart ?? []).entries()) {
      if (!downSince.has(node)) {
        issues.push({
          path: ['faults', i, 'restart', j],
          message: `node ${node} is running at ${fault.at} ms: restart a node after a fault kills it`,
        })
      } else downSince.delete(node)
    }
  }
  return issues
}
