/**
 * The node process as the CLI runs it: the local API (with the web client) comes up first
 * and outlives the libp2p node. Given an identity, the daemon starts the node at once;
 * without one it waits, `locked`, for the web client to create, restore or unlock the
 * identity through the API, then starts the node behind the same server and token.
 */
import { TypedEventEmitter } from 'main-event'
import { fromHex, toHex } from '../protocol/bytes.ts'
import { DEVICES_ROUTES } from '../protocol/local-api/devices.ts'
import { IDENTITY_ROUTES } from '../protocol/local-api/identity.ts'
import { NODE_ROUTES } from '../protocol/local-api/node.ts'
import type {
  CommitRecoveryPhraseRequest,
  DeviceLinkStatus,
  DeviceListResponse,
  IdentityInfo,
  RecoveryStatusResponse,
  RevokeDeviceRequest,
  RotateApiTokenResponse,
  RotateKeyRequest,
  RotateKeyResponse,
  StartDeviceLinkRequest,
  StateResponse,
} from '../protocol/local-api.ts'
import { type StopReason, stopReason } from '../protocol/stop-reasons.ts'
import { loadApiAccess, rotateApiToken, saveApiAccess } from './api/api-access.ts'
import { serve } from './api/declared-route.ts'
import {
  type ApiAccessEntry,
  ApiError,
  LocalApiServer,
  type Routes,
} from './api/local-api-server.ts'
import { defaultWebRoot, WebAssets } from './api/web-assets.ts'
import { Composition } from './composition.ts'
import { dataDirPaths, ensureDataDir } from './data-dir.ts'
import { checkAccountPhrase, deviceListView, FirstRunLink } from './devices/index.ts'
import {
  KeystoreExistsError,
  NodeNotStartedError,
  NodeStoppedError,
  WeakPasswordError,
} from './errors.ts'
import { answerLockout, identityRoutes, secondFactorOf } from './identity/api-routes.ts'
import {
  checkPasswordStrength,
  fingerprint,
  type Identity,
  identityFromBackupPhrase,
  Keystore,
  type KeystoreInit,
  peerIdOf,
} from './identity/index.ts'
import { newAccount } from './identity/keystore-recovery.ts'
import {
  announceKeyRecovery,
  announceKeyRotation,
  type RotationAnnouncement,
} from './key-rotation.ts'
import { replaceApiInfoToken } from './node-api.ts'
import { recoveryDaemonRoutes } from './recovery/api-routes.ts'
import { TokenimNode, type TokenimNodeInit } from './tokenim-node.ts'

export interface NodeDaemonInit {
  dataDir: string
  /** An unlocked identity: the node starts with the daemon. @default none: wait, locked */
  identity?: Identity
  /**
   * Port of the local API on 127.0.0.1, kept for later starts. @default the port kept in the
   * data dir (any free port on the first start; another free one, this time, if it is in use)
   */
  apiPort?: number
  /** Folder of the built web client; `false` serves none. @default client/web/dist, if built */
  webRoot?: string | false
  /** Called once per API request, when answered (an access log). */
  onRequest?: (entry: ApiAccessEntry) => void
  /** Options of the node started once the identity is unlocked. */
  node?: Omit<TokenimNodeInit, 'dataDir' | 'identity' | 'api' | 'apiPort'>
  /** Tests lower the keystore's key derivation cost. */
  keystore?: KeystoreInit
}

type DaemonEvents = {
  /** The identity is unlocked and the node runs. */
  running: CustomEvent<TokenimNode>
  stopped: CustomEvent<StopReason>
}

/** The daemon's own parts; the node is started later, on unlock, and stopped first. */
interface DaemonParts {
  webAssets: WebAssets | undefined
  api: LocalApiServer
}

export class NodeDaemon extends TypedEventEmitter<DaemonEvents> {
  private readonly init: NodeDaemonInit
  private readonly keystore: Keystore
  private readonly firstRunLink = new FirstRunLink()
  private nodeInstance?: TokenimNode
  /**
   * A new account's phrase handed to the web client and not yet typed back: in memory only,
   * so an identity exists only once its phrase was checked, and a tab closed on the words
   * gets the same words again while this process runs.
   */
  private pendingPhrase?: string
  // Create, restore and unlock run one at a time: two tabs cannot start two nodes.
  private transitions: Promise<unknown> = Promise.resolve()
  private stopReason?: StopReason
  private readonly parts = new Composition<DaemonParts>({
    stoppedError: () => new NodeStoppedError('the node was stopped while it started'),
    notStartedError: () => new NodeNotStartedError('daemon is not started'),
    // Neither the node nor the API server throws on stop; nothing to log to before the node.
    onStopFailure: () => undefined,
  })

  constructor(init: NodeDaemonInit) {
    super()
    this.init = init
    this.keystore = new Keystore(init.dataDir, init.keystore)
  }

  get api(): LocalApiServer {
    return this.parts.get('api')
  }

  /** Whether the API serves the web client (it is served only once built). */
  get hasWebClient(): boolean {
    return this.parts.find('webAssets') != null
  }

  /** The running node, once the identity is unlocked. */
  get node(): TokenimNode | undefined {
    return this.nodeInstance
  }

  /** A stop() during start waits for the step under way, then releases what was started. */
  async start(): Promise<void> {
    await this.parts.start(async (parts) => {
      const webRoot = this.init.webRoot === undefined ? defaultWebRoot() : this.init.webRoot
      const webAssets = await parts.add(
        'webAssets',
        async () => (webRoot ? await WebAssets.load(webRoot) : undefined),
        {},
      )
      const accessPath = (await ensureDataDir(this.init.dataDir)).apiAccess
      const access = await loadApiAccess(accessPath)
      const api = await parts.add(
        'api',
        () =>
          new LocalApiServer({
            port: this.init.apiPort ?? access.port,
            anyPortIfTaken: this.init.apiPort == null && access.port !== 0,
            token: access.token,
            routes: this.routes(),
            webAssets,
            onRequest: this.init.onRequest,
          }),
      )
      // A port taken this time stays the one kept: the next start gets the old address back.
      if (api.takenPort == null) {
        await saveApiAccess(accessPath, { ...access, port: Number(new URL(api.url).port) })
      }
      await parts.step(
        'the node',
        () => (this.init.identity == null ? undefined : this.run(this.init.identity)),
        () => this.nodeInstance?.stop(this.stopReason),
      )
    })
  }

  /** Stops the node, then the API, once; later calls wait for the same shutdown. */
  async stop(why: StopReason = stopReason('user')): Promise<void> {
    let first = false
    await this.parts.stop(() => {
      first = true
      this.stopReason = why
    })
    if (first) this.safeDispatchEvent('stopped', { detail: why })
  }

  async state(): Promise<StateResponse> {
    if (this.nodeInstance != null) return { state: 'running' }
    if (!(await this.keystore.exists())) {
      return this.pendingPhrase == null
        ? { state: 'no-identity' }
        : { state: 'no-identity', phrasePending: true }
    }
    const { failures, retryAfterMs } = await this.keystore.lockoutStatus()
    return { state: 'locked', failures, retryAfterMs }
  }

  private routes(): Routes {
    const node = NODE_ROUTES
    return {
      ...serve(node.state, () => this.state()),
      ...serve(node.apiToken, () => this.replaceApiToken()),
      // In every state: `tokenim stop` ends a node that waits for the web client too.
      ...serve(node.stop, async () => {
        // Answer first, then shut down, so the caller sees its request succeed.
        setImmediate(() => void this.stop(stopReason('local-api')))
        return { stopping: true as const }
      }),
      ...serve(node.createIdentity, ({ body }) =>
        this.transition(async () => {
          const { identity, backupPhrase } = await this.keystore.create(body.password)
          await this.run(identity)
          return { ...identityInfo(identity), backupPhrase }
        }),
      ),
      ...serve(node.identityPhrase, ({ body }) =>
        this.transition(async () => {
          const check = checkPasswordStrength(body.password)
          if (!check.ok) throw new WeakPasswordError(check.reason)
          await this.keystore.assertAbsent()
          this.pendingPhrase ??= newAccount().phrase
          return { backupPhrase: this.pendingPhrase }
        }),
      ),
      ...serve(node.restoreIdentity, ({ body }) =>
        this.transition(async () => {
          const { phrase, password } = body
          const replace = await this.keystore.exists()
          // Through the web client a phrase may reset the password of this identity, never
          // put another identity in its place: that needs `tokenim key restore --replace`.
          if (replace && !(await this.isSameIdentity(identityFromBackupPhrase(phrase)))) {
            throw new ApiError(
              409,
              'BackupPhraseMismatch',
              'This backup phrase belongs to another identity than the one in this data folder. To replace it, run "tokenim key restore --replace".',
            )
          }
          const identity = await this.keystore.restore(phrase, password, { replace })
          await this.run(identity)
          return identityInfo(identity)
        }),
      ),
      ...serve(node.unlock, ({ body }) =>
        this.transition(async () => {
          const identity = await answerLockout(() => this.keystore.unlock(body.password))
          await this.run(identity)
          return identityInfo(identity)
        }),
      ),
      ...serve(node.linkDevice, ({ body }) =>
        this.transition(() =>
          this.firstRunLink.start({
            dataDir: this.init.dataDir,
            code: body.code,
            password: body.password,
            deviceName: body.deviceName || undefined,
            history: body.history ?? 'all',
            allowPrivateAddresses: this.init.node?.allowPrivateAddresses,
            keystore: this.init.keystore,
          }),
        ),
      ),
      ...serve(node.confirmLink, ({ body }) =>
        this.transition(async () => {
          const linked = await this.firstRunLink.confirm(body.accept)
          await this.run(linked.identity)
          return identityInfo(linked.identity)
        }),
      ),
      ...identityRoutes(this.keystore),
      ...serve(IDENTITY_ROUTES.rotate, ({ body }) => this.moveKey(body, 'rotation')),
      ...serve(IDENTITY_ROUTES.recover, ({ body }) => this.moveKey(body, 'recovery')),
      ...serve(IDENTITY_ROUTES.recoveryCommit, ({ body }) => this.commitRecovery(body)),
      ...recoveryDaemonRoutes(this.keystore, () => this.runningNode(), identityInfo),
      ...serve(DEVICES_ROUTES.startLink, ({ body }) => this.openLinkCode(body)),
      ...serve(DEVICES_ROUTES.revoke, ({ body }) => this.revokeDevice(body)),
      ...serve(DEVICES_ROUTES.revokeWithPhrase, async ({ body }) => {
        const node = this.runningNode()
        checkAccountPhrase(body.phrase, node.devices.own())
        const list = await node.devices.revoke(body.device)
        return deviceListView(list, node.devices.thisDevice)
      }),
    }
  }

  /** A new lasting token, kept in api-access.json and api.json, and required at once. */
  private async replaceApiToken(): Promise<RotateApiTokenResponse> {
    const paths = dataDirPaths(this.init.dataDir)
    const { token } = await rotateApiToken(paths.apiAccess)
    this.api.replaceToken(token)
    await replaceApiInfoToken(paths.apiInfo, token)
    return { webUrl: this.api.webUrl }
  }

  private runningNode(): TokenimNode {
    if (this.nodeInstance == null || this.stopReason != null) {
      throw new ApiError(
        409,
        'NotRunning',
        'unlock the identity first: friends talk to the running node',
      )
    }
    return this.nodeInstance
  }

  /** Commits to the recovery phrase typed back; the running node's device list then carries it. */
  private async commitRecovery(body: CommitRecoveryPhraseRequest): Promise<RecoveryStatusResponse> {
    await answerLockout(() =>
      this.keystore.commitRecoveryPhrase(body.password, body.phrase, secondFactorOf(body)),
    )
    await this.nodeInstance?.devices.refreshRecoveryCommitment()
    return this.keystore.recoveryStatus()
  }

  /**
   * A one-time code to link a new device (doc/accounts.md, "Linking a device"): a sensitive
   * action, since the account key leaves this device once the person confirms the SAS.
   */
  /** Revokes another device of the account, once the password (and 2FA code) check out. */
  private async revokeDevice(body: RevokeDeviceRequest): Promise<DeviceListResponse> {
    const node = this.runningNode()
    const device = body.device
    await answerLockout(() =>
      this.keystore.authorizeSensitiveAction(body.password, secondFactorOf(body)),
    )
    return deviceListView(await node.devices.revoke(device), node.devices.thisDevice)
  }

  private async openLinkCode(body: StartDeviceLinkRequest): Promise<DeviceLinkStatus> {
    const node = this.nodeInstance
    if (node == null) {
      throw new ApiError(
        409,
        'NotRunning',
        'unlock the identity first: the running node shows the code',
      )
    }
    await answerLockout(() =>
      this.keystore.authorizeSensitiveAction(body.password, secondFactorOf(body)),
    )
    return node.linkHost.open()
  }

  /**
   * Key rotation and recovery (doc/accounts.md, "Key rotation on the node"): the keystore
   * moves the account to a new key; a node under the new key starts on the same folder,
   * behind the same API server and token. A rotation is handed to every friend by the
   * running node first, under the old key their sessions know; a recovery is sent by the
   * node under the new key, since friends may hold the old one as retired (a thief rotated it).
   */
  private moveKey(
    body: RotateKeyRequest & { phrase?: string },
    kind: 'rotation' | 'recovery',
  ): Promise<RotateKeyResponse> {
    const result = this.transitions.then(async () => {
      const node = this.nodeInstance
      if (node == null || this.stopReason != null) {
        throw new ApiError(
          409,
          'NotRunning',
          'unlock the identity first: friends hear of a new key from the running node',
        )
      }
      // A linked device's keystore holds its device key: the account moves from device 1.
      if (node.devices.linked) {
        throw new ApiError(
          409,
          'LinkedDevice',
          'this device is linked to the account: change or recover the key on the first device',
        )
      }
      const { password, phrase = '' } = body
      const rotated = await answerLockout(() =>
        kind === 'rotation'
          ? this.keystore.rotate(password, secondFactorOf(body))
          : this.keystore.recover(password, phrase, secondFactorOf(body)),
      )
      let announced: RotationAnnouncement | undefined
      const chain = await this.keystore.keyChain()
      if (kind === 'rotation') {
        announced = await announceKeyRotation(node, rotated.statement, {
          rotations: chain.rotations,
        })
      } else {
        await node.messages.retireOwnKey()
      }
      // Rooms hear of the new key over the topics the old key is still on (a room missed
      // here gets its move from the node under the new key).
      await node.rooms.handOverKey(rotated.identity, chain)
      this.nodeInstance = undefined
      node.removeEventListener('stopped', this.onNodeStopped)
      await node.stop(stopReason('key-changed'))
      await this.run(rotated.identity)
      if (announced == null && this.nodeInstance != null) {
        announced = await announceKeyRecovery(this.nodeInstance, rotated.statement, {
          rotations: chain.rotations,
          recoveries: chain.recoveries,
        })
      }
      announced ??= { handedOver: [], waiting: [], namesMoved: [] }
      return {
        ...identityInfo(rotated.identity),
        previousPeerId: node.peerId,
        backupPhrase: rotated.backupPhrase,
        reached: announced.handedOver.length,
        waiting: announced.waiting.map((hex) => peerIdOf({ publicKey: fromHex(hex) }).toString()),
      }
    })
    this.transitions = result.catch(() => undefined)
    return result
  }

  private readonly onNodeStopped = (evt: CustomEvent<StopReason>) => void this.stop(evt.detail)

  /** Runs `operation` after any other in progress, and only while no node runs. */
  private transition<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.transitions.then(async () => {
      if (this.nodeInstance != null) {
        throw new ApiError(409, 'AlreadyRunning', 'the identity is already unlocked and running')
      }
      if (this.stopReason != null) throw new ApiError(503, 'Stopping', 'the node is stopping')
      try {
        return await operation()
      } catch (err) {
        if (err instanceof KeystoreExistsError) throw new ApiError(409, err.name, err.message)
        throw err
      }
    })
    this.transitions = result.catch(() => undefined)
    return result
  }

  private async run(identity: Identity): Promise<void> {
    this.pendingPhrase = undefined
    const node = new TokenimNode({
      ...this.init.node,
      dataDir: this.init.dataDir,
      identity,
      api: this.api,
    })
    await node.start()
    if (this.stopReason != null) {
      // Ctrl+C arrived while the node was starting: it must not outlive the daemon.
      await node.stop(stopReason('start-abandoned'))
      throw new ApiError(503, 'Stopping', 'the node is stopping')
    }
    node.addEventListener('stopped', this.onNodeStopped)
    this.nodeInstance = node
    this.safeDispatchEvent('running', { detail: node })
  }

  private async isSameIdentity(identity: Identity): Promise<boolean> {
    const stored = await this.keystore.publicKey()
    return Buffer.from(stored).equals(Buffer.from(identity.publicKey))
  }
}

function identityInfo(identity: Identity): IdentityInfo {
  return {
    peerId: peerIdOf(identity).toString(),
    publicKey: toHex(identity.publicKey),
    fingerprint: fingerprint(identity.publicKey),
  }
}
