/** `tokenim init | start | stop | status | id`: an identity and the node that runs it. */

import { spawn } from 'node:child_process'
import { createWriteStream, fstatSync, openSync, readFileSync } from 'node:fs'
import { watch } from 'node:fs/promises'
import { type Command, Option } from 'commander'
import {
  createNodeLogger,
  DataDirLockedError,
  dataDirPaths,
  fingerprint,
  type Identity,
  Keystore,
  NodeDaemon,
  peerIdOf,
  RotatingLogFile,
} from '../../../node/index.ts'
import { toHex } from '../../../protocol/bytes.ts'
import { type StopReason, stopReason } from '../../../protocol/stop-reasons.ts'
import { LocalApiClient } from '../../api-client.ts'
import { NodeNotRunningError, NodeStartFailedError } from '../../errors.ts'
import { type DaemonLogOptions, daemonLogger, LOG_OPTIONS } from '../daemon-log.ts'
import { EXIT_CODES } from '../exit-codes.ts'
import { stopOnFatalError } from '../fatal-errors.ts'
import { t } from '../i18n/i18n.ts'
import { daemonAtKeptAddress } from '../kept-address.ts'
import { openInBrowser } from '../open-browser.ts'
import { type CommonOptions, withCommonOptions, withPasswordFile } from '../options.ts'
import { printResult } from '../output.ts'
import {
  hasTerminal,
  PASSWORD_ENV,
  type PasswordSource,
  readNewPassword,
  readPassword,
} from '../password.ts'
import { stopText } from '../stop-text.ts'
import { usageError, worded } from '../worded-errors.ts'
import { linkAsNewDevice, type NewDeviceOptions } from './device-link.ts'
import { HISTORY_OPTION_HELP, parseHistoryChoice } from './history-transfer.ts'
import { offerRecoveryPhrase } from './recovery.ts'

export function registerLifecycleCommands(program: Command): void {
  withPasswordFile(withCommonOptions(program.command('init')))
    .description(
      'create a new identity, sealed with a password, and show its backup phrase; or, with --link, link this device to an existing account',
    )
    .option('--link <code>', 'the one-time code "tokenim devices link" shows on an existing device')
    .option('--name <name>', 'what to call this device (with --link; default: the host name)')
    .option('--yes', 'with --link: confirm the codes both devices show without asking (scripts)')
    .option('--history <choice>', `with --link: ${HISTORY_OPTION_HELP}`, parseHistoryChoice)
    .option(
      '--allow-private-addresses',
      'with --link: dial loopback and LAN addresses too (one machine, a LAN)',
    )
    .action(async (options: CommonOptions & PasswordSource & Partial<NewDeviceOptions>) => {
      if (options.link != null) await linkAsNewDevice(options as NewDeviceOptions)
      else await initIdentity(options)
    })

  const start = withPasswordFile(withCommonOptions(program.command('start')))
    .description('run the node in the foreground (or in the background with --detach)')
    .option('--listen <multiaddr...>', 'addresses to listen on')
    .option(
      '--relay <multiaddr...>',
      'relays to bootstrap from and stay connected to (each ending in /p2p/<peer id>)',
    )
    .option(
      '--api-port <port>',
      'port of the local API on 127.0.0.1, kept for later starts (0: any free port); by default the one kept from the last start',
      parsePort,
    )
    .option(
      '--allow-private-addresses',
      'keep loopback and LAN addresses in the DHT (local networks)',
    )
    .option('--detach', 'run in the background; its output goes to node.log in the data dir')
    .option(
      '--web',
      'let the web client create or unlock the identity: the node waits for it unless TOKENIM_PASSWORD or --password-file gives the password (a terminal is not asked)',
    )
    .option('--open', 'open the web client in the browser')
    .option('--access-log <file>', 'append one JSON line per local API request to this file')
    .addOption(new Option('--password-stdin', 'read the password from standard input').hideHelp())
  for (const option of LOG_OPTIONS) start.addOption(option)
  start.action((options: StartOptions) =>
    options.detach ? startDetached(options) : startForeground(options),
  )

  withCommonOptions(program.command('id'))
    .description('this identity: public key, peer id and a fingerprint to compare with friends')
    .action(async (options: CommonOptions) => {
      const publicKey = await new Keystore(options.dataDir).publicKey()
      const info = {
        peerId: peerIdOf({ publicKey }).toString(),
        publicKey: toHex(publicKey),
        fingerprint: fingerprint(publicKey),
      }
      printResult(options, info, [
        t('status.peerId', { value: info.peerId }),
        t('id.publicKey', { value: info.publicKey }),
        t('status.fingerprint', { value: info.fingerprint }),
      ])
    })
}

interface StartOptions extends CommonOptions, PasswordSource, DaemonLogOptions {
  listen?: string[]
  relay?: string[]
  apiPort?: number
  allowPrivateAddresses?: boolean
  detach?: boolean
  passwordStdin?: boolean
  web?: boolean
  open?: boolean
  accessLog?: string
}

async function initIdentity(options: CommonOptions & PasswordSource): Promise<Identity> {
  const keystore = new Keystore(options.dataDir)
  await keystore.assertAbsent()
  const password = await readNewPassword(options)
  const { identity, backupPhrase } = await keystore.create(password)
  const peerId = peerIdOf(identity).toString()
  printResult(options, { peerId, fingerprint: fingerprint(identity.publicKey), backupPhrase }, [
    t('init.created', { peer: peerId }),
    t('init.fingerprint', { value: fingerprint(identity.publicKey) }),
    '',
    ...t('init.phrase', { command: '"tokenim key recover"' }).split('\n'),
    '',
    `  ${backupPhrase}`,
    '',
  ])
  return identity
}

/**
 * The identity to run: unlocked, or created on first run when someone or something can say
 * the password. Undefined when `--web` lets the web client do it: with `--web` only a password
 * given outright (variable, file, stdin) is used, a terminal is not asked, so `npm start`
 * prints the web address at once.
 */
async function loadIdentity(options: StartOptions): Promise<Identity | undefined> {
  const keystore = new Keystore(options.dataDir)
  const password = options.passwordStdin ? await readStdin() : undefined
  const given =
    password != null || Boolean(process.env[PASSWORD_ENV]) || options.passwordFile != null
  if (!given && options.web) return undefined
  const canAsk = given || hasTerminal()
  if (!(await keystore.exists())) {
    if (!canAsk) {
      throw usageError('usage.noIdentityYet', {
        dir: options.dataDir,
        command: '"tokenim init"',
        variable: PASSWORD_ENV,
        flag: '--web',
      })
    }
    process.stderr.write(`${t('start.creatingIdentity', { dir: options.dataDir })}\n`)
    return initIdentity({ ...options, json: false })
  }
  return keystore.unlock(password ?? (await readPassword(options, t('prompt.unlock'))))
}

/** A node already running on the data dir is named before any password is asked. */
async function assertDataDirFree(dataDir: string): Promise<void> {
  let running: LocalApiClient
  try {
    running = await LocalApiClient.forDataDir(dataDir)
  } catch (err) {
    if (err instanceof NodeNotRunningError) return assertNoWaitingDaemon(dataDir)
    throw err
  }
  throw worded((message) => new DataDirLockedError(message), 'errors.nodeRunningHere', {
    pid: running.info.pid,
    dir: dataDir,
    command: '"tokenim stop"',
  })
}

/**
 * A node that waits, locked, for the web client has no api.json yet (its node routes are not
 * up), but it answers at the address the data dir keeps.
 */
async function assertNoWaitingDaemon(dataDir: string): Promise<void> {
  const waiting = await daemonAtKeptAddress(dataDir)
  if (waiting == null) return
  throw worded((message) => new DataDirLockedError(message), 'errors.nodeWaitingHere', {
    dir: dataDir,
    url: waiting.url,
  })
}

async function startForeground(options: StartOptions): Promise<void> {
  await assertDataDirFree(options.dataDir)
  const logger = daemonLogger(options)
  const identity = await loadIdentity(options)
  const accessLog =
    options.accessLog == null
      ? undefined
      : createWriteStream(options.accessLog, { flags: 'a', mode: 0o600 })
  const daemon = new NodeDaemon({
    dataDir: options.dataDir,
    identity,
    apiPort: options.apiPort,
    onRequest:
      accessLog &&
      ((entry) =>
        accessLog.write(`${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`)),
    node: {
      logger,
      listen: options.listen,
      relays: options.relay,
      allowPrivateAddresses: options.allowPrivateAddresses,
    },
  })
  stopOnFatalError((what) => daemon.stop(stopReason('fatal-error', what)))
  await daemon.start()
  const { takenPort } = daemon.api
  if (takenPort != null) {
    process.stderr.write(
      `port ${takenPort} of the local API is in use: using ${new URL(daemon.api.url).port} this time (bookmarks of the usual address will not work until it is free again; --api-port chooses another for good)\n`,
    )
  }
  // The token opens the API: never written into a file (node.log of --detach, a redirect),
  // where it would outlive the run; a terminal or a pipe gets it.
  const webUrl = stdoutIsFile() ? `${daemon.api.url}/` : daemon.api.webUrl
  const webLine = daemon.hasWebClient
    ? t('start.webClient', { url: webUrl })
    : t('start.webClientMissing', { command: '"npm run build"' })
  const node = daemon.node
  if (node != null) {
    const status = node.status()
    printResult(options, { ...status, webUrl }, [
      t('start.running', { peer: status.peerId }),
      t('start.api', { url: status.apiUrl ?? '' }),
      webLine,
      ...status.listenAddresses.map((addr) => t('start.listening', { address: addr })),
      t('start.ctrlC'),
    ])
    await offerRecoveryPhrase(options)
  } else {
    if (!daemon.hasWebClient) {
      await daemon.stop(stopReason('no-web-client'))
      throw usageError('usage.webNotBuilt', { flag: '--web', command: '"npm run build"' })
    }
    const { state } = await daemon.state()
    printResult(options, { state, apiUrl: daemon.api.url, webUrl }, [
      state === 'no-identity' ? t('start.noIdentity', { dir: options.dataDir }) : t('start.locked'),
      webLine,
      t('start.ctrlC'),
    ])
    daemon.addEventListener('running', (evt) => {
      if (!options.json)
        process.stdout.write(`${t('start.running', { peer: evt.detail.peerId })}\n`)
    })
  }
  if (options.open && daemon.hasWebClient) openInBrowser(daemon.api.webUrl)
  const stopped = new Promise<StopReason>((resolve) =>
    daemon.addEventListener('stopped', (evt) => resolve(evt.detail)),
  )
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void daemon.stop(stopReason('signal', signal)))
  }
  const why = await stopped
  accessLog?.end()
  // e.g. "node stopped: signed in elsewhere" when this identity was started on another device.
  process.stderr.write(`${t('start.stopped', { reason: stopText(why) })}\n`)
}

/** The last lines a failed start wrote (its error), on one line as CLI errors are. */
const START_ERROR_LINES = 3

function lastLines(text: string): string {
  const lines = text.split('\n').filter((line) => line.trim() !== '')
  return lines.slice(-START_ERROR_LINES).join(' | ')
}

function stdoutIsFile(): boolean {
  try {
    return fstatSync(process.stdout.fd).isFile()
  } catch {
    return false
  }
}

/** Starts `tokenim start` as a background process and returns once its API answers. */
async function startDetached(options: StartOptions): Promise<void> {
  await assertDataDirFree(options.dataDir)
  const identity = await new Keystore(options.dataDir).exists()
  if (!identity)
    throw usageError('usage.noIdentity', { dir: options.dataDir, command: '"tokenim init"' })
  const password = await readPassword(options, t('prompt.unlock'))
  const paths = dataDirPaths(options.dataDir)
  // Rotated first if full, so that the offset below is in the file the node writes to.
  createNodeLogger({ destination: new RotatingLogFile(paths.log) }).info(
    'starting the node in the background',
  )
  const log = openSync(paths.log, 'a', 0o600)
  // Where this start's output begins in node.log: its errors are shown from there.
  const logStart = fstatSync(log).size
  const args = [
    process.argv[1],
    'start',
    '--password-stdin',
    '--data-dir',
    paths.root,
    '--log-file',
    paths.log,
    '--log-level',
    options.logLevel,
    ...(options.apiPort != null ? ['--api-port', String(options.apiPort)] : []),
    ...(options.listen != null ? ['--listen', ...options.listen] : []),
    ...(options.relay != null ? ['--relay', ...options.relay] : []),
    ...(options.allowPrivateAddresses ? ['--allow-private-addresses'] : []),
  ]
  const child = spawn(process.execPath, args, { detached: true, stdio: ['pipe', log, log] })
  child.stdin!.end(`${password}\n`)
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => {
      const output = lastLines(readFileSync(paths.log).subarray(logStart).toString('utf8'))
      const failed = (message: string) =>
        new NodeStartFailedError(message, code ?? EXIT_CODES.failed)
      reject(worded(failed, 'errors.nodeExited', { code: String(code), output, log: paths.log }))
    }),
  )
  const client = await Promise.race([waitForApi(paths.root), exited])
  child.unref()
  const status = await client.status()
  printResult(options, status, [
    t('start.background', { peer: status.peerId, pid: client.info.pid }),
    t('start.api', { url: status.apiUrl ?? '' }),
    t('start.webClient', { url: `${client.info.url}/#token=${client.info.token}` }),
    t('start.log', { path: paths.log }),
  ])
  process.exit(0)
}

/** api.json appears once the node's API listens: watch the folder for it rather than poll. */
async function waitForApi(dataDir: string): Promise<LocalApiClient> {
  const abort = new AbortController()
  const changes = watch(dataDir, { signal: abort.signal })[Symbol.asyncIterator]()
  try {
    for (;;) {
      try {
        return await LocalApiClient.forDataDir(dataDir)
      } catch (err) {
        if (!(err instanceof NodeNotRunningError)) throw err
      }
      await changes.next()
    }
  } finally {
    abort.abort()
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk)
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw usageError('usage.apiPort', { flag: '--api-port', value })
  }
  return port
}
