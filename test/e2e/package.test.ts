/**
 * TokenIM as an npm package, used the way someone who never cloned the project uses it:
 * `npm pack` of this checkout, installed into an empty folder by the machine's own npm with
 * no node_modules on PATH, then `npx tokenim`, a node, a relay, a small simulation, and an
 * integrator's script and TypeScript file that import the package's entry points; and the
 * relay's container recipe (deploy/Dockerfile) carried out step by step on the installed
 * package, in a network namespace of its own as an unprivileged user (building the image
 * itself needs a container engine and an image registry, which the tests do not have).
 */
import { execFile } from 'node:child_process'
import { accessSync, constants, readFileSync } from 'node:fs'
import { chmod, chown, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labSupported, NatLab } from '../../sim/lab/nat-lab.ts'
import { type CliLauncher, runCli, spawnCli, untilPrinted } from '../helpers/cli.ts'
import { readContainerRecipe } from '../helpers/container-recipe.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version
/** The unprivileged user the recipe's steps run as here (the image has its own, `node`). */
const NOBODY = 65534
const PASSWORD = { TOKENIM_PASSWORD: 'correct horse battery staple 42' }

/** The PATH a user has: the test runner's own node_modules/.bin (Node 24) left out. */
const USER_PATH = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => !dir.includes('node_modules'))
  .join(delimiter)
const USER_ENV = { ...process.env, PATH: USER_PATH }

function onUserPath(command: string): string {
  for (const dir of USER_PATH.split(delimiter)) {
    try {
      accessSync(join(dir, command), constants.X_OK)
      return join(dir, command)
    } catch {
      // Not in this folder.
    }
  }
  throw new Error(`no ${command} on the PATH without node_modules: ${USER_PATH}`)
}

function run(
  command: string,
  args: string[],
  cwd: string,
  timeout = 180_000,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env: USER_ENV, timeout }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed:\n${stdout}\n${stderr}`))
      else resolve({ stdout, stderr })
    })
  })
}

describe('the tokenim package', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>
  let consumer: string
  let tokenim: CliLauncher

  beforeAll(async () => {
    dir = await makeTempDir('tokenim-package-')
    // `npm test` has just built dist/ and the web client; pack ships them as they are.
    const packed = await run(
      onUserPath('npm'),
      ['pack', '--ignore-scripts', '--pack-destination', dir.path],
      ROOT,
    )
    const tarball = join(dir.path, packed.stdout.trim().split('\n').at(-1)!)
    consumer = join(dir.path, 'app')
    await run('mkdir', [consumer], dir.path)
    await writeFile(join(consumer, 'package.json'), '{ "name": "app", "private": true }\n')
    await run(
      onUserPath('npm'),
      // @types/node: what any TypeScript project on Node has, for the type-check below.
      ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, '@types/node@24'],
      consumer,
      240_000,
    )
    tokenim = {
      runtime: onUserPath('node'),
      entry: join(consumer, 'node_modules', '.bin', 'tokenim'),
      baseEnv: USER_ENV,
    }
  }, 300_000)

  afterAll(() => dir?.remove())

  it('ships the build, the web client and the docs, and nothing of the sources', async () => {
    const installed = join(consumer, 'node_modules', 'tokenim')
    const top = await readdir(installed)
    expect(top.sort()).toEqual([
      'CHANGELOG.md',
      'README.md',
      'bin',
      'client',
      'dist',
      'doc',
      'package.json',
    ])
    expect(await readdir(join(installed, 'client'))).toEqual(['web'])
    expect(await readdir(join(installed, 'client', 'web'))).toEqual(['dist'])
  })

  it('gives `npx tokenim` on a PATH with only the machine’s Node', async () => {
    const { stdout } = await run(
      onUserPath('npx'),
      ['--no-install', 'tokenim', '--version'],
      consumer,
    )
    expect(stdout.trim()).toBe(VERSION)
  })

  it('runs a node that the integrator’s client, imported from the package, talks to', async () => {
    const dataDir = join(dir.path, 'node')
    const init = await runCli(['init', '--json', '--data-dir', dataDir], PASSWORD, tokenim)
    expect(init.code, init.stderr).toBe(0)
    const { peerId } = JSON.parse(init.stdout) as { peerId: string }
    const node = await spawnCli(
      ['start', '--data-dir', dataDir, '--listen', '/ip4/127.0.0.1/tcp/0'],
      'is running',
      PASSWORD,
      60_000,
      tokenim,
    )
    try {
      const status = await runCli(['status', '--json', '--data-dir', dataDir], {}, tokenim)
      expect(status.code, status.stderr).toBe(0)
      expect(JSON.parse(status.stdout).peerId).toBe(peerId)

      // A bot: plain JavaScript importing the package by name, under the runtime it installed.
      const bot = join(consumer, 'bot.mjs')
      await writeFile(
        bot,
        [
          "import { LocalApiClient } from 'tokenim'",
          "import { MAX_DM_TEXT_SIZE } from 'tokenim/protocol'",
          'const client = await LocalApiClient.forDataDir(process.argv[2])',
          'const status = await client.status()',
          'console.log(JSON.stringify({ peerId: status.peerId, limit: MAX_DM_TEXT_SIZE }))',
        ].join('\n'),
      )
      const runtime = join(consumer, 'node_modules', 'node', 'bin', 'node')
      const answer = await run(runtime, [bot, dataDir], consumer)
      expect(JSON.parse(answer.stdout)).toEqual({ peerId, limit: expect.any(Number) })
    } finally {
      const stop = await runCli(['stop', '--data-dir', dataDir], {}, tokenim)
      expect(stop.code, stop.stderr).toBe(0)
      expect(await node.exited).toBe(0)
    }
  }, 120_000)

  it('type-checks an integrator’s TypeScript against the declarations it ships', async () => {
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false },
        files: ['bot.ts'],
      }),
    )
    await writeFile(
      join(consumer, 'bot.ts'),
      [
        "import { LocalApiClient, type NodeStatus } from 'tokenim'",
        "import { MAX_DM_TEXT_SIZE } from 'tokenim/protocol'",
        'export async function peerOf(dataDir: string): Promise<string> {',
        '  const status: NodeStatus = await (await LocalApiClient.forDataDir(dataDir)).status()',
        '  return [status.peerId, String(MAX_DM_TEXT_SIZE)].join(" ")',
        '}',
      ].join('\n'),
    )
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
    await expect(run(process.execPath, [tsc, '-p', consumer], consumer)).resolves.toBeDefined()
  }, 120_000)

  it('runs a relay and a small simulation', async () => {
    const relayDir = join(dir.path, 'relay')
    const init = await runCli(['relay', 'init', '--json', '--data-dir', relayDir], {}, tokenim)
    expect(init.code, init.stderr).toBe(0)
    const { configPath } = JSON.parse(init.stdout) as { configPath: string }
    const config = readFileSync(configPath, 'utf8')
      .replace('/ip4/0.0.0.0/tcp/4001', '/ip4/127.0.0.1/tcp/0')
      .replace('/ip4/0.0.0.0/udp/4001/quic-v1', '/ip4/127.0.0.1/udp/0/quic-v1')
      .replace('/ip4/0.0.0.0/tcp/4002/ws', '/ip4/127.0.0.1/tcp/0/ws')
      .replace('port: 9464', 'port: 0')
    await writeFile(configPath, config)
    const relay = await spawnCli(
      ['relay', 'start', '--config', configPath],
      '"msg":"relay started"',
      {},
      60_000,
      tokenim,
    )
    relay.child.kill('SIGTERM')
    expect(await relay.exited).toBe(0)

    const scenario = join(dir.path, 'tiny.yaml')
    await writeFile(
      scenario,
      [
        'name: tiny',
        'seed: 1',
        'network: { relays: 1, nodes: 3, transport: memory }',
        'duration: 3s',
        'drain: 20s',
        'traffic: { direct: { rate: 2 } }',
        'expect: { allDelivered: true, exactlyOnce: true }',
      ].join('\n'),
    )
    const sim = await runCli(
      ['sim', 'run', '--json', '--out', join(dir.path, 'sim'), scenario],
      {},
      tokenim,
    )
    expect(sim.code, sim.stderr).toBe(0)
    expect(JSON.parse(sim.stdout)).toMatchObject({ passed: true })
  }, 120_000)

  it('carries out the relay image’s recipe: first start on an empty volume, a health check, a second start', async () => {
    const support = labSupported()
    if (!support.ok) throw new Error(support.reason)
    const recipe = await readContainerRecipe(join(ROOT, 'deploy', 'Dockerfile'))
    expect(recipe.user).toBe('node')
    // The volume is a folder of the unprivileged user's, 0700 as the recipe makes it; the
    // installed package must be reachable by that user, as under /usr/local in the image.
    const volume = join(dir.path, 'volume')
    await mkdir(volume, { mode: 0o700 })
    await chown(volume, NOBODY, NOBODY)
    await chmod(dir.path, 0o755)
    const inVolume = (text: string) => text.replaceAll(recipe.volume, volume)
    const env = {
      ...Object.fromEntries(Object.entries(recipe.env).map(([k, v]) => [k, inVolume(v)])),
      PATH: [join(consumer, 'node_modules', '.bin'), USER_PATH].join(delimiter),
      HOME: volume,
    }
    const asUser = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups']
    const lab = await NatLab.build({ publicHosts: ['container'], homes: [] })
    try {
      const container = lab.host('container')
      const start = async () => {
        const child = container.spawn([...asUser, ...recipe.entrypoint.map(inVolume)], env)
        const { exited, output } = await untilPrinted(child, '"msg":"relay started"', 60_000)
        const health = await container.exec([...asUser, ...recipe.healthcheck], env)
        expect(health.code, `${health.stderr}\n${output()}`).toBe(0)
        child.kill('SIGTERM')
        expect(await exited, output()).toBe(0)
      }
      await start()
      const key = await readFile(join(volume, 'relay.key'))
      const config = await readFile(join(volume, 'relay.yaml'), 'utf8')
      expect((await stat(join(volume, 'relay.key'))).mode & 0o777).toBe(0o600)
      expect((await stat(join(volume, 'relay.key'))).uid).toBe(NOBODY)
      // The second start keeps what the first wrote: the same key, the same settings.
      await start()
      expect(await readFile(join(volume, 'relay.key'))).toEqual(key)
      expect(await readFile(join(volume, 'relay.yaml'), 'utf8')).toBe(config)
    } finally {
      await lab.destroy()
    }
  }, 120_000)
})
