/**
 * QUIC hole punching between two homes of the NAT lab, with plain libp2p hosts at their most
 * favourable (bench/lab/quic-punch-peer.ts), and what the two NAT routers and the two hosts'
 * UDP stacks saw meanwhile: the evidence of where a punch stops.
 */
import { fileURLToPath } from 'node:url'
import type { LabHost, NatLab } from '../../sim/lab/nat-lab.ts'
import { withTimeout } from '../../test/helpers/wait.ts'
import { tsScript } from '../../test/lab/lab-people.ts'

const PUNCH_PEER = fileURLToPath(new URL('./quic-punch-peer.ts', import.meta.url))
const PACKET_KINDS = fileURLToPath(new URL('./quic-packet-kinds.py', import.meta.url))

/**
 * Starts counting, for `seconds`, the QUIC packets each of `hosts` receives from the other's
 * router (`wans`, in the same order); resolves with the counts as text.
 */
export function capturePacketKinds(
  hosts: LabHost[],
  wans: string[],
  seconds: number,
): Promise<string> {
  return Promise.all(
    hosts.map(async (host, index) => {
      const peer = wans[1 - index]
      const result = await host.exec(['python3', PACKET_KINDS, peer, String(seconds)])
      return `${host.name} received from ${peer}:\n${indent(result.stdout + result.stderr).join('\n')}`
    }),
  ).then((parts) => parts.join('\n'))
}

export interface PunchAttempt {
  direct: boolean
  ms: number
  remoteAddr: string | null
  observed: string | null
  /** Why the attempt could not be made (the relay told the dialer no address, it crashed). */
  error?: string
  /** The serving side's address as the relay observed it. */
  targetObserved: string
  /** DCUtR's log lines of both sides. */
  dcutr: string[]
}

/**
 * One attempt: a peer serving at `to` through `relay`, a peer at `from` dialling it through
 * the circuit and waiting `windowMs` for DCUtR to give it a direct connection.
 */
export async function quicPunchAttempt(
  from: LabHost,
  to: LabHost,
  relay: string,
  windowMs: number,
): Promise<PunchAttempt> {
  const env = { DEBUG: 'libp2p:dcutr*' }
  const server = to.spawn(tsScript(PUNCH_PEER, ['serve', relay]), env)
  let serverOutput = ''
  let serverLog = ''
  server.stderr!.on('data', (chunk: Buffer) => {
    serverLog += chunk.toString()
  })
  try {
    const ready = new Promise<{ peerId: string; observed: string }>((resolve, reject) => {
      server.stdout!.on('data', (chunk: Buffer) => {
        serverOutput += chunk.toString()
        if (serverOutput.includes('\n')) resolve(JSON.parse(serverOutput.split('\n')[0]))
      })
      server.once('exit', (code) => reject(new Error(`punch peer exited ${code}: ${serverLog}`)))
    })
    const served = await withTimeout(ready, 60_000, `QUIC punch peer on ${to.name}`)
    const target = `${relay}/p2p-circuit/p2p/${served.peerId}`
    const result = await from.exec(
      tsScript(PUNCH_PEER, ['punch', relay, target, String(windowMs)]),
      env,
      windowMs + 60_000,
    )
    const outcome: Omit<PunchAttempt, 'dcutr' | 'targetObserved'> =
      result.code === 0
        ? JSON.parse(result.stdout.trim().split('\n').at(-1)!)
        : {
            direct: false,
            ms: 0,
            remoteAddr: null,
            observed: null,
            error: `exit ${result.code}: ${result.stderr.slice(-300)}`,
          }
    const dcutr = `${result.stderr}\n${serverLog}`
      .split('\n')
      .filter((line) => line.includes('dcutr'))
      .map((line) => line.slice(0, 300))
    return { ...outcome, targetObserved: served.observed, dcutr }
  } finally {
    server.kill('SIGTERM')
  }
}

/**
 * What the routers of `homes` hold for UDP between them (conntrack), their FORWARD rule
 * counters, and the UDP counters of the `hosts` (datagrams the kernel delivered to a socket).
 */
export async function natEvidence(lab: NatLab, homes: string[], hosts: string[]): Promise<string> {
  const wans = homes.map((home) => lab.routers.get(home)!.address)
  const lines: string[] = []
  for (const home of homes) {
    const router = lab.routers.get(home)!
    const conntrack = await router.exec(['cat', '/proc/net/nf_conntrack'])
    const between = conntrack.stdout
      .split('\n')
      .filter((line) => line.includes('udp') && wans.every((wan) => line.includes(wan)))
    lines.push(`${router.name} conntrack, UDP between ${wans.join(' and ')}:`)
    lines.push(...(between.length > 0 ? between : ['(none)']).map((line) => `  ${line}`))
    for (const chain of ['FORWARD', 'INPUT']) {
      const rules = await router.exec(['iptables', '-L', chain, '-v', '-n', '-x'])
      lines.push(`${router.name} iptables ${chain}:`, ...indent(rules.stdout))
    }
  }
  for (const name of hosts) {
    const snmp = await lab.host(name).exec(['cat', '/proc/net/snmp'])
    lines.push(
      `${name} /proc/net/snmp Udp:`,
      ...indent(
        snmp.stdout
          .split('\n')
          .filter((l) => l.startsWith('Udp:'))
          .join('\n'),
      ),
    )
  }
  return lines.join('\n')
}

function indent(text: string): string[] {
  return text
    .trim()
    .split('\n')
    .map((line) => `  ${line}`)
}
