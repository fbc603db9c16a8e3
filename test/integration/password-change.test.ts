/**
 * A password change through the local API keeps everything the node keeps: the data sealed
 * at rest derives its keys from the identity, not from the password, so a node restarted
 * and unlocked with the new password reads its history as before.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { startApiDaemon } from '../helpers/api-daemon.ts'
import { outcomeOf } from '../helpers/outcome.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const PASSWORD = 'correct horse battery staple 42'
const NEW_PASSWORD = 'violet lantern under rain 7'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function startDaemon(dataDir: string) {
  return startApiDaemon(dataDir, cleanups)
}

describe('password change', () => {
  it('keeps the history readable after a restart unlocked with the new password', async () => {
    const dir = await makeTempDir()
    cleanups.push(() => dir.remove())
    const first = await startDaemon(dir.path)
    const created = await first.api.createIdentity({ password: PASSWORD })
    const { roomId } = await first.api.createRoom({ name: 'Notes' })
    await first.api.sendRoomMessage(roomId, 'written before the password changed')

    expect(
      await outcomeOf(
        first.api.changePassword({ password: 'not the password', newPassword: NEW_PASSWORD }),
      ),
    ).toBe('WrongPasswordError')
    expect(
      await outcomeOf(first.api.changePassword({ password: PASSWORD, newPassword: 'weak' })),
    ).toBe('WeakPasswordError')
    expect(
      await first.api.changePassword({ password: PASSWORD, newPassword: NEW_PASSWORD }),
    ).toEqual({ changed: true })
    await first.daemon.stop()

    const second = await startDaemon(dir.path)
    expect(await second.api.state()).toMatchObject({ state: 'locked', failures: 0 })
    expect(await outcomeOf(second.api.unlock({ password: PASSWORD }))).toBe('WrongPasswordError')
    const unlocked = await second.api.unlock({ password: NEW_PASSWORD })
    expect(unlocked.peerId).toBe(created.peerId)
    const history = await second.api.roomHistory(roomId)
    expect(history.messages.map((m) => m.text)).toEqual(['written before the password changed'])
  })
})
