/** A node running in this process on loopback, with its local API, for CLI and API tests. */
import {
  createTokenimNode,
  generateIdentity,
  type TokenimNode,
  type TokenimNodeInit,
} from '../../node/index.ts'
import { makeTempDir } from './temp-dir.ts'

export interface LocalNode {
  node: TokenimNode
  /** Holds the node's api.json: pass it to the CLI as --data-dir. */
  dataDir: string
}

/** Starts a node with a new identity in a fresh data dir; `cleanups` gets its stop and removal. */
export async function startLocalNode(
  cleanups: Array<() => Promise<void>>,
  init: Partial<TokenimNodeInit> = {},
): Promise<LocalNode> {
  const dir = await makeTempDir('tokenim-local-node-')
  const node = await createTokenimNode({
    dataDir: dir.path,
    identity: generateIdentity(),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    apiPort: 0,
    allowPrivateAddresses: true,
    ...init,
  })
  cleanups.push(async () => {
    await node.stop()
    await dir.remove()
  })
  return { node, dataDir: dir.path }
}
