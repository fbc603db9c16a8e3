/**
 * A simulation behind NAT routers: a NAT lab (sim/lab/nat-lab.ts; root only) with each relay
 * on a public host of its own, the nodes of each home on a LAN behind that home's router, and
 * the other nodes on one public host. The relays run there as processes of their own, and
 * each group of nodes is a shard process inside its namespace that joins the coordinator
 * over a Unix socket (a path crosses namespaces; no lab address reaches the coordinator).
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { ENTRY_FLAGS, entryPoint } from './entry-points.ts'
import { SimulationError } from './errors.ts'
import { type LabHost, labSupported, type NatKind, NatLab } from './lab/nat-lab.ts'
import type { RemoteShardsInit } from './sharded-nodes.ts'
import { type SimRelay, startRelayProcesses } from './sim-relays.ts'

export interface NatHome {
  /** The nodes on this home's LAN. */
  nodes: number[]
  nat: NatKind
}

export interface NatNetwork {
  relays: SimRelay[]
  /** The nodes of each shard, public ones first (when there are any), then one per home. */
  groups: number[][]
  /** What the coordinator waits for: one shard per group, each from its host. */
  remote: RemoteShardsInit
  destroy(): Promise<void>
}

/** How long a shard in the lab may take to start and join. */
const JOIN_TIMEOUT_MS = 60_000

export async function buildNatNetwork(init: {
  homes: NatHome[]
  nodes: number
  relays: number
  root: string
}): Promise<NatNetwork> {
  const support = labSupported()
  if (!support.ok) throw new SimulationError(`network.nat builds a NAT lab: ${support.reason}`)
  const inHomes = new Set(init.homes.flatMap((home) => home.nodes))
  const publicNodes = Array.from({ length: init.nodes }, (_, i) => i).filter((i) => !inHomes.has(i))
  const relayHosts = Array.from({ length: init.relays }, (_, i) => `relay${i}`)
  const lab = await NatLab.build({
    publicHosts: [...relayHosts, ...(publicNodes.length > 0 ? ['public'] : [])],
    homes: init.homes.map((home, i) => ({
      name: `home${i}`,
      nat: home.nat,
      hosts: [`home${i}pc`],
    })),
  })
  try {
    const relays = await startRelayProcesses(
      relayHosts.map((name) => lab.host(name)),
      init.root,
    )
    const shardHosts = [
      ...(publicNodes.length > 0 ? [lab.host('public')] : []),
      ...init.homes.map((_, i) => lab.host(`home${i}pc`)),
    ]
    const token = randomBytes(16).toString('hex')
    const endpoint = { path: join(init.root, 'shards.sock') }
    return {
      relays,
      groups: [...(publicNodes.length > 0 ? [publicNodes] : []), ...init.homes.map((h) => h.nodes)],
      remote: {
        endpoint,
        token,
        count: shardHosts.length,
        joinTimeoutMs: JOIN_TIMEOUT_MS,
        expectedHosts: shardHosts.map((host) => host.address),
        onListening: () => {
          for (const host of shardHosts) startShard(host, endpoint.path, token)
        },
      },
      async destroy() {
        await Promise.all(relays.map((relay) => relay.stop().catch(() => undefined)))
        await lab.destroy()
      },
    }
  } catch (err) {
    await lab.destroy()
    throw err
  }
}

function startShard(host: LabHost, socketPath: string, token: string): void {
  const child = host.spawn(
    [
      process.execPath,
      ...ENTRY_FLAGS,
      '--max-old-space-size=8192',
      entryPoint('shard-process'),
      '--coordinator',
      socketPath,
      '--host',
      host.address,
    ],
    { TOKENIM_SIM_TOKEN: token },
  )
  // Nothing is read from its output but a crash's last words, which the coordinator's
  // ShardError does not carry: keep the pipes drained and pass stderr on.
  child.stdout?.resume()
  child.stderr?.pipe(process.stderr, { end: false })
}
