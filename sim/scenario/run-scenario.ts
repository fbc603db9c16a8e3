/**
 * Runs a scenario: starts the network, joins the room, sends traffic at the scenario's rates
 * while faults fire on their timeline, waits for what is still on its way, then checks the
 * expectations and gathers the results (`SimulationResults`).
 */
import { randomBytes } from 'node:crypto'
import { SimulationError } from '../errors.ts'
import { describeEndpoint, parseEndpoint } from '../remote-shards.ts'
import { memorySnapshot, ResourceSampler } from '../resource-sampler.ts'
import type { SimulationResults } from '../results.ts'
import { collectResults } from '../results.ts'
import type { ShardUsage } from '../sharded-nodes.ts'
import { createSimulation, type Participant, type Simulation } from '../simulation.ts'
import type { SimulationInit } from '../simulation-settings.ts'
import { expandParticipant, type Scenario, type ScenarioFault } from './schema.ts'

export interface ScenarioProgress {
  phase: 'starting' | 'traffic' | 'draining' | 'done'
  /** ms into the phase, and the phase's length (0 when open-ended). */
  elapsedMs: number
  totalMs: number
  sent: number
  delivered: number
  /** Nodes up so far, while starting; then all of them. */
  nodesUp: number
}

export interface RunScenarioOptions {
  onProgress?: (progress: ScenarioProgress) => void
  /** What shards joining from elsewhere must show (`network.remote`); random when absent. */
  shardToken?: string
  /** Told where remote shards are awaited, once the coordinator listens. */
  onShardsAwaited?: (awaited: { endpoint: string; token: string; count: number }) => void
}

export async function runScenario(
  scenario: Scenario,
  options: RunScenarioOptions = {},
): Promise<SimulationResults> {
  const report = options.onProgress ?? (() => {})
  const baseline = memorySnapshot()
  const roomMembers = scenario.traffic.room?.members ?? 0
  const startClock = Date.now()
  const sampler = new ResourceSampler()
  sampler.start()
  const progressTimer = setInterval(() => report(startProgress()), 500)
  let nodesUp = 0
  const startProgress = (): ScenarioProgress => ({
    phase: 'starting',
    elapsedMs: Date.now() - startClock,
    totalMs: 0,
    sent: 0,
    delivered: 0,
    nodesUp,
  })
  let sim: Simulation | undefined
  let shardSampler: ShardSampler | undefined
  try {
    sim = await createSimulation({
      relays: scenario.network.relays,
      nodes: scenario.network.nodes,
      transport: scenario.network.transport,
      shards: scenario.network.shards,
      seed: scenario.seed,
      startConcurrency: scenario.network.startConcurrency,
      remoteShards: remoteShards(scenario, options),
      relayProcesses: scenario.network.relayProcesses,
      nat: scenario.network.nat && {
        homes: scenario.network.nat.homes.map((home) => ({
          nat: home.nat,
          nodes: home.nodes.flatMap((member) => expandParticipant(member) as number[]),
        })),
      },
      readyTimeoutMs: 60_000,
      onNodeUp: (up) => {
        nodesUp = up
      },
    })
    clearInterval(progressTimer)
    const startupMs = Date.now() - startClock
    const afterStart = memorySnapshot()
    shardSampler = sampleShards(sim)
    sim.mark('note', `${scenario.network.nodes} nodes and ${scenario.network.relays} relay(s) up`)
    const roomId = roomMembers > 0 ? await setUpRoom(sim, roomMembers) : undefined

    const traffic = new TrafficGenerator(sim, scenario, roomId)
    if (scenario.traffic.direct?.warmUp === true) await traffic.warmUp()
    // Fault times, the timeline and every time in the results count from here, as `at` does.
    sim.startScenarioClock()
    const trafficStart = sim.clockOrigin
    const faultRuns = scheduleFaults(sim, scenario.faults)
    const ticker = setInterval(() => {
      report({
        phase: 'traffic',
        elapsedMs: Date.now() - trafficStart,
        totalMs: scenario.duration,
        sent: traffic.sent,
        delivered: traffic.deliveredCount(),
        nodesUp,
      })
    }, 250)
    await traffic.run(scenario.duration)
    clearInterval(ticker)
    const faultErrors = await faultRuns
    const trafficMs = Date.now() - trafficStart
    const links = await sim.nodeLinks()

    const drainStart = Date.now()
    const drainTicker = setInterval(() => {
      report({
        phase: 'draining',
        elapsedMs: Date.now() - drainStart,
        totalMs: scenario.drain,
        sent: traffic.sent,
        delivered: traffic.deliveredCount(),
        nodesUp,
      })
    }, 250)
    await sim
      .waitForDelivery([...sim.ledger.direct.keys(), ...sim.ledger.room.keys()], scenario.drain)
      .catch(() => undefined)
    clearInterval(drainTicker)
    const drainMs = Date.now() - drainStart
    sampler.stop()
    const shardSamples = await shardSampler.stop()
    report({
      phase: 'done',
      elapsedMs: drainMs,
      totalMs: scenario.drain,
      sent: traffic.sent,
      delivered: traffic.deliveredCount(),
      nodesUp,
    })
    return collectResults({
      scenario,
      sim,
      sampler,
      shardSamples,
      memory: { baseline, afterStart },
      timing: { startupMs, trafficMs, drainMs, totalMs: Date.now() - startClock },
      sendErrors: traffic.errors,
      faultErrors,
      links,
    })
  } finally {
    clearInterval(progressTimer)
    sampler.stop()
    await shardSampler?.stop()
    await sim?.stop()
  }
}

/** `network.remote` as the simulation takes it. */
function remoteShards(
  scenario: Scenario,
  options: RunScenarioOptions,
): SimulationInit['remoteShards'] {
  const remote = scenario.network.remote
  if (remote == null) return undefined
  const endpoint = parseEndpoint(remote.listen)
  const token = options.shardToken ?? randomBytes(16).toString('hex')
  return {
    endpoint,
    // The schema made sure one of them is an address.
    host: remote.host ?? ('host' in endpoint ? endpoint.host : ''),
    token,
    count: remote.shards,
    joinTimeoutMs: remote.joinTimeout,
    onListening: (listening) =>
      options.onShardsAwaited?.({
        endpoint: describeEndpoint(listening),
        token,
        count: remote.shards,
      }),
  }
}

interface ShardSampler {
  /** Stops sampling; the samples per shard, in time order. */
  stop(): Promise<ShardUsage[][]>
}

/** Samples each shard's memory, CPU and event loop once a second (nothing without shards). */
function sampleShards(sim: Simulation): ShardSampler {
  const perShard: ShardUsage[][] = []
  let inFlight: Promise<void> | undefined
  const sample = () => {
    // A busy shard answers late: skip a tick rather than pile requests up.
    if (inFlight != null) return
    inFlight = sim
      .shardUsage()
      .then(
        (usage) => {
          for (const [i, shard] of usage.entries()) {
            perShard[i] ??= []
            perShard[i].push(shard)
          }
        },
        () => undefined,
      )
      .finally(() => {
        inFlight = undefined
      })
  }
  if (sim.shards > 1) sample()
  const timer = sim.shards > 1 ? setInterval(sample, 1_000) : undefined
  return {
    async stop() {
      clearInterval(timer)
      await inFlight
      return perShard
    },
  }
}

/** Node 0 makes an open room; members 1..n-1 join through it; waits until all see everyone. */
async function setUpRoom(sim: Simulation, members: number): Promise<string> {
  const roomId = await sim.createRoom(0, 'simulation')
  for (let i = 1; i < members; i++) await sim.joinRoom(i, roomId, i <= 2 ? 0 : (i - 1) % 3)
  await sim.waitForRoomMembers(
    roomId,
    Array.from({ length: members }, (_, i) => i),
    60_000,
  )
  sim.mark('note', `room of ${members} members formed`)
  return roomId
}

class TrafficGenerator {
  sent = 0
  readonly errors: Array<{ at: number; message: string }> = []
  private readonly sim: Simulation
  private readonly scenario: Scenario
  private readonly roomId?: string
  private readonly pairs?: Array<[number, number]>
  private readonly eligible: number[]

  constructor(sim: Simulation, scenario: Scenario, roomId?: string) {
    this.sim = sim
    this.scenario = scenario
    this.roomId = roomId
    const excluded = new Set(scenario.traffic.direct?.exclude ?? [])
    this.eligible = sim.nodes.map((n) => n.index).filter((i) => !excluded.has(i))
    const pairCount = scenario.traffic.direct?.pairs
    if (pairCount != null) {
      const pairs: Array<[number, number]> = []
      for (let i = 0; i < pairCount * 20 && pairs.length < pairCount; i++) {
        const pair = this.randomPair(this.eligible)
        if (pair != null && !pairs.some(([a, b]) => a === pair[0] && b === pair[1]))
          pairs.push(pair)
      }
      this.pairs = pairs
    }
  }

  /** One message on each conversation, all delivered, before the clock starts. */
  async warmUp(): Promise<void> {
    const ids: string[] = []
    for (const [from, to] of this.pairs ?? []) {
      ids.push(await this.sim.sendDirect(from, to, `warm-up from ${from} to ${to}`))
      this.sent++
    }
    await this.sim.waitForDelivery(ids, 120_000).catch((err: Error) => {
      throw new SimulationError(`warm-up: ${err.message}`)
    })
    this.sim.mark('note', `warm-up: ${ids.length} conversations started`)
  }

  deliveredCount(): number {
    const ledger = this.sim.ledger
    let count = 0
    for (const id of ledger.direct.keys()) if (ledger.delivered(id)) count++
    for (const id of ledger.room.keys()) if (ledger.delivered(id)) count++
    return count
  }

  /** Sends on two clocks (1:1 and room) at their rates until `durationMs` has passed. */
  async run(durationMs: number): Promise<void> {
    const end = Date.now() + durationMs
    const inFlight = new Set<Promise<void>>()
    const loop = (rate: number, send: () => Promise<void>) =>
      new Promise<void>((resolve) => {
        const intervalMs = 1_000 / rate
        const startedAt = Date.now()
        let due = 0
        const tick = () => {
          const now = Date.now()
          if (now >= end) {
            resolve()
            return
          }
          // Catch up when the event loop was late, so the rate holds under load.
          const target = Math.floor((now - startedAt) / intervalMs) + 1
          while (due < target) {
            due++
            const sending = send().catch((err: Error) => {
              this.errors.push({ at: this.sim.now(), message: err.message })
            })
            inFlight.add(sending)
            void sending.finally(() => inFlight.delete(sending))
          }
          setTimeout(tick, Math.max(1, startedAt + due * intervalMs - Date.now()))
        }
        tick()
      })
    const loops: Array<Promise<void>> = []
    const direct = this.scenario.traffic.direct
    if (direct != null) loops.push(loop(direct.rate, () => this.sendDirect()))
    const room = this.scenario.traffic.room
    if (room != null && this.roomId != null)
      loops.push(loop(room.rate, () => this.sendRoom(room.members)))
    await Promise.all(loops)
    await Promise.all(inFlight)
  }

  private async sendDirect(): Promise<void> {
    const running = (i: number) => this.sim.nodes[i].running
    let pair: [number, number] | undefined
    if (this.pairs != null) {
      const live = this.pairs.filter(([from]) => running(from))
      pair = live[Math.floor(this.sim.random() * live.length)]
    } else {
      pair = this.randomPair(this.eligible.filter(running), this.eligible)
    }
    if (pair == null) return
    this.sent++
    await this.sim.sendDirect(pair[0], pair[1], `sim ${this.sent} from ${pair[0]} to ${pair[1]}`)
  }

  private async sendRoom(members: number): Promise<void> {
    const live = Array.from({ length: members }, (_, i) => i).filter(
      (i) => this.sim.nodes[i].running,
    )
    if (live.length === 0) return
    const from = live[Math.floor(this.sim.random() * live.length)]
    this.sent++
    await this.sim.sendRoom(from, this.roomId!, `room ${this.sent} from ${from}`)
  }

  /** A sender among `senders` and a different recipient among `recipients`. */
  private randomPair(senders: number[], recipients = senders): [number, number] | undefined {
    if (senders.length === 0 || recipients.length < 2) return undefined
    const from = senders[Math.floor(this.sim.random() * senders.length)]
    let to = from
    while (to === from) to = recipients[Math.floor(this.sim.random() * recipients.length)]
    return [from, to]
  }
}

/** Fires each fault at its time; resolves once all have run, with the errors they raised. */
function scheduleFaults(
  sim: Simulation,
  faults: ScenarioFault[],
): Promise<Array<{ at: number; message: string }>> {
  const errors: Array<{ at: number; message: string }> = []
  const origin = sim.clockOrigin
  const runs = faults.map(
    (fault) =>
      new Promise<void>((resolve) => {
        setTimeout(
          () => {
            applyFault(sim, fault, origin)
              .catch((err: Error) => errors.push({ at: sim.now(), message: err.message }))
              .finally(resolve)
          },
          Math.max(0, origin + fault.at - Date.now()),
        )
      }),
  )
  return Promise.all(runs).then(() => errors)
}

async function applyFault(sim: Simulation, fault: ScenarioFault, origin: number): Promise<void> {
  if ('kill' in fault) await Promise.all(fault.kill.map((i) => sim.kill(i)))
  else if ('restart' in fault) await Promise.all(fault.restart.map((i) => sim.restart(i)))
  else if ('partition' in fault) {
    const side = (members: Array<number | string>) =>
      members.flatMap((m) => expandParticipant(m)) as Participant[]
    await sim.partition(side(fault.partition.a), side(fault.partition.b))
  } else if ('heal' in fault) await sim.heal()
  else if ('latency' in fault) sim.setLatency(fault.latency.ms, fault.latency.jitter)
  else if ('loss' in fault) sim.setLoss(fault.loss)
  else if ('churn' in fault) {
    const { count, down, every, until, spare } = fault.churn
    const rounds = every == null || until == null ? 1 : Math.floor((until - fault.at) / every) + 1
    for (let round = 0; round < rounds; round++) {
      const startAt = origin + fault.at + round * (every ?? 0)
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())))
      await sim.churn({ count, downMs: down, spare })
    }
  }
}
