/**
 * The scenario file of `tokenim sim run`: the network, the traffic, the faults on a
 * timeline and the expectations, checked with zod; every error names the field it is about.
 */
import { isIPv4 } from 'node:net'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { InvalidScenarioError } from '../errors.ts'
import { parseEndpoint, type ShardEndpoint } from '../remote-shards.ts'
import { killRestartOrder, overlappingSides, resolveParticipant } from './fault-checks.ts'

/** `1500`, `'1500ms'`, `'30s'`, `'2m'` -> ms. */
const duration = z.union(
  [
    z.number().int().min(0),
    z
      .string()
      .regex(/^\d+(\.\d+)?\s*(ms|s|m)$/, 'expected a duration such as 500ms, 30s or 2m')
      .transform((text) => {
        const [, value, unit] = /^(\d+(?:\.\d+)?)\s*(ms|s|m)$/.exec(text)!
        return Math.round(Number(value) * { ms: 1, s: 1_000, m: 60_000 }[unit as 'ms' | 's' | 'm'])
      }),
  ],
  { error: 'expected a duration: ms as a number, or text such as 500ms, 30s or 2m' },
)

/** A node index, a range of them (`'0-24'`), or a relay (`'r0'`). */
const participant = z.union([
  z.number().int().min(0),
  z.string().regex(/^(\d+-\d+|r\d+|\d+)$/, "expected a node index, a range like '0-24', or 'r0'"),
])

const group = z.array(participant).min(1, 'a group needs at least one member')

const nodeList = z.array(z.number().int().min(0)).min(1)

const at = { at: duration }

const faultSchema = z.union(
  [
    z.object({ ...at, kill: nodeList }).strict(),
    z.object({ ...at, restart: nodeList }).strict(),
    z.object({ ...at, partition: z.object({ a: group, b: group }).strict() }).strict(),
    z.object({ ...at, heal: z.literal(true) }).strict(),
    z
      .object({
        ...at,
        latency: z.object({ ms: z.number().min(0), jitter: z.number().min(0).default(0) }).strict(),
      })
      .strict(),
    z.object({ ...at, loss: z.number().min(0).max(0.5) }).strict(),
    z
      .object({
        ...at,
        churn: z
          .object({
            /** Nodes killed in each round. */
            count: z.number().int().min(1),
            /** How long they stay down. */
            down: duration,
            /** A new round this often, until `until` (one round when absent). */
            every: duration.optional(),
            until: duration.optional(),
            /** Nodes never picked. */
            spare: nodeList.optional(),
          })
          .strict(),
      })
      .strict(),
  ],
  {
    error:
      'a fault is "at" plus exactly one of kill, restart, partition, heal, latency, loss, churn (see doc/simulation.md)',
  },
)

export const scenarioSchema = z
  .object({
    name: z.string().min(1).max(80),
    description: z.string().optional(),
    /** Seed of every random choice (pairs, victims, loss). */
    seed: z.number().int().default(1),
    network: z
      .object({
        relays: z.number().int().min(1).max(16).default(1),
        nodes: z.number().int().min(2).max(5_000),
        transport: z.enum(['memory', 'tcp']).default('memory'),
        /** Child processes the nodes are spread over, each with its own event loop (TCP only). */
        shards: z.number().int().min(1).max(16).default(1),
        /** Nodes started at once. */
        startConcurrency: z.number().int().min(1).max(64).default(8),
        /** Each relay in a process of its own (always so behind NAT). */
        relayProcesses: z.boolean().default(false),
        /** Shards (of `shards`) that join from other machines with `tokenim sim shard`. */
        remote: z
          .object({
            shards: z.number().int().min(1),
            /** Where the coordinator waits for them: `host:port`, or a Unix socket path. */
            listen: z.string().min(1),
            /** This machine's IPv4 address the shards reach; the relays listen on it. */
            host: z.ipv4({ error: 'expected an IPv4 address' }).optional(),
            /** How long to wait for all of them. */
            joinTimeout: duration.default(120_000),
          })
          .strict()
          .optional(),
        /** Homes behind NAT routers, in a NAT lab built for the run (root only). */
        nat: z
          .object({
            homes: z
              .array(
                z
                  .object({
                    /** The nodes on this home's LAN: indexes and ranges. */
                    nodes: z.array(participant).min(1),
                    /** port-preserving keeps a host's port; symmetric picks one per connection. */
                    nat: z.enum(['port-preserving', 'symmetric']).default('port-preserving'),
                  })
                  .strict(),
              )
              .min(1)
              .max(50),
          })
          .strict()
          .optional(),
      })
      .strict(),
    /** How long traffic runs, from the moment every node is up. */
    duration,
    /** After the traffic: the longest wait for what is still on its way. */
    drain: duration.default(30_000),
    traffic: z
      .object({
        direct: z
          .object({
            /** Messages per second over the whole network, between random running pairs. */
            rate: z.number().positive().max(10_000),
            /** Limit traffic to this many random conversations (pairs); all pairs when absent. */
            pairs: z.number().int().min(1).optional(),
            /**
             * Before the clock starts, send one message on each of the `pairs` conversations
             * and wait for it, so that faults meet established sessions.
             */
            warmUp: z.boolean().default(false),
            /** Nodes that never send or receive (e.g. to keep out of churn). */
            exclude: nodeList.optional(),
          })
          .strict()
          .optional(),
        room: z
          .object({
            /** Nodes 0..members-1 join one open room made by node 0. */
            members: z.number().int().min(2),
            /** Room messages per second, each from a random running member. */
            rate: z.number().positive().max(1_000),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({}),
    faults: z.array(faultSchema).default([]),
    expect: z
      .object({
        /** Every message sent reaches its recipient(s) by the end of the drain. */
        allDelivered: z.boolean().default(true),
        /** No message is shown twice. */
        exactlyOnce: z.boolean().default(true),
        /** Each recipient sees each sender's messages in the order they were sent. */
        inOrder: z.boolean().default(true),
        /** Each message arrives within this long after it was sent. */
        deadline: duration.optional(),
        /** 99th percentile of 1:1 delivery latency, ms. */
        p99LatencyMs: z.number().positive().optional(),
        /** 99th percentile of room delivery latency (per recipient), ms. */
        roomP99LatencyMs: z.number().positive().optional(),
      })
      .strict()
      .default({ allDelivered: true, exactlyOnce: true, inOrder: true }),
  })
  .strict()
  .superRefine((scenario, context) => {
    const nodes = scenario.network.nodes
    const relays = scenario.network.relays
    const checkNode = (value: number, path: Array<string | number>) => {
      if (value >= nodes) {
        context.addIssue({
          code: 'custom',
          path,
          message: `no node ${value}: network.nodes is ${nodes}`,
        })
      }
    }
    const { shards, transport } = scenario.network
    if (shards > 1 && transport !== 'tcp') {
      context.addIssue({
        code: 'custom',
        path: ['network', 'transport'],
        message: `${shards} shards are separate processes, which the memory transport does not cross: set transport: tcp`,
      })
    }
    const remote = scenario.network.remote
    if (remote != null) {
      if (remote.shards > shards) {
        context.addIssue({
          code: 'custom',
          path: ['network', 'remote', 'shards'],
          message: `${remote.shards} remote shards but network.shards is ${shards}: remote shards are counted in shards`,
        })
      }
      if (transport !== 'tcp') {
        context.addIssue({
          code: 'custom',
          path: ['network', 'transport'],
          message: 'shards on other machines reach the others over TCP: set transport: tcp',
        })
      }
      let endpoint: ShardEndpoint | undefined
      try {
        endpoint = parseEndpoint(remote.listen)
      } catch (err) {
        context.addIssue({
          code: 'custom',
          path: ['network', 'remote', 'listen'],
          message: (err as Error).message,
        })
      }
      const listensOnOneAddress =
        endpoint != null &&
        'host' in endpoint &&
        isIPv4(endpoint.host) &&
        endpoint.host !== '0.0.0.0'
      if (endpoint != null && remote.host == null && !listensOnOneAddress) {
        context.addIssue({
          code: 'custom',
          path: ['network', 'remote', 'host'],
          message:
            'the address of this machine the shards reach is needed (the relays listen on it): set host, or listen on one IPv4 address',
        })
      }
    }
    if (scenario.network.nat != null) natIssues(scenario.network, context)
    if (shards > nodes) {
      context.addIssue({
        code: 'custom',
        path: ['network', 'shards'],
        message: `${shards} shards for ${nodes} nodes: at most one shard per node`,
      })
    }
    scenario.faults.forEach((fault, i) => {
      if (('latency' in fault || 'loss' in fault) && transport !== 'memory') {
        context.addIssue({
          code: 'custom',
          path: ['faults', i, 'latency' in fault ? 'latency' : 'loss'],
          message:
            'latency and loss are simulated on the memory transport only (one process, no shards): set network.transport: memory',
        })
      }
      if (fault.at > scenario.duration) {
        context.addIssue({
          code: 'custom',
          path: ['faults', i, 'at'],
          message: `at ${fault.at} ms is after the traffic ends (duration ${scenario.duration} ms)`,
        })
      }
      const lists: Array<[string, number[] | undefined]> = [
        ['kill', 'kill' in fault ? fault.kill : undefined],
        ['restart', 'restart' in fault ? fault.restart : undefined],
      ]
      for (const [key, list] of lists) {
        for (const [j, n] of (list ?? []).entries()) checkNode(n, ['faults', i, key, j])
      }
      if ('partition' in fault) {
        const network = { nodes, relays }
        for (const side of ['a', 'b'] as const) {
          fault.partition[side].forEach((member, j) => {
            const resolved = resolveParticipant(member, network)
            if ('error' in resolved) {
              context.addIssue({
                code: 'custom',
                path: ['faults', i, 'partition', side, j],
                message: resolved.error,
              })
            }
          })
        }
        for (const issue of overlappingSides(fault.partition, network, ['faults', i, 'partition']))
          context.addIssue({ code: 'custom', ...issue })
      }
    })
    for (const issue of killRestartOrder(scenario.faults))
      context.addIssue({ code: 'custom', ...issue })
    if (scenario.traffic.direct?.warmUp === true && scenario.traffic.direct.pairs == null) {
      context.addIssue({
        code: 'custom',
        path: ['traffic', 'direct', 'warmUp'],
        message: 'warmUp needs "pairs": the conversations to start before the clock',
      })
    }
    if (scenario.traffic.room != null && scenario.traffic.room.members > nodes) {
      context.addIssue({
        code: 'custom',
        path: ['traffic', 'room', 'members'],
        message: `${scenario.traffic.room.members} members but network.nodes is ${nodes}`,
      })
    }
  })

/** Homes need TCP and their own shards; each node is in at most one home. */
function natIssues(network: ScenarioNetwork, context: z.RefinementCtx): void {
  const issue = (path: Array<string | number>, message: string) =>
    context.addIssue({ code: 'custom', path: ['network', ...path], message })
  if (network.transport !== 'tcp') {
    issue(['transport'], 'homes behind NAT reach the rest over TCP: set transport: tcp')
  }
  if (network.shards !== 1 || network.remote != null) {
    issue(
      ['nat'],
      'a network behind NAT has one shard per home (and one for the public nodes): leave out shards and remote',
    )
  }
  const homeOf = new Map<number, number>()
  for (const [i, home] of network.nat!.homes.entries()) {
    for (const [j, member] of home.nodes.entries()) {
      const path = ['nat', 'homes', i, 'nodes', j]
      const resolved = resolveParticipant(member, network)
      if ('error' in resolved) issue(path, resolved.error)
      else if ('relay' in resolved) issue(path, 'relays sit on public hosts, not in homes')
      else {
        const [from, to] = resolved.nodes
        for (let node = from; node <= to; node++) {
          const other = homeOf.get(node)
          if (other != null && other !== i) {
            issue(path, `node ${node} is already in homes[${other}]: a node lives in one home`)
            break
          }
          homeOf.set(node, i)
        }
      }
    }
  }
}

type ScenarioNetwork = z.input<typeof scenarioSchema>['network'] & {
  nodes: number
  relays: number
  transport: 'memory' | 'tcp'
  shards: number
}

export type Scenario = z.output<typeof scenarioSchema>
export type ScenarioFault = Scenario['faults'][number]

/** `3` -> [3], `'0-2'` -> [0, 1, 2], `'r1'` -> ['r1']. */
export function expandParticipant(member: number | string): Array<number | `r${number}`> {
  if (typeof member === 'number') return [member]
  if (member.startsWith('r')) return [member as `r${number}`]
  const [from, to] = member.split('-').map(Number)
  if (to == null) return [from]
  const out: number[] = []
  for (let n = from; n <= to; n++) out.push(n)
  return out
}

/** Parses and checks a scenario (YAML text, or an object already read). */
export function parseScenario(input: string | unknown, source = 'scenario'): Scenario {
  let raw = input
  if (typeof input === 'string') {
    try {
      raw = parseYaml(input)
    } catch (err) {
      throw new InvalidScenarioError(`${source} is not valid YAML: ${(err as Error).message}`)
    }
  }
  const result = scenarioSchema.safeParse(raw ?? {})
  if (result.success) return result.data
  const lines = result.error.issues.map((issue) => {
    const path = issue.path.length === 0 ? '(top level)' : formatPath(issue.path)
    return `${path}: ${issue.message}`
  })
  // One line: the CLI prints an error's first line only.
  throw new InvalidScenarioError(`${source} is not a valid scenario: ${lines.join('; ')}`)
}

function formatPath(path: PropertyKey[]): string {
  return path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`,
    )
    .join('')
}
