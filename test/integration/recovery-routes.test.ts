/**
 * The recovery phrase through the local API, on a real daemon and node: an account from
 * before the commitment says it has none, gets a recovery phrase (a sensitive action),
 * commits once the phrase is typed back, and its device list then carries the commitment;
 * a recovery with the phrase restarts the node under a new key; splitting the secret among
 * friends checks the phrase and who is named, and completing waits for enough shares.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  backupPhraseOf,
  generateIdentity,
  peerIdOf,
  secretFromPhrase,
} from '../../node/identity/index.ts'
import { recoveryCommitment, recoveryKeyFromMasterSecret } from '../../protocol/accounts/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { RECOVERY_API_PATHS } from '../../protocol/local-api.ts'
import { startApiDaemon } from '../helpers/api-daemon.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const PASSWORD = 'correct horse battery staple 42'
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function failure(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => 'succeeded',
    (err: { name: string }) => err.name,
  )
}

describe('the recovery phrase through the local API', () => {
  it('an older account commits to a recovery phrase typed back, then recovers with it', async () => {
    const dir = await makeTempDir()
    cleanups.push(() => dir.remove())
    const { daemon, api } = await startApiDaemon(dir.path, cleanups)
    const older = generateIdentity()
    const restored = await api.restoreIdentity({
      phrase: backupPhraseOf(older),
      password: PASSWORD,
    })
    expect(restored.publicKey).toBe(toHex(older.publicKey))
    expect(await api.recoveryStatus()).toEqual({ committed: false, recoveries: 0 })

    expect(await failure(api.recoveryPhraseSetup({ password: 'wrong password 123' }))).toBe(
      'WrongPasswordError',
    )
    const { recoveryPhrase } = await api.recoveryPhraseSetup({ password: PASSWORD })
    expect(
      await failure(
        api.commitRecoveryPhrase({ password: PASSWORD, phrase: backupPhraseOf(older) }),
      ),
    ).toBe('NotARecoveryPhraseError')
    expect(await api.recoveryStatus()).toEqual({ committed: false, recoveries: 0 })
    expect(await api.commitRecoveryPhrase({ password: PASSWORD, phrase: recoveryPhrase })).toEqual({
      committed: true,
      recoveries: 0,
    })
    const commitment = recoveryCommitment(
      recoveryKeyFromMasterSecret(secretFromPhrase(recoveryPhrase), 0).publicKey,
    )
    expect(toHex(daemon.node?.devices.own().nextRecovery ?? new Uint8Array(0))).toBe(
      toHex(commitment),
    )

    const recovered = await api.recoverKey({ password: PASSWORD, phrase: recoveryPhrase })
    expect(recovered.previousPeerId).toBe(restored.peerId)
    expect(recovered.peerId).not.toBe(restored.peerId)
    expect(daemon.node?.peerId).toBe(recovered.peerId)
    expect(await api.recoveryStatus()).toEqual({ committed: true, recoveries: 1 })
    expect(
      await failure(api.recoverKey({ password: PASSWORD, phrase: backupPhraseOf(older) })),
    ).toBe('NotARecoveryPhraseError')

    // Splitting among friends checks the phrase, then who is named.
    const split = (phrase: string, friends: string[]) =>
      failure(
        api.request('POST', RECOVERY_API_PATHS.friends, {
          password: PASSWORD,
          phrase,
          threshold: 2,
          friends,
        }),
      )
    const strangers = [generateIdentity(), generateIdentity()].map((id) => peerIdOf(id).toString())
    const otherPhrase = (await api.recoveryPhraseSetup({ password: PASSWORD })).recoveryPhrase
    expect(await split(otherPhrase, strangers)).toBe('RecoveryPhraseMismatchError')
    expect(await split(recoveryPhrase, strangers)).toBe('InvalidRecoveryFriendsError')
    expect(
      await failure(api.request('POST', RECOVERY_API_PATHS.complete, { password: PASSWORD })),
    ).toBe('NotEnoughSharesError')
  }, 60_000)
})
