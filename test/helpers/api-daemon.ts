/** The node daemon of `tokenim start` in this process, on loopback, with its typed API client. */
import { LocalApiClient } from '../../client/api-client.ts'
import { NodeDaemon } from '../../node/index.ts'

/** Tests seal keys with cheap scrypt parameters. */
export const FAST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 }

/**
 * Starts a daemon (locked until an identity is created or unlocked); `cleanups` gets its stop.
 * With `web`, it serves the built web client (client/web/dist, `npm run build`).
 */
export async function startApiDaemon(
  dataDir: string,
  cleanups: Array<() => Promise<void>>,
  options: { web?: boolean } = {},
): Promise<{ daemon: NodeDaemon; api: LocalApiClient }> {
  const daemon = new NodeDaemon({
    dataDir,
    webRoot: options.web === true ? undefined : false,
    keystore: { scrypt: FAST_SCRYPT },
    node: { listen: ['/ip4/127.0.0.1/tcp/0'], allowPrivateAddresses: true },
  })
  await daemon.start()
  cleanups.push(() => daemon.stop())
  const api = new LocalApiClient({
    url: daemon.api.url,
    token: daemon.api.token,
    pid: 0,
    peerId: '',
  })
  return { daemon, api }
}
