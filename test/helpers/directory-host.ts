/**
 * A relay-like host with only the username directory mounted (a real libp2p host in DHT
 * server mode on TCP loopback, with its own LevelDB), and claimants that speak to it
 * through DirectoryClient: the parts of the directory's integration tests.
 */
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { Libp2p } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { Registry } from 'prom-client'
import { createHost } from '../../network/host.ts'
import { DirectoryClient, type RelayTarget } from '../../node/directory/index.ts'
import { generateIdentity, type Identity, toLibp2pPrivateKey } from '../../node/index.ts'
import { openStorage } from '../../node/storage.ts'
import {
  DEFAULT_DIRECTORY_POLICY,
  type DirectoryPolicy,
  type DirectoryServer,
  type DirectoryServerInit,
  directoryDhtSelectors,
  directoryDhtValidators,
  directoryServer,
} from '../../relay/directory/index.ts'
import { loadSignupSetup } from '../../relay/directory/signup/index.ts'
import { makeTempDir } from './temp-dir.ts'

export type Cleanups = Array<() => Promise<void>>

export interface DirectoryRelay {
  target: RelayTarget
  directory: DirectoryServer
  registry: Registry
  /** The relay's data dir; its database is in `db/`. */
  dataDir: string
}

export async function startDirectoryRelay(
  cleanups: Cleanups,
  options: Pick<DirectoryServerInit, 'clock'> & {
    /** `signup` in it is read as a relay reads it, with the secret in the relay's data dir. */
    policy?: Partial<DirectoryPolicy>
  } = {},
): Promise<DirectoryRelay> {
  const dir = await makeTempDir('tokenim-directory-relay-')
  const signup = await loadSignupSetup(options.policy?.signup, dir.path)
  const storage = await openStorage(join(dir.path, 'db'))
  const registry = new Registry()
  const host = await createHost(
    {
      privateKey: toLibp2pPrivateKey(generateIdentity()),
      datastore: storage.datastore,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      dhtServer: true,
      allowPrivateAddresses: true,
      dhtValidators: directoryDhtValidators,
      dhtSelectors: directoryDhtSelectors,
    },
    {
      directory: directoryServer({
        store: storage.sublevel('directory'),
        policy: { ...DEFAULT_DIRECTORY_POLICY, ...options.policy },
        registry,
        clock: options.clock,
        signup,
      }),
    },
  )
  await host.start()
  cleanups.push(async () => {
    await host.stop()
    await storage.close()
    await dir.remove()
  })
  return {
    target: { peerId: host.peerId, addresses: host.getMultiaddrs() },
    directory: host.services.directory,
    registry,
    dataDir: dir.path,
  }
}

export interface Claimant {
  client: DirectoryClient
  host: Libp2p
  identity: Identity
}

/** A bare libp2p node with a fresh identity and a DirectoryClient. */
export async function startClaimant(
  cleanups: Cleanups,
  identity: Identity = generateIdentity(),
): Promise<Claimant> {
  const host = await createLibp2p({
    privateKey: toLibp2pPrivateKey(identity),
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
  })
  cleanups.push(async () => {
    await host.stop()
  })
  return { client: new DirectoryClient({ host, identity }), host, identity }
}
