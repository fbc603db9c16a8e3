/**
 * Debian's coturn (`turnserver`, installed by .ci/run) on loopback for tests of calls through
 * TURN: time-limited credentials from a shared secret (use-auth-secret, what a relay's `turn:`
 * section hands out), relaying to loopback peers, its files in a temp dir. Ready once it logs
 * that its servers run; stopped with its process.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { join } from 'node:path'
import { makeTempDir } from './temp-dir.ts'

export const TURNSERVER_PATH = process.env.TOKENIM_TURNSERVER ?? '/usr/bin/turnserver'

export interface TurnServer {
  /** `turn:127.0.0.1:<port>?transport=udp` */
  url: string
  stop(): Promise<void>
}

export async function startTurnServer(secret: string, timeoutMs = 10_000): Promise<TurnServer> {
  const dir = await makeTempDir('tokenim-turn-')
  const port = await freeUdpPort()
  const child = spawn(
    TURNSERVER_PATH,
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=tokenim.test',
      // Both browsers are on loopback: the relayed addresses and the peers are too.
      '--allow-loopback-peers',
      '--no-cli',
      '--no-tls',
      '--no-dtls',
      '--log-file=stdout',
      '--simple-log',
      `--pidfile=${join(dir.path, 'turnserver.pid')}`,
      `--userdb=${join(dir.path, 'turndb')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const stop = async () => {
    if (child.exitCode == null) {
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
  return { url: `turn:127.0.0.1:${port}?transport=udp`, stop }
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
