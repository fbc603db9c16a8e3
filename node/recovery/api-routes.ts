/**
 * The local API routes of recovery through friends (declared in protocol/local-api/recovery.ts). The
 * node's own (kept shares, requests and their answers, asking friends) are here; splitting
 * the secret and completing a recovery need the keystore, so the daemon serves them
 * (`recoveryDaemonRoutes`), each a sensitive action.
 */
import type { KadDHT } from '@libp2p/kad-dht'
import { fromHex } from '../../protocol/bytes.ts'
import { RECOVERY_ROUTES } from '../../protocol/local-api/recovery.ts'
import type { AskedFriendView, RotateKeyResponse } from '../../protocol/local-api.ts'
import { serve } from '../api/declared-route.ts'
import type { Routes } from '../api/local-api-server.ts'
import type { NodeDirectory } from '../directory/index.ts'
import type { Friends } from '../friends/index.ts'
import { answerLockout, secondFactorOf } from '../identity/api-routes.ts'
import { type Identity, type Keystore, peerIdOf } from '../identity/index.ts'
import { checkRecoverySecret, masterSecretOf } from '../identity/keystore-recovery.ts'
import { announceKeyRecovery } from '../key-rotation.ts'
import type { DirectMessages } from '../messaging/index.ts'
import type { AskedFriend, RecoveryShares } from './recovery-shares.ts'

const peerIdOfHex = (hex: string) => peerIdOf({ publicKey: fromHex(hex) }).toString()

export function recoveryRoutes(
  shares: () => RecoveryShares,
  friends: () => Friends,
  self: () => Uint8Array,
): Routes {
  return {
    ...serve(RECOVERY_ROUTES.kept, async () => ({
      kept: shares()
        .kept()
        .map(({ friend, account, threshold, at }) => ({
          friend: peerIdOfHex(friend),
          account: peerIdOfHex(account),
          threshold,
          at,
        })),
    })),
    ...serve(RECOVERY_ROUTES.requests, async () => ({
      requests: shares()
        .requests()
        .map((request) => ({
          ...request,
          account: peerIdOfHex(request.account),
          requester: peerIdOfHex(request.requester),
        })),
    })),
    ...serve(RECOVERY_ROUTES.answer, async ({ body }) => {
      if (body.release) await shares().approve(body.requestId)
      else await shares().decline(body.requestId)
      return { answered: true as const }
    }),
    ...serve(RECOVERY_ROUTES.ask, async ({ body }) => {
      const account = await friends().resolvePeer(body.account)
      const keys = await resolveAll(friends(), body.friends)
      return { asked: (await shares().ask(account, keys.map(fromHex), self())).map(askedView) }
    }),
    ...serve(RECOVERY_ROUTES.asked, async () => ({ asked: shares().asked().map(askedView) })),
  }
}

/** What the daemon serves: the split (needs the phrase) and the completion (needs the key). */
export function recoveryDaemonRoutes(
  keystore: Keystore,
  node: () => {
    recoveryShares: RecoveryShares
    friends: Friends
    messages: DirectMessages
    host?: { services: { dht: KadDHT } }
    directory?: Pick<NodeDirectory, 'moveNames'>
  },
  identityInfo: (
    identity: Identity,
  ) => Omit<RotateKeyResponse, 'previousPeerId' | 'backupPhrase' | 'reached' | 'waiting'>,
): Routes {
  return {
    ...serve(RECOVERY_ROUTES.setFriends, async ({ body }) => {
      const master = masterSecretOf(body.phrase)
      const threshold = body.threshold
      await answerLockout(() =>
        keystore.authorizeSensitiveAction(body.password, secondFactorOf(body)),
      )
      const { epoch } = await keystore.keyChain()
      checkRecoverySecret(await keystore.keyChain(), master)
      const { friends, recoveryShares } = node()
      const keys = await resolveAll(friends, body.friends)
      await recoveryShares.split(master, epoch.key, threshold, keys.map(fromHex))
      return { threshold, friends: keys.map(peerIdOfHex) }
    }),
    ...serve(RECOVERY_ROUTES.complete, async ({ body }) => {
      const password = body.password
      const parts = node()
      const { master, epoch, friends } = await parts.recoveryShares.rebuild()
      const current = await keystore.publicKey()
      const statement = await answerLockout(() =>
        keystore.adoptRecoveredAccount(password, master, epoch, secondFactorOf(body)),
      )
      await parts.friends.adoptAfterRecovery(friends)
      const { rotations, recoveries } = await keystore.keyChain()
      const announced = await announceKeyRecovery(parts, statement, { rotations, recoveries })
      const identity = { publicKey: current } as Identity
      return {
        ...identityInfo(identity),
        previousPeerId: peerIdOf({ publicKey: epoch.account }).toString(),
        backupPhrase: '',
        reached: announced.handedOver.length,
        waiting: announced.waiting.map(peerIdOfHex),
      }
    }),
  }
}

function resolveAll(friends: Friends, refs: string[]): Promise<string[]> {
  return Promise.all(refs.map((ref) => friends.resolvePeer(ref)))
}

function askedView(asked: AskedFriend): AskedFriendView {
  return {
    requestId: asked.requestId,
    peer: peerIdOfHex(asked.peer),
    code: asked.code,
    state: asked.state,
  }
}
