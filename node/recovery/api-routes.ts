/**
 * The local API routes of recovery through friends (paths in protocol/local-api.ts). The
 * node's own (kept shares, requests and their answers, asking friends) are here; splitting
 * the secret and completing a recovery need the keystore, so the daemon serves them
 * (`recoveryDaemonRoutes`), each a sensitive action.
 */
import type { KadDHT } from '@libp2p/kad-dht'
import { fromHex } from '../../protocol/bytes.ts'
import {
  type AskedFriendView,
  type KeptShareView,
  RECOVERY_API_PATHS,
  type RecoveryRequestView,
  type RotateKeyResponse,
  type SetRecoveryFriendsResponse,
} from '../../protocol/local-api.ts'
import { ApiError, booleanField, type Routes, stringField } from '../api/local-api-server.ts'
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
    [`GET ${RECOVERY_API_PATHS.kept}`]: async (): Promise<{ kept: KeptShareView[] }> => ({
      kept: shares()
        .kept()
        .map(({ friend, account, threshold, at }) => ({
          friend: peerIdOfHex(friend),
          account: peerIdOfHex(account),
          threshold,
          at,
        })),
    }),
    [`GET ${RECOVERY_API_PATHS.requests}`]: async (): Promise<{
      requests: RecoveryRequestView[]
    }> => ({
      requests: shares()
        .requests()
        .map((request) => ({
          ...request,
          account: peerIdOfHex(request.account),
          requester: peerIdOfHex(request.requester),
        })),
    }),
    [`POST ${RECOVERY_API_PATHS.answer}`]: async ({ body }) => {
      const requestId = stringField(body, 'requestId')
      if (booleanField(body, 'release')) await shares().approve(requestId)
      else await shares().decline(requestId)
      return { answered: true }
    },
    [`POST ${RECOVERY_API_PATHS.ask}`]: async ({ body }): Promise<{ asked: AskedFriendView[] }> => {
      const account = await friends().resolvePeer(stringField(body, 'account'))
      const keys = await resolveAll(friends(), body)
      return { asked: (await shares().ask(account, keys.map(fromHex), self())).map(askedView) }
    },
    [`GET ${RECOVERY_API_PATHS.asked}`]: async (): Promise<{ asked: AskedFriendView[] }> => ({
      asked: shares().asked().map(askedView),
    }),
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
    [`POST ${RECOVERY_API_PATHS.friends}`]: async ({
      body,
    }): Promise<SetRecoveryFriendsResponse> => {
      const password = stringField(body, 'password')
      const master = masterSecretOf(stringField(body, 'phrase'))
      const threshold = Number((body as { threshold?: unknown })?.threshold)
      await answerLockout(() => keystore.authorizeSensitiveAction(password, secondFactorOf(body)))
      const { epoch } = await keystore.keyChain()
      checkRecoverySecret(await keystore.keyChain(), master)
      const { friends, recoveryShares } = node()
      const keys = await resolveAll(friends, body)
      await recoveryShares.split(master, epoch.key, threshold, keys.map(fromHex))
      return { threshold, friends: keys.map(peerIdOfHex) }
    },
    [`POST ${RECOVERY_API_PATHS.complete}`]: async ({ body }): Promise<RotateKeyResponse> => {
      const password = stringField(body, 'password')
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
    },
  }
}

async function resolveAll(friends: Friends, body: unknown): Promise<string[]> {
  const refs = (body as { friends?: unknown })?.friends
  if (!Array.isArray(refs) || refs.some((ref) => typeof ref !== 'string')) {
    throw new ApiError(400, 'InvalidRequest', '"friends" must be a list of names or peer ids')
  }
  return Promise.all(refs.map((ref: string) => friends.resolvePeer(ref)))
}

function askedView(asked: AskedFriend): AskedFriendView {
  return {
    requestId: asked.requestId,
    peer: peerIdOfHex(asked.peer),
    code: asked.code,
    state: asked.state,
  }
}
