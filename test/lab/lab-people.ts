/**
 * Relays and people in a NAT lab, every one a `tokenim` process started with the README's
 * commands inside its host's namespace. A person's events reach the test through an event
 * tap running beside the node (the node's API listens on the namespace's own 127.0.0.1).
 */
import type { ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import type {
  FriendListResponse,
  FriendView,
  NodeEventMessage,
  NodeEventType,
} from '../../protocol/local-api.ts'
import type { CommandResult, LabHost } from '../../sim/lab/nat-lab.ts'
import { TOKENIM_BIN } from '../helpers/cli.ts'
import { withTimeout } from '../helpers/wait.ts'

export const LAB_PASSWORD = { TOKENIM_PASSWORD: 'correct horse battery staple 42' }
const EVENT_TAP = fileURLToPath(new URL('./event-tap.ts', import.meta.url))
const TS_FLAGS = ['--experimental-transform-types', '--disable-warning=ExperimentalWarning']

/** The argv that runs the TypeScript file `script` with `args` under this Node. */
export function tsScript(script: string, args: string[] = []): string[] {
  return [process.execPath, ...TS_FLAGS, script, ...args]
}

/** `tokenim ARGS` inside `host`'s namespace; fails the test with its stderr on a non-zero exit. */
export async function tokenim(
  host: LabHost,
  args: string[],
  env: Record<string, string> = {},
): Promise<string> {
  const result = await host.exec([process.execPath, TOKENIM_BIN, ...args], env)
  if (result.code !== 0) throw new CommandError(host, args, result)
  return result.stdout
}

export class CommandError extends Error {
  constructor(
    host: LabHost,
    args: string[],
    readonly result: CommandResult,
  ) {
    super(`${host.name}: tokenim ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
    this.name = 'CommandError'
  }
}

/**
 * Appends a daemon's output to `path` beside its data dir, for reading after a failed run
 * (`DEBUG=tokenim:*` in the test's environment reaches the daemons).
 */
function keepOutput(child: ChildProcess, path: string): void {
  const file = createWriteStream(path, { flags: 'a' })
  child.stdout!.pipe(file, { end: false })
  child.stderr!.pipe(file, { end: false })
  child.once('exit', () => file.end())
}

/** Resolves once `child`'s output contains `text`; rejects if it exits first or time runs out. */
function untilPrinted(child: ChildProcess, text: string, timeoutMs: number): Promise<() => string> {
  let output = ''
  const printed = new Promise<() => string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes(text)) resolve(() => output)
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)))
  })
  return withTimeout(printed, timeoutMs, `"${text}"`).catch((err: Error) => {
    throw new Error(`${err.message}\n${output}`)
  })
}

export interface LabRelay {
  host: LabHost
  dataDir: string
  configPath: string
  /** The relay's TCP multiaddr on its host's own address, for `--relay`. */
  address: string
  /** Its QUIC multiaddr on the same address, if it hands one out. */
  quicAddress: string | undefined
  /** Every multiaddr `relay status` printed. */
  multiaddrs: string[]
  /** What `relay status` warned of (no public address to hand out), or null. */
  warning: string | null
  child: ChildProcess
  output: () => string
}

/**
 * `tokenim relay init` and `tokenim relay start` on `host`, with the config as `relay init`
 * wrote it, but for `edit` (an operator's change, such as listing other relays).
 */
export async function startLabRelay(
  host: LabHost,
  dataDir: string,
  edit: (config: string) => string = (config) => config,
): Promise<LabRelay> {
  const init = JSON.parse(
    await tokenim(host, ['relay', 'init', '--json', '--data-dir', dataDir]),
  ) as { configPath: string }
  await writeFile(init.configPath, edit(await readFile(init.configPath, 'utf8')))
  return runLabRelay(host, dataDir, init.configPath)
}

/** Starts (or restarts) a relay whose config exists. */
export async function runLabRelay(
  host: LabHost,
  dataDir: string,
  configPath: string,
): Promise<LabRelay> {
  const child = host.spawn([
    process.execPath,
    TOKENIM_BIN,
    'relay',
    'start',
    '--config',
    configPath,
  ])
  keepOutput(child, `${dataDir}.out`)
  const output = await untilPrinted(child, '"msg":"relay started"', 30_000)
  const status = JSON.parse(
    await tokenim(host, ['relay', 'status', '--json', '--data-dir', dataDir]),
  ) as { multiaddrs: string[]; warning: string | null }
  const address = status.multiaddrs.find(
    (candidate) => candidate.startsWith(`/ip4/${host.address}/tcp/`) && !candidate.includes('/ws'),
  )
  if (address == null) {
    throw new Error(
      `relay on ${host.address} hands out none of its own addresses: ${status.multiaddrs}`,
    )
  }
  const quicAddress = status.multiaddrs.find((candidate) =>
    candidate.startsWith(`/ip4/${host.address}/udp/`),
  )
  return {
    host,
    dataDir,
    configPath,
    address,
    quicAddress,
    multiaddrs: status.multiaddrs,
    warning: status.warning,
    child,
    output,
  }
}

export class LabPerson {
  peerId = ''
  publicKey = ''
  child?: ChildProcess
  private tap?: ChildProcess
  private readonly events: NodeEventMessage[] = []
  private readonly waiting = new Set<() => void>()

  constructor(
    readonly name: string,
    readonly host: LabHost,
    readonly dataDir: string,
  ) {}

  /** `tokenim init`, then its identity from `tokenim id`. */
  async init(): Promise<void> {
    await this.cli(['init', '--json'], LAB_PASSWORD)
    const id = JSON.parse(await this.cli(['id', '--json'])) as {
      peerId: string
      publicKey: string
    }
    this.peerId = id.peerId
    this.publicKey = id.publicKey
  }

  /** `tokenim start --relay …` as the README says, then an event tap beside it. */
  async start(relays: string[], extraArgs: string[] = []): Promise<void> {
    const args = ['start', '--data-dir', this.dataDir, ...extraArgs]
    for (const relay of relays) args.push('--relay', relay)
    this.child = this.host.spawn([process.execPath, TOKENIM_BIN, ...args], LAB_PASSWORD)
    keepOutput(this.child, `${this.dataDir}.out`)
    await untilPrinted(this.child, 'is running', 60_000)
    this.tap = this.host.spawn(tsScript(EVENT_TAP, [this.dataDir]))
    let buffered = ''
    this.tap.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      let newline = buffered.indexOf('\n')
      while (newline >= 0) {
        this.record(JSON.parse(buffered.slice(0, newline)) as NodeEventMessage)
        buffered = buffered.slice(newline + 1)
        newline = buffered.indexOf('\n')
      }
    })
    await untilPrinted(this.tap, 'tap:ready', 30_000)
  }

  /** Stops the node as a user would (`tokenim stop`) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child
    const exited = new Promise((resolve) => child?.once('exit', resolve))
    this.tap?.kill('SIGTERM')
    await this.cli(['stop'])
    if (child != null && child.exitCode == null) await withTimeout(exited, 20_000, 'node exit')
    this.child = undefined
  }

  /** `tokenim ARGS --data-dir <mine>` inside my namespace. */
  cli(args: string[], env: Record<string, string> = {}): Promise<string> {
    return tokenim(this.host, [...args, '--data-dir', this.dataDir], env)
  }

  async json<T>(args: string[]): Promise<T> {
    return JSON.parse(await this.cli([...args, '--json'])) as T
  }

  /** The first event of `type` passing `filter`, from now on. */
  next<T extends NodeEventType>(
    type: T,
    filter: (data: NodeEventMessage<T>['data']) => boolean,
    timeoutMs = 30_000,
  ): Promise<NodeEventMessage<T>['data']> {
    return this.find(this.events.length, type, filter, timeoutMs)
  }

  /** Like `next`, but an event already seen since the node started counts too. */
  seen<T extends NodeEventType>(
    type: T,
    filter: (data: NodeEventMessage<T>['data']) => boolean,
    timeoutMs = 30_000,
  ): Promise<NodeEventMessage<T>['data']> {
    return this.find(0, type, filter, timeoutMs)
  }

  /** How many events of `type` passing `filter` the node reported since it started. */
  count<T extends NodeEventType>(
    type: T,
    filter: (data: NodeEventMessage<T>['data']) => boolean,
  ): number {
    return this.events.filter(
      (event) => event.type === type && filter(event.data as NodeEventMessage<T>['data']),
    ).length
  }

  private find<T extends NodeEventType>(
    since: number,
    type: T,
    filter: (data: NodeEventMessage<T>['data']) => boolean,
    timeoutMs: number,
  ): Promise<NodeEventMessage<T>['data']> {
    let check = () => {}
    const found = new Promise<NodeEventMessage<T>['data']>((resolve) => {
      check = () => {
        const event = this.events
          .slice(since)
          .find((candidate) => candidate.type === type && filter(candidate.data as never))
        if (event != null) resolve(event.data as NodeEventMessage<T>['data'])
      }
      this.waiting.add(check)
      check()
    })
    return withTimeout(found, timeoutMs, `${this.name}: ${type}`).finally(() =>
      this.waiting.delete(check),
    )
  }

  private record(event: NodeEventMessage): void {
    this.events.push(event)
    for (const check of this.waiting) check()
  }
}

/** A person at `host` with a data dir under `parentDir`. */
export async function labPerson(
  name: string,
  host: LabHost,
  parentDir: string,
): Promise<LabPerson> {
  const person = new LabPerson(name, host, join(parentDir, name))
  await person.init()
  return person
}

/** `person`'s view of `other` in its friend list, if they are friends. */
export async function friendOf(
  person: LabPerson,
  other: LabPerson,
): Promise<FriendView | undefined> {
  const { friends } = await person.json<FriendListResponse>(['friends', 'list'])
  return friends.find((friend) => friend.peerId === other.peerId)
}

/** `a` asks `b` (by `ref`: a name, peer id or key), `b` accepts, and `a` sees `b` online. */
export async function befriend(a: LabPerson, b: LabPerson, ref: string): Promise<void> {
  const requested = b.next('friend:request', (request) => request.peerId === a.peerId, 60_000)
  await a.cli(['friends', 'add', ref])
  await requested
  const aSeesB = a.seen('presence:changed', (p) => p.peerId === b.peerId && p.online, 60_000)
  await b.cli(['friends', 'accept', a.peerId])
  await aSeesB
}

/**
 * `from` sends `to` a file of `size` random bytes (written under `dir`); resolves once `to`
 * has it, checked by its SHA-256.
 */
export async function sendFile(
  from: LabPerson,
  to: LabPerson,
  size: number,
  dir: string,
  timeoutMs = 150_000,
): Promise<void> {
  const content = randomBytes(size)
  const sha256 = createHash('sha256').update(content).digest('hex')
  const path = join(dir, `${from.name}-to-${to.name}.bin`)
  await writeFile(path, content)
  const arrived = to.next('transfer:complete', (t) => t.sha256 === sha256, timeoutMs)
  await from.cli(['send-file', to.peerId, path])
  expect(await arrived).toMatchObject({ direction: 'in', size, state: 'complete' })
}

/**
 * Ends a lab test: the lab's processes and namespaces go, and so does `dir`, unless
 * LAB_KEEP=1 asks to keep the data dirs and the daemons' output (`<name>.out`) for a
 * post-mortem.
 */
export async function tearDownLab(
  lab: { destroy(): Promise<void> } | undefined,
  dir: { path: string; remove(): Promise<void> } | undefined,
): Promise<void> {
  await lab?.destroy()
  if (process.env.LAB_KEEP == null) await dir?.remove()
  else console.log(`lab data kept in ${dir?.path}`)
}
