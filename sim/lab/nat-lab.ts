/**
 * A network like the ones people live on, built on this machine from Linux network
 * namespaces: an "internet" segment (a bridge) with hosts on addresses libp2p counts as
 * public (relays), and homes, each a LAN bridge behind its own NAT router (iptables
 * MASQUERADE; `--random` makes it symmetric, a new port per connection).
 *
 * Containment: every address lives only inside the namespaces the lab creates. No veth end
 * stays in the machine's own namespace and no namespace has a default route leaving the lab,
 * so nothing here can reach the machine's interfaces, nor anything beyond them. `destroy()`
 * kills the processes started in the lab and deletes its namespaces (which removes their
 * links); a process exit hook does the same if a test dies before its `afterAll`.
 *
 * Needs root, `ip` (iproute2) and `iptables`.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** The internet segment: a range libp2p treats as public, which exists only in the lab. */
const INTERNET_PREFIX = '20.0.0'
const PUBLIC_HOST_FIRST = 10
const ROUTER_FIRST = 100

export type NatKind = 'port-preserving' | 'symmetric'

export interface HomeSpec {
  name: string
  nat: NatKind
  /** The people at home, on the home's LAN. */
  hosts: string[]
}

export interface LabTopology {
  /** Hosts directly on the internet segment (relays). */
  publicHosts: string[]
  homes: HomeSpec[]
}

export interface CommandResult {
  code: number
  stdout: string
  stderr: string
}

export class LabHost {
  readonly children = new Set<ChildProcess>()

  constructor(
    readonly name: string,
    readonly namespace: string,
    readonly address: string,
  ) {}

  /** Runs `argv` inside this host's namespace and collects its output. */
  async exec(
    argv: string[],
    env: Record<string, string> = {},
    timeoutMs = 60_000,
  ): Promise<CommandResult> {
    try {
      const { stdout, stderr } = await run('ip', ['netns', 'exec', this.namespace, ...argv], {
        env: { ...process.env, ...env },
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      })
      return { code: 0, stdout, stderr }
    } catch (err) {
      const failed = err as { code?: number | string; stdout?: string; stderr?: string }
      return {
        code: typeof failed.code === 'number' ? failed.code : 1,
        stdout: failed.stdout ?? '',
        stderr: failed.stderr ?? String(err),
      }
    }
  }

  /** Starts a long-running process inside this host's namespace; `destroy()` ends it. */
  spawn(argv: string[], env: Record<string, string> = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.namespace, ...argv], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.children.add(child)
    child.once('exit', () => this.children.delete(child))
    return child
  }
}

export class NatLab {
  readonly hosts = new Map<string, LabHost>()
  /** Home name to its router. */
  readonly routers = new Map<string, LabHost>()
  private readonly namespaces: string[] = []
  private readonly prefix = `tl${randomBytes(3).toString('hex')}`
  private readonly onExit = () => this.deleteNamespacesNow()

  private constructor() {
    process.once('exit', this.onExit)
  }

  /** Builds the topology; on any failure removes what it made and throws. */
  static async build(topology: LabTopology): Promise<NatLab> {
    const lab = new NatLab()
    try {
      await lab.buildTopology(topology)
    } catch (err) {
      await lab.destroy()
      throw err
    }
    return lab
  }

  host(name: string): LabHost {
    const host = this.hosts.get(name)
    if (host == null) throw new Error(`no lab host named ${name}`)
    return host
  }

  /** Cuts a host off the network (its link goes down) or brings it back. */
  async setLink(name: string, up: boolean): Promise<void> {
    await ip(['-n', this.host(name).namespace, 'link', 'set', 'eth0', up ? 'up' : 'down'])
    if (up) await this.restoreDefaultRoute(this.host(name))
  }

  async destroy(): Promise<void> {
    const hosts = [...this.hosts.values(), ...this.routers.values()]
    await Promise.all(hosts.flatMap((host) => [...host.children].map((child) => endChild(child))))
    this.deleteNamespacesNow()
    process.removeListener('exit', this.onExit)
  }

  private deleteNamespacesNow(): void {
    for (const namespace of this.namespaces.splice(0)) {
      try {
        execFileSync('ip', ['netns', 'del', namespace], { stdio: 'ignore' })
      } catch {
        // Already gone.
      }
    }
  }

  private async buildTopology(topology: LabTopology): Promise<void> {
    const internet = await this.namespace('net')
    await ip(['-n', internet, 'link', 'add', 'br0', 'type', 'bridge'])
    await ip(['-n', internet, 'link', 'set', 'br0', 'up'])

    let next = PUBLIC_HOST_FIRST
    for (const name of topology.publicHosts) {
      const address = `${INTERNET_PREFIX}.${next++}`
      const namespace = await this.namespace(name)
      await this.plug(internet, namespace, name, `${address}/24`)
      this.hosts.set(name, new LabHost(name, namespace, address))
    }

    let routerAddress = ROUTER_FIRST
    for (const [index, home] of topology.homes.entries()) {
      const router = await this.namespace(`${home.name}-gw`)
      const wan = `${INTERNET_PREFIX}.${routerAddress++}`
      await this.plug(internet, router, home.name, `${wan}/24`)
      this.routers.set(home.name, new LabHost(`${home.name}-gw`, router, wan))
      const lan = `192.168.${index + 1}`
      await ip(['-n', router, 'link', 'add', 'br0', 'type', 'bridge'])
      await ip(['-n', router, 'addr', 'add', `${lan}.1/24`, 'dev', 'br0'])
      await ip(['-n', router, 'link', 'set', 'br0', 'up'])
      await natRouter(router, home.nat)
      for (const [hostIndex, name] of home.hosts.entries()) {
        const address = `${lan}.${10 + hostIndex}`
        const namespace = await this.namespace(name)
        await this.plug(router, namespace, name, `${address}/24`)
        const host = new LabHost(name, namespace, address)
        this.hosts.set(name, host)
        await this.restoreDefaultRoute(host)
      }
    }
  }

  private async restoreDefaultRoute(host: LabHost): Promise<void> {
    if (!host.address.startsWith('192.168.')) return
    const gateway = host.address.replace(/\.\d+$/, '.1')
    await ip(['-n', host.namespace, 'route', 'replace', 'default', 'via', gateway])
  }

  private async namespace(name: string): Promise<string> {
    const namespace = `${this.prefix}-${name}`
    await ip(['netns', 'add', namespace])
    this.namespaces.push(namespace)
    await ip(['-n', namespace, 'link', 'set', 'lo', 'up'])
    return namespace
  }

  /** A veth pair: `v-<name>` on `bridgeNamespace`'s br0, `eth0` with `cidr` in `namespace`. */
  private async plug(
    bridgeNamespace: string,
    namespace: string,
    name: string,
    cidr: string,
  ): Promise<void> {
    const port = `v-${name}`.slice(0, 15)
    await ip([
      '-n',
      bridgeNamespace,
      'link',
      'add',
      port,
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      namespace,
    ])
    await ip(['-n', bridgeNamespace, 'link', 'set', port, 'master', 'br0', 'up'])
    await ip(['-n', namespace, 'addr', 'add', cidr, 'dev', 'eth0'])
    await ip(['-n', namespace, 'link', 'set', 'eth0', 'up'])
  }
}

/** Forwarding with source NAT out of eth0; nothing unsolicited comes in from the WAN side. */
async function natRouter(namespace: string, nat: NatKind): Promise<void> {
  const inNs = (argv: string[]) => run('ip', ['netns', 'exec', namespace, ...argv])
  await inNs(['sysctl', '-qw', 'net.ipv4.ip_forward=1'])
  // Packet and byte counts on every conntrack entry, for post-mortems of NAT traversal.
  await inNs(['sysctl', '-qw', 'net.netfilter.nf_conntrack_acct=1'])
  await inNs([
    'iptables',
    '-t',
    'nat',
    '-A',
    'POSTROUTING',
    '-o',
    'eth0',
    '-j',
    'MASQUERADE',
    ...(nat === 'symmetric' ? ['--random'] : []),
  ])
  // Nothing unasked comes in, to the LAN (FORWARD) nor to the router itself (INPUT), as on
  // home routers. Accepted, a stray packet to the router's own address would leave a
  // conntrack entry that takes the port a host's mapping wants: a UDP punch arriving before
  // the host's first packet made the NAT give that packet another port.
  for (const chain of ['FORWARD', 'INPUT']) {
    const fromWan = ['iptables', '-A', chain, '-i', 'eth0']
    await inNs([...fromWan, '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT'])
    await inNs([...fromWan, '-j', 'DROP'])
  }
}

async function ip(argv: string[]): Promise<void> {
  try {
    await run('ip', argv)
  } catch (err) {
    throw new Error(`ip ${argv.join(' ')}: ${(err as { stderr?: string }).stderr ?? err}`)
  }
}

async function endChild(child: ChildProcess): Promise<void> {
  if (child.exitCode != null || child.signalCode != null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}

/** Whether this machine can build a lab: root, iproute2 and iptables. */
export function labSupported(): { ok: true } | { ok: false; reason: string } {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'the NAT lab needs root' }
  for (const [tool, versionFlag] of [
    ['ip', '-V'],
    ['iptables', '--version'],
  ]) {
    try {
      execFileSync(tool, [versionFlag], { stdio: 'ignore' })
    } catch {
      return { ok: false, reason: `the NAT lab needs ${tool} (apt-get install iproute2 iptables)` }
    }
  }
  return { ok: true }
}
