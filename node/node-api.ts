/**
 * The node's part of the local API: every feature's routes, served by a server of the node's
 * own or mounted on one that already listens (the daemon's), and `api.json` (mode 0600), which
 * tells clients where the API is and its token. `api.json` exists only while the routes are
 * served: it is written after they are mounted and removed before they are taken down. Events
 * reach API clients only while the routes are served.
 */

import { readFile, rm, writeFile } from 'node:fs/promises'
import { bytesEqual, fromHex } from '../protocol/bytes.ts'
import { NODE_ROUTES } from '../protocol/local-api/node.ts'
import { API_PATHS, type ApiInfo, type EmittedNodeEvent } from '../protocol/local-api.ts'
import { stopReason } from '../protocol/stop-reasons.ts'
import { serve } from './api/declared-route.ts'
import { LocalApiServer, type Routes } from './api/local-api-server.ts'
import { attachmentRoutes } from './attachments/index.ts'
import { callRoutes } from './calls/index.ts'
import { conversationRoutes } from './conversations/index.ts'
import type { DataDirPaths } from './data-dir.ts'
import { deviceRoutes, friendDevicesView } from './devices/index.ts'
import { directoryRoutes } from './directory/index.ts'
import { friendsRoutes } from './friends/index.ts'
import { historyTransferRoutes } from './history-transfer/index.ts'
import { writeFileAtomic } from './identity/atomic-file.ts'
import { messagingRoutes } from './messaging/index.ts'
import type { NodeParts } from './node-parts.ts'
import { presenceRoutes } from './presence/index.ts'
import { friendProfileView, profileRoutes, profileView } from './profiles/index.ts'
import { recoveryRoutes } from './recovery/api-routes.ts'
import { relayRoutes } from './relays/api-routes.ts'
import { roomRoutes } from './rooms/index.ts'
import type { TokenimNode } from './tokenim-node.ts'

export interface NodeApiInit {
  routes: Routes
  /** A server that already listens: mount the routes on it and leave it running on stop. */
  server?: LocalApiServer
  /** Port of a server of our own on 127.0.0.1 (0: any free port). */
  port: number
  apiInfoPath: string
  peerId: string
}

export class NodeApi {
  readonly #init: NodeApiInit
  readonly #server: LocalApiServer
  #serving = false

  constructor(init: NodeApiInit) {
    this.#init = init
    this.#server = init.server ?? new LocalApiServer({ port: init.port, routes: init.routes })
  }

  get url(): string {
    return this.#server.url
  }

  async start(): Promise<void> {
    if (this.#init.server != null) this.#server.mount(this.#mountedRoutes())
    else await this.#server.start()
    this.#serving = true
    const info: ApiInfo = {
      url: this.#server.url,
      token: this.#server.token,
      pid: process.pid,
      peerId: this.#init.peerId,
    }
    await writeFile(this.#init.apiInfoPath, JSON.stringify(info), { mode: 0o600 })
  }

  async stop(): Promise<void> {
    await rm(this.#init.apiInfoPath, { force: true })
    if (!this.#serving) return
    this.#serving = false
    if (this.#init.server != null) this.#server.unmount(this.#mountedRoutes())
    else await this.#server.stop()
  }

  /**
   * On a server of another's (the daemon's), its owner answers stop, for the whole process
   * in any state (a node waiting for the web client too); the node's other routes join it.
   */
  #mountedRoutes(): Routes {
    const { [`POST ${API_PATHS.stop}`]: _ownersStop, ...routes } = this.#init.routes
    return routes
  }

  broadcast(message: EmittedNodeEvent): void {
    if (this.#serving) this.#server.broadcast(message)
  }
}

/** Every route of a started node: its own, and each feature's over the parts built before. */
export function nodeRoutes(
  node: TokenimNode,
  parts: Omit<NodeParts, 'api'>,
  paths: DataDirPaths,
): Routes {
  const {
    directory,
    messages,
    rooms,
    friends,
    devices,
    linkHost,
    presence,
    conversations,
    attachments,
    calls,
    host,
  } = parts
  return {
    ...serve(NODE_ROUTES.status, async () => node.status()),
    ...serve(NODE_ROUTES.id, async () => {
      const { peerId, publicKey, fingerprint } = node.status()
      return { peerId, publicKey, fingerprint }
    }),
    ...serve(NODE_ROUTES.stop, async () => {
      // Answer first, then shut down, so the caller sees its request succeed.
      setImmediate(() => void node.stop(stopReason('local-api')))
      return { stopping: true as const }
    }),
    ...directoryRoutes(directory),
    ...messagingRoutes(() => messages),
    ...roomRoutes(
      () => rooms,
      (fileId) => attachments.state(fileId),
      (keyHex) => {
        const key = fromHex(keyHex)
        if (bytesEqual(key, devices.account) || bytesEqual(key, devices.thisDevice)) return true
        return friends.isFriend(key) ? presence.of(key).online : null
      },
      (keyHex) => {
        const profile = parts.profiles.profileOf(fromHex(keyHex))
        return profile == null ? undefined : profileView(profile)
      },
    ),
    ...friendsRoutes(
      () => friends,
      () => presence,
      (peer) => ({
        devices: friendDevicesView(devices, peer),
        profile: friendProfileView(parts.profiles, peer),
      }),
    ),
    ...profileRoutes(() => parts.profiles),
    ...deviceRoutes(
      () => devices,
      () => linkHost,
      () => friends.list().length,
    ),
    ...historyTransferRoutes(() => parts.history),
    ...recoveryRoutes(
      () => parts.recoveryShares,
      () => friends,
      () => fromHex(node.status().publicKey),
    ),
    ...presenceRoutes(
      () => presence,
      async (peer) => fromHex(await friends.resolvePeer(peer)),
    ),
    ...conversationRoutes(() => conversations),
    ...attachmentRoutes(() => attachments),
    ...callRoutes(() => calls),
    ...relayRoutes(
      () => host.services.relayBootstrap,
      () => paths.root,
    ),
  }
}

/** api.json names the token clients use: a replaced token replaces it there too, if written. */
export async function replaceApiInfoToken(apiInfoPath: string, token: string): Promise<void> {
  let info: ApiInfo
  try {
    info = JSON.parse(await readFile(apiInfoPath, 'utf8')) as ApiInfo
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  await writeFileAtomic(
    apiInfoPath,
    new TextEncoder().encode(JSON.stringify({ ...info, token })),
    0o600,
  )
}
