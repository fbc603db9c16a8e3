/**
 * A whole TokenIM network on this machine for a first look: a relay, the user's node (with
 * its web client) and a demo contact, each in its own folder under one data dir, all on
 * 127.0.0.1. Folders are kept between runs, so the identities, friends and history stay.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import {
  createTokenimNode,
  type Identity,
  Keystore,
  NodeDaemon,
  type TokenimNode,
} from '../node/index.ts'
import { createRelay, type RelayNode } from '../relay/index.ts'
import { DEMO_CONTACT_NAME, DemoContact } from './demo-contact.ts'
import { whenRelayConnected } from './relay-connected.ts'

export interface DemoInit {
  /** Holds `relay/`, `user/`, `contact/` and the demo password. @default ./.demo */
  dataDir?: string
  /** Port of the user's web client and local API. @default 0 (any free port) */
  apiPort?: number
  /** Progress lines. */
  log?: (line: string) => void
}

export interface Demo {
  /** The user's web client, token in the fragment. */
  webUrl: string
  /** Password of the user's identity (key export and backup phrase ask for it). */
  password: string
  userPeerId: string
  userDataDir: string
  contactPeerId: string
  roomId: string
  relayAddress: string
  /** Stops the contact, the user's node and the relay, in that order; once. */
  stop(): Promise<void>
}

export const DEFAULT_DEMO_DIR = '.demo'
const PASSWORD_FILE = 'password.txt'
const LOOPBACK_LISTEN = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws']
// A relay restarted with the demo comes back at once: no need to wait a minute between dials.
const QUICK_REDIAL = { initialDelayMs: 200, maxDelayMs: 2_000 }

export async function startDemo(init: DemoInit = {}): Promise<Demo> {
  const dir = resolve(init.dataDir ?? DEFAULT_DEMO_DIR)
  const log = init.log ?? (() => {})
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const password = await demoPassword(dir)
  const shutdown = new AbortController()
  const stops: Array<() => Promise<void>> = []
  const stopAll = async () => {
    shutdown.abort(new Error('the demo is stopping'))
    for (const stop of stops.splice(0).reverse()) await stop()
  }
  try {
    const relay = await createRelay({
      dataDir: join(dir, 'relay'),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      allowPrivateAddresses: true,
      metrics: { enabled: false },
      log: { level: 'silent' },
    })
    stops.push(() => relay.stop())
    const relayAddress = tcpAddress(relay)
    log(`relay        ${relayAddress}`)

    const contactNode = await createTokenimNode({
      dataDir: join(dir, 'contact'),
      identity: await unlockOrCreate(join(dir, 'contact'), password),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      apiPort: false,
      allowPrivateAddresses: true,
      relays: [relayAddress],
      relayRedial: QUICK_REDIAL,
    })
    stops.push(() => contactNode.stop())
    const contact = new DemoContact(contactNode, { log: (line) => log(`demo contact ${line}`) })
    stops.push(async () => contact.stop())

    const userDataDir = join(dir, 'user')
    const daemon = new NodeDaemon({
      dataDir: userDataDir,
      identity: await unlockOrCreate(userDataDir, password),
      apiPort: init.apiPort,
      node: {
        listen: LOOPBACK_LISTEN,
        relays: [relayAddress],
        allowPrivateAddresses: true,
        relayRedial: QUICK_REDIAL,
      },
    })
    await daemon.start()
    stops.push(() => daemon.stop())
    const user = daemon.node!

    await Promise.all([contact.start(shutdown.signal), whenRelayConnected(user, shutdown.signal)])
    log(`demo contact ${DEMO_CONTACT_NAME} (${contactNode.peerId}) is online`)
    await befriend(user, contactNode, log)

    return {
      webUrl: daemon.api.webUrl,
      password,
      userPeerId: user.peerId,
      userDataDir,
      contactPeerId: contactNode.peerId,
      roomId: contact.roomId,
      relayAddress,
      stop: once(stopAll),
    }
  } catch (err) {
    await stopAll()
    throw err
  }
}

/**
 * Asks the demo contact to be the user's friend on the first run; the contact accepts and
 * greets, so the user finds a friend and a message waiting. Later runs find them friends.
 */
async function befriend(user: TokenimNode, contact: TokenimNode, log: (line: string) => void) {
  const contactHex = Buffer.from(contact.host.peerId.publicKey!.raw).toString('hex')
  const known = [
    ...user.friends.list(),
    ...user.friends.requests().outgoing,
    ...user.friends.requests().incoming,
  ]
  if (known.some((peer) => peer.publicKey === contactHex)) return
  await user.friends.add(contact.peerId, 'Hello from the demo!')
  log(`your node asked ${DEMO_CONTACT_NAME} to be your friend`)
}

/** The demo's password, made once and kept in the demo folder (a demo has no secrets). */
async function demoPassword(dir: string): Promise<string> {
  const path = join(dir, PASSWORD_FILE)
  try {
    return (await readFile(path, 'utf8')).trim()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const password = `demo-${randomBytes(12).toString('base64url')}`
  await writeFile(path, `${password}\n`, { mode: 0o600 })
  return password
}

async function unlockOrCreate(dataDir: string, password: string): Promise<Identity> {
  const keystore = new Keystore(dataDir)
  if (await keystore.exists()) return keystore.unlock(password)
  return (await keystore.create(password)).identity
}

function tcpAddress(relay: RelayNode): string {
  const address = relay.multiaddrs().find((ma) => ma.includes('/tcp/') && !ma.includes('/ws'))
  if (address == null) throw new Error('the demo relay has no TCP address')
  return address
}

function once(operation: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined
  return () => {
    running ??= operation()
    return running
  }
}
