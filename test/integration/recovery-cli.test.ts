/**
 * The built `tokenim` CLI on an account from before recovery phrases: `status` says it has
 * no recovery commitment, and once the phrase is committed, that it has one. Needs `npm run
 * build` first.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { backupPhraseOf, generateIdentity } from '../../node/identity/index.ts'
import { startApiDaemon } from '../helpers/api-daemon.ts'
import { runCli } from '../helpers/cli.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const PASSWORD = 'correct horse battery staple 42'
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('recovery phrase CLI', () => {
  it('status names an account without a commitment, and the phrase set up commits it', async () => {
    const dir = await makeTempDir()
    cleanups.push(() => dir.remove())
    const { api } = await startApiDaemon(dir.path, cleanups)
    await api.restoreIdentity({ phrase: backupPhraseOf(generateIdentity()), password: PASSWORD })
    const status = await runCli(['status', '--data-dir', dir.path])
    expect(status.stdout).toMatch(
      /^recovery {5}NO recovery commitment: run "tokenim key recovery-phrase"$/m,
    )

    const { recoveryPhrase } = await api.recoveryPhraseSetup({ password: PASSWORD })
    await api.commitRecoveryPhrase({ password: PASSWORD, phrase: recoveryPhrase })
    const after = await runCli(['status', '--data-dir', dir.path])
    expect(after.stdout).toMatch(/^recovery {5}committed: /m)
  }, 60_000)
})
