/**
 * Debian's coturn (`turnserver`, installed by .ci/run) for tests of calls through TURN:
 * time-limited credentials from a shared secret (use-auth-secret, what a relay's `turn:`
 * section hands out), its files in a temp dir. On loopback by default (relaying to loopback
 * peers), or on a NAT lab host's public address. Ready once it logs that its servers run;
 * stopped with its process.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { join } from 'node:path'
import type { LabHost } from '../../sim/lab/nat-lab.ts'
import { makeTempDir } from './temp-dir.ts'

/** IPv4 private and shared ranges (RFC 1918, RFC 6598, link-local) coturn refuses to relay to. */
const PRIVATE_RANGES = [
  '10.0.0.0-10.255.255.255',
  '100.64.0.0-100.127.255.255',
  '169.254.0.0-169.254.255.255',
  '172.16.0.0-172.31.255.255',
  '192.168.0.0-192.168.255.255',
]

/** The port coturn listens on in a lab host's own namespace (nothing else there has it). */
const LAB_TURN_PORT = 3478

export const TURNSERVER_PATH = process.env.TOKENIM_TURNSERVER ?? '/usr/bin/turnserver'

export interface TurnServer {
  /** `turn:<address>:<port>?transport=udp` */
  url: string
  stop(): Promise<void>
}

/** `host`: run it in that lab host's namespace, on its address, instead of on loopback. */
export async function startTurnServer(
  secret: string,
  { host, timeoutMs = 10_000 }: { host?: LabHost; timeoutMs?: number } = {},
): Promise<TurnServer> {
  const dir = await makeTempDir('tokenim-turn-')
  const address = host?.address ?? '127.0.0.1'
  const port = host == null ? await freeUdpPort() : LAB_TURN_PORT
  const argv = [
    TURNSERVER_PATH,
    '-n',
    `--listening-ip=${address}`,
    `--relay-ip=${address}`,
    `--listening-port=${port}`,
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    '--realm=tokenim.test',
    // On loopback both browsers are too: the relayed addresses and the peers are loopback.
    ...(host == null ? ['--allow-loopback-peers'] : []),
    // As an operator runs it (doc/calls.md): no relaying into private networks. Without this,
    // a browser's check of the other's LAN address through TURN makes coturn 4.6 send there;
    // where the server has no route (the lab's internet has no default route) the send fails
    // with ENETUNREACH and coturn closes the whole allocation, call and all.
    ...PRIVATE_RANGES.map((range) => `--denied-peer-ip=${range}`),
    '--no-cli',
    '--no-tls',
    '--no-dtls',
    '--log-file=stdout',
    '--simple-log',
    `--pidfile=${join(dir.path, 'turnserver.pid')}`,
    `--userdb=${join(dir.path, 'turndb')}`,
  ]
  const child =
    host == null
      ? spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] })
      : host.spawn(argv)
  const stop = async () => {
    // A lab's destroy() may have ended it already.
    if (child.exitCode == null && child.signalCode == null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
    await dir.remove()
  }
  try {
    await ready(child, timeoutMs)
  } catch (err) {
    await stop()
    throw err
  }
  return { url: `turn:${address}:${port}?transport=udp`, stop }
}

function ready(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = ''
    const timer = setTimeout(
      () => reject(new Error(`turnserver did not start within ${timeoutMs} ms:\n${log}`)),
      timeoutMs,
    )
    child.once('error', (err) => {
      clearTimeout(timer)
      reject(new Error(`cannot run ${TURNSERVER_PATH} (apt-get install coturn): ${err.message}`))
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`turnserver exited with ${code}:\n${log}`))
    })
    // Both streams read to the end, so a chatty coturn never blocks on a full pipe.
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString()
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      log += chunk.toString()
      if (log.includes('Total General servers')) {
        clearTimeout(timer)
        resolve()
      }
    })
  })
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4')
    socket.once('error', reject)
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address()
      socket.close(() => resolve(port))
    })
  })
}
