/**
 * The node's composition root: every part built once, in dependency order, each started as
 * soon as it is built; `Composition` stops them in exactly the reverse order. The order is
 * the dependency graph read top to bottom (doc/architecture.md draws it):
 *
 *   storage -> host -> rooms -> directory -> friends -> devices -> recoveryShares -> linkHost
 *   -> prekeys -> mailbox -> messages -> history -> calls -> presence -> attachments
 *   -> conversations -> api
 *
 * A part only ever receives parts built before it, as plain values. The one cycle, friends
 * handing friend messages to messaging built after them, is closed by a function that
 * returns messaging once it exists (so are friends handing device lists to devices, and
 * devices sending theirs through messaging). Parts react to each other through what the
 * earlier part offers (messaging's history feed, the rooms' own events), never through the
 * events the local API sends to clients.
 */

import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { startHost } from '../network/start-host.ts'
import { fromHex } from '../protocol/bytes.ts'
import { MAX_LINKED_FRIENDS, MAX_LINKED_RELAYS } from '../protocol/limits.ts'
import type { NodeEventMap, NodeEventType } from '../protocol/local-api.ts'
import { stopReason } from '../protocol/stop-reasons.ts'
import { Attachments } from './attachments/index.ts'
import { relaysFromNodeConfig } from './bootstrap.ts'
import { VoiceCalls } from './calls/index.ts'
import type { PartBuilder } from './composition.ts'
import { Conversations } from './conversations/index.ts'
import { type DataDirPaths, ensureDataDir } from './data-dir.ts'
import { upgradeNodeDataDir } from './data-format/index.ts'
import {
  accountDevicesPort,
  DeviceMailboxRecipients,
  DeviceService,
  friendRevoked,
  LinkHost,
} from './devices/index.ts'
import { NodeDirectory, signedInElsewhereEvent } from './directory/index.ts'
import { boundFirstSelfQueryWait } from './first-self-query.ts'
import { Friends } from './friends/index.ts'
import { followFriendsWhenReachable, followOnFailedSends } from './friends/rotation-dht.ts'
import { keepOwnStatementsPublished } from './friends/statement-republish.ts'
import { HistoryTransfer } from './history-transfer/index.ts'
import { OfflineMailbox } from './mailbox/index.ts'
import { DirectMessages, SentFilesUnavailableError } from './messaging/index.ts'
import { NodeApi, nodeRoutes } from './node-api.ts'
import { buildHost } from './node-host.ts'
import { keyChainIn, recoveryCommitmentIn } from './own-key-chain.ts'
import {
  followDeviceLists,
  friendDevicesOf,
  messagingFollows,
  ownDeviceListOf,
} from './part-followers.ts'
import { PrekeyService } from './prekeys/index.ts'
import { Presence } from './presence/index.ts'
import { linkRoomProfiles, ProfileService } from './profiles/index.ts'
import { RecoveryShares } from './recovery/index.ts'
import { RoomService } from './rooms/index.ts'
import { keepRoutingTableFilled } from './routing-table-refill.ts'
import { openStorage, type Storage } from './storage.ts'
import type { NodeHost, TokenimNode, TokenimNodeInit } from './tokenim-node.ts'

/** Every part of a node, by the name `Composition.get` reads it back with. */
export interface NodeParts {
  storage: Storage
  host: NodeHost
  rooms: RoomService
  directory: NodeDirectory
  friends: Friends
  devices: DeviceService
  linkHost: LinkHost
  recoveryShares: RecoveryShares
  profiles: ProfileService
  prekeys: PrekeyService
  mailbox: OfflineMailbox
  messages: DirectMessages
  calls: VoiceCalls
  history: HistoryTransfer
  presence: Presence
  attachments: Attachments
  conversations: Conversations
  /** Never built when the node runs without the local API (`apiPort: false`). */
  api: NodeApi
}

/** What the parts are given of the node that composes them. */
export interface NodeContext {
  node: TokenimNode
  init: TokenimNodeInit
  paths: DataDirPaths
  /** Dispatches a node event locally and to API clients. */
  emit<T extends NodeEventType>(type: T, data: NodeEventMap[T]): void
  /** Called once the host runs: the node's start time. */
  hostStarted(): void
}

/** Builds and starts every part of the node, in dependency order. */
export async function composeNode(
  parts: PartBuilder<NodeParts>,
  context: NodeContext,
): Promise<void> {
  const { node, init, paths, emit } = context
  const { identity } = init
  await ensureDataDir(paths.root)
  const upgrade = await upgradeNodeDataDir(paths, { identity })
  const storage = await parts.add('storage', () => openStorage(paths.database, { identity }), {
    stop: (storage) => storage.close(),
  })
  const relays = [...new Set([...(init.relays ?? []), ...(await relaysFromNodeConfig(paths.root))])]

  const host = await parts.add(
    'host',
    async () => {
      const host = await buildHost(init, storage, relays)
      host.addEventListener('peer:connect', (evt) => {
        emit('peer:connected', { peerId: evt.detail.toString() })
      })
      host.addEventListener('peer:disconnect', (evt) => {
        emit('peer:disconnected', { peerId: evt.detail.toString() })
      })
      return host
    },
    { start: startHost, stop: (host) => host.stop() },
  )
  context.hostStarted()
  for (const { from, to, summary, note, backup } of upgrade.steps) {
    const message = `data dir upgraded: ${summary}`
    if (init.logger != null) init.logger.info({ from, to, note, backup }, message)
    else
      host.logger.forComponent('tokenim:storage')(
        '%s (%d to %d, %s); backup in %s',
        message,
        from,
        to,
        note,
        backup,
      )
  }

  // Rooms start before devices; they read our device list once it is there.
  let devices: DeviceService | undefined
  // Friends and rooms start before messaging; each is handed a function that reaches it.
  let messaging: DirectMessages | undefined
  const rooms = await parts.add(
    'rooms',
    () =>
      new RoomService(
        {
          host,
          db: storage.sublevel('rooms'),
          identity,
          emit: (type, data) => emit(type, data as never),
          keyStatements: () => keyChainIn(paths.root, identity),
          ownDeviceList: () => ownDeviceListOf(devices),
          // Messaging is built later: a room read here reaches our other devices through it.
          ownProfile: () => profiles?.ownRecord(),
          onRead: (roomIdHex, lamport) =>
            void messaging?.devices?.sync.roomRead(roomIdHex, lamport).catch((err: Error) => {
              host.logger.forComponent('tokenim:rooms').error('room read not synced: %e', err)
            }),
        },
        init.rooms,
      ),
  )

  const directory = await parts.add(
    'directory',
    () =>
      new NodeDirectory({
        host,
        identity,
        store: storage.sublevel('directory'),
        log: host.logger.forComponent('tokenim:directory'),
        relays,
        onSignedInElsewhere: (info) => {
          const event = signedInElsewhereEvent(info)
          emit('session:signed-in-elsewhere', event)
          void node.stop(stopReason('signed-in-elsewhere')) // never rejects
        },
      }),
  )

  // Before messaging, which asks friends whom to drop and hands them friend messages.
  let recoveryShares: RecoveryShares | undefined
  let profiles: ProfileService | undefined
  const friends = await parts.add(
    'friends',
    () =>
      new Friends(
        {
          db: storage.sublevel('friends'),
          identity,
          messaging: () => messaging,
          deviceLists: () => devices,
          profiles: () => profiles,
          recoveryShares: () => recoveryShares,
          devices: () => friendDevicesOf(devices),
          directory: {
            lookup: (name) => directory.lookup(name),
            ownName: async () => (await directory.names())[0]?.scopedName,
          },
          log: host.logger.forComponent('tokenim:friends'),
          emit: (type, data) => emit(type, data),
        },
        init.friends,
      ),
  )

  devices = await parts.add(
    'devices',
    () =>
      new DeviceService(
        {
          host,
          identity,
          store: storage.sublevel('devices'),
          friends,
          messaging: () => messaging,
          emit: (type, data) => emit(type, data),
          recoveryCommitment: () => recoveryCommitmentIn(paths.root, identity),
          syncOwnList: async (record, to) => messaging?.devices?.sync.sendList(record, to),
        },
        init.devices,
      ),
  )
  recoveryShares = await parts.add(
    'recoveryShares',
    () =>
      new RecoveryShares({
        db: storage.sublevel('recovery'),
        friends,
        messaging: () => messaging,
        log: host.logger.forComponent('tokenim:recovery'),
      }),
  )
  profiles = await parts.add(
    'profiles',
    () =>
      new ProfileService({
        identity,
        store: storage.sublevel('profiles'),
        friends,
        messaging: () => messaging,
        otherDevicesOf: (friend) => devices?.otherDevicesOf(friend) ?? [],
        syncOwn: async (record) => messaging?.devices?.sync.sendProfile(record),
        accountOf: (device) => devices?.friendAccountOf(device),
        sharesRoomWith: (memberHex) => rooms.sharesRoomWith(memberHex),
        log: host.logger.forComponent('tokenim:profiles'),
        emit: (type, data) => emit(type, data),
      }),
  )
  // Rooms carry profiles to members who are not friends.
  const roomProfiles = linkRoomProfiles(
    rooms,
    profiles,
    host.logger.forComponent('tokenim:profiles'),
  )
  await parts.step('rooms carry profiles', roomProfiles.link, roomProfiles.unlink)

  await followDeviceLists(parts, { host, friends, devices, rooms })

  const linkHost = await parts.add('linkHost', () => {
    const linkHost = new LinkHost(
      {
        host,
        identity,
        devices,
        handoverState: () => ({
          friends: friends
            .list()
            .slice(0, MAX_LINKED_FRIENDS)
            .map((friend) => ({ key: fromHex(friend.publicKey), name: friend.name ?? '' })),
          relays: relays.slice(0, MAX_LINKED_RELAYS),
        }),
      },
      init.linking,
    )
    linkHost.addEventListener('devices:link', (evt) => emit('device:link', evt.detail))
    return linkHost
  })

  // kad-dht tries a relay once per link: a late first ping would leave the table empty; and
  // it holds every query until its first self-query, which has no deadline, has run.
  let stopWatchingDht = () => {}
  await parts.step(
    'DHT routing table kept from staying empty, queries from waiting on the first self-query',
    () => {
      const log = host.logger.forComponent('tokenim:bootstrap')
      const dht = host.services.dht
      const stops = [
        keepRoutingTableFilled({ dht, relays: host.services.relayBootstrap, log }),
        boundFirstSelfQueryWait({ dht, log }),
      ]
      stopWatchingDht = () => {
        for (const stop of stops) stop()
      }
    },
    () => stopWatchingDht(),
  )
  const prekeys = await parts.add(
    'prekeys',
    () => new PrekeyService({ host, identity, store: storage.sublevel('prekeys') }, init.prekeys),
  )
  const mailbox = await parts.add(
    'mailbox',
    () =>
      new OfflineMailbox(
        {
          host,
          identity,
          store: storage.sublevel('mailbox'),
          // No copy for a device its account revoked, even one only the DHT says so yet.
          recipients: new DeviceMailboxRecipients(
            {
              friendAccountOf: (device) => devices.friendAccountOf(device),
              refresh: (friend, options) => devices.refresh(friend, options),
              // A friend's revoked device only: our own revoked device is still sent the list
              // that tells it so (node/part-followers.ts), through the mailbox while it is away.
              isRevoked: friendRevoked(devices, friends),
              log: host.logger.forComponent('tokenim:mailbox'),
            },
            { recheckMs: init.devices?.mailboxRecheckMs },
          ),
        },
        init.mailbox,
      ),
  )
  // A text that went to the mailbox: its friend may have rotated unseen (rotation-dht.ts).
  const lookUpAfterFailedSend = followOnFailedSends({
    dht: host.services.dht,
    friends,
    log: host.logger.forComponent('tokenim:friends'),
  })
  let voiceCalls: VoiceCalls | undefined
  // Built after messaging: copies of a text with a file ask it for the file's key or bytes.
  let sentFiles: Attachments | undefined
  // Built after messaging too: a delete another device made forgets its files through it.
  let followedDeletes: Conversations | undefined
  const messages = await parts.add('messages', () => {
    messaging = new DirectMessages(
      {
        host,
        db: storage.sublevel('messaging'),
        identity,
        prekeys,
        mailbox,
        social: friends,
        calls: { receive: (...signal) => voiceCalls?.receive(...signal) },
        devices: accountDevicesPort(devices, friends),
        sentFiles: {
          sentAttachment: async (stored) => {
            if (sentFiles != null) return sentFiles.sentAttachment(stored)
            throw new SentFilesUnavailableError('the attachments store is not started yet')
          },
        },
        takeOwnList: (from, record) => devices.receiveOwn(from, record),
        takeOwnProfile: async (record) => profiles?.receiveOwn(record),
        takeRoomRead: (roomIdHex, lamport) => rooms.takeReadMark(roomIdHex, lamport),
        takeFriendSync: (from, peer, entry) => friends.takeSynced(from, peer, entry),
        forgetSyncedDeletes: async (files, compact) => {
          if (followedDeletes == null) {
            throw new Error('the conversations part is not started yet: files not forgotten')
          }
          await followedDeletes.followDelete(files, compact)
        },
        emitSynced: (type: 'conversation:read' | 'conversation:cleared', data: never) =>
          emit(type, data),
        // The people we know first: only strangers need the directory (and so a relay).
        lookupUsername: async (name, options) =>
          friends.keyOfKnownName(name) ??
          new Uint8Array(Buffer.from((await directory.lookup(name, options)).publicKey, 'hex')),
        emit: (type: 'message:received' | 'message:updated' | 'message:state', data: never) => {
          emit(type, data)
          const change = data as { state?: string; peerId?: string }
          if (type === 'message:state' && change.state === 'stored' && change.peerId != null) {
            lookUpAfterFailedSend(peerIdFromString(change.peerId).publicKey!.raw)
          }
        },
      },
      init.messaging,
    )
    return messaging
  })

  await messagingFollows(parts, { host, friends, devices, messages })
  // Friends who rotated while we were away (and whose statement we never got) are found in
  // the DHT, under the key we know.
  let stopFollowing = () => {}
  await parts.step(
    'friends followed through the DHT',
    () => {
      const log = host.logger.forComponent('tokenim:friends')
      stopFollowing = followFriendsWhenReachable({
        dht: host.services.dht,
        friends,
        collect: () => messages.collect(),
        log,
      })
    },
    () => stopFollowing(),
  )
  // Our own statements outlive the DHT holders' 48 hours: put again while we run.
  let stopRepublishing = () => {}
  await parts.step(
    'own key statements kept in the DHT',
    () => {
      stopRepublishing = keepOwnStatementsPublished({
        dht: host.services.dht,
        statements: () => keyChainIn(paths.root, identity),
        log: host.logger.forComponent('tokenim:friends'),
      })
    },
    () => stopRepublishing(),
  )
  // History on a new device: ours to the account's other devices, theirs to this one.
  const history = await parts.add('history', () => {
    const own = accountDevicesPort(devices, friends)
    return new HistoryTransfer(
      {
        host,
        db: storage.sublevel('history'),
        pipeline: messages.pipeline,
        devices: own,
        hides: (peer) => messages.devices?.fanOut.hides(peer) ?? false,
        myKey: identity.publicKey,
        ownDevices: () =>
          devices.running
            ? devices
                .own()
                .devices.filter((device) => own.isOwnDevice(device.device))
                .map((device) => ({ key: device.device, name: device.name }))
            : [],
        emit: (status) => emit('device:history', status),
      },
      init.history,
    )
  })
  // Friend messages left from the last run go out now that messaging runs, then heartbeats.
  await parts.step('pending friend messages', () => {
    void friends.sendPending()
    void devices.sendPending()
  })
  // After messaging, which hands it signals: a call under way is hung up before messaging stops.
  const calls = await parts.add('calls', () => {
    const accounts = accountDevicesPort(devices, friends)
    voiceCalls = new VoiceCalls(
      {
        db: storage.sublevel('calls'),
        send: (peer, payload) => messages.sendCall(peer, payload),
        isFriend: (peer) => friends.isFriend(peer),
        devicesOf: (account) => [account, ...accounts.otherDevicesOf(account).map((d) => d.key)],
        accountOf: (device) => accounts.friendAccountOf(device) ?? device,
        resolvePeer: (peer) => messages.resolvePeer(peer),
        emit: (type, data) => emit(type, data),
        log: host.logger.forComponent('tokenim:calls'),
        relayIceServers: () => directory.iceServers({ signal: AbortSignal.timeout(5_000) }),
      },
      init.calls,
    )
    return voiceCalls
  })
  const presence = await parts.add(
    'presence',
    () =>
      new Presence(
        {
          host,
          identity,
          db: storage.sublevel('presence'),
          friends,
          accountOf: (device) => devices.friendAccountOf(device),
          devicesOf: (account) =>
            devices.friendList(account)?.devices.map(({ device, name }) => ({ key: device, name })),
          emit: (type, data) => emit(type, data),
        },
        init.presence,
      ),
  )

  const attachments = await parts.add('attachments', () => {
    sentFiles = new Attachments(
      {
        host,
        db: storage.sublevel('attachments'),
        filesDir: join(paths.root, 'files'),
        identity,
        messages,
        rooms,
        devices: accountDevicesPort(devices, friends),
        emit: (type, data) => emit(type, data),
      },
      init.attachments,
    )
    return sentFiles
  })
  // A page the fan-out could not take without the store (SentFilesUnavailableError) goes now.
  for (const follower of messages.devices?.followers ?? []) {
    follower.catchUp().catch((err: Error) => {
      host.logger.forComponent('tokenim:dm').error('catching up the history feed: %e', err)
    })
  }
  const conversations = await parts.add('conversations', () => {
    const conversations = new Conversations(
      {
        db: storage.sublevel('conversations'),
        messages,
        rooms,
        attachmentState: (fileId) => attachments.state(fileId),
        forgetFiles: (fileIds, peerHex) => attachments.forget(fileIds, peerHex),
        compact: () => storage.compact(),
        log: host.logger.forComponent('tokenim:conversations'),
      },
      init.conversations,
    )
    // Registered before it starts: what is shown meanwhile is indexed too. (1:1 messages come
    // from messaging's history feed, which the index follows.)
    rooms.addEventListener('room:message', (event) => conversations.roomMessage(event.detail))
    followedDeletes = conversations
    return conversations
  })

  if (init.api == null && init.apiPort === false) return
  const routes = nodeRoutes(
    node,
    {
      storage,
      host,
      rooms,
      directory,
      friends,
      devices,
      linkHost,
      recoveryShares,
      profiles,
      prekeys,
      mailbox,
      messages,
      calls,
      history,
      presence,
      attachments,
      conversations,
    },
    paths,
  )
  await parts.add(
    'api',
    () =>
      new NodeApi({
        routes,
        server: init.api,
        port: init.apiPort || 0,
        apiInfoPath: paths.apiInfo,
        peerId: host.peerId.toString(),
      }),
  )
}
