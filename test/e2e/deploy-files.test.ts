/**
 * The files relay operators deploy with (deploy/): the systemd units pass
 * `systemd-analyze verify` and its security review, the Prometheus config passes
 * `promtool check config`, every query of the Grafana dashboard is valid PromQL and reads
 * metrics a running relay serves, and the container files agree with the relay's defaults.
 * Building the image needs a Docker daemon and an image registry, which the tests do not
 * have: package.test.ts carries out the Dockerfile's steps on the installed package instead.
 */
import { execFile } from 'node:child_process'
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { createRelay, parseRelayConfig, type RelayNode } from '../../relay/index.ts'
import { promtool } from '../helpers/promtool.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const DEPLOY = join(ROOT, 'deploy')
/** Where the units expect `npm install -g tokenim` to have put the command. */
const INSTALLED_COMMAND = '/usr/local/bin/tokenim'
/** systemd-analyze security's exposure, in tenths: "OK" ends at 2.0 of 10. */
const MAX_EXPOSURE_TENTHS = 20

function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, (error, stdout, stderr) => {
      const code = error == null ? 0 : typeof error.code === 'number' ? error.code : 1
      resolve({ code, output: `${stdout}${stderr}`.trim() })
    })
  })
}

let dir: Awaited<ReturnType<typeof makeTempDir>>
beforeAll(async () => {
  dir = await makeTempDir('tokenim-deploy-')
})
afterAll(() => dir?.remove())

describe('systemd units', () => {
  it('verify, and keep the exposure systemd rates OK', async () => {
    const units = (await readdir(join(DEPLOY, 'systemd'))).filter((f) => f.endsWith('.service'))
    expect(units.sort()).toEqual(['tokenim-node.service', 'tokenim-relay.service'])
    const paths: string[] = []
    for (const unit of units) {
      // The command is where this checkout's bin is, instead of where npm -g puts it.
      const text = await readFile(join(DEPLOY, 'systemd', unit), 'utf8')
      expect(text).toContain(INSTALLED_COMMAND)
      const path = join(dir.path, unit)
      await writeFile(path, text.replaceAll(INSTALLED_COMMAND, join(ROOT, 'bin', 'tokenim.js')))
      paths.push(path)
    }
    const verify = await run('systemd-analyze', ['verify', ...paths])
    expect(verify, verify.output).toEqual({ code: 0, output: '' })
    for (const path of paths) {
      const security = await run('systemd-analyze', [
        'security',
        '--offline=true',
        `--threshold=${MAX_EXPOSURE_TENTHS}`,
        path,
      ])
      expect(security.code, security.output).toBe(0)
    }
  })
})

describe('monitoring', () => {
  let relay: RelayNode
  let exposition: string
  beforeAll(async () => {
    relay = await createRelay(
      parseRelayConfig({
        dataDir: join(dir.path, 'relay'),
        listen: ['/ip4/127.0.0.1/tcp/0'],
        allowPrivateAddresses: true,
        metrics: { port: 0 },
        log: { level: 'silent' },
      }),
    )
    exposition = await (await fetch(relay.status().metricsUrl!)).text()
  }, 60_000)
  afterAll(() => relay?.stop())

  it('has a Prometheus config promtool accepts', async () => {
    await copyFile(join(DEPLOY, 'prometheus.yml'), join(dir.path, 'prometheus.yml'))
    const check = await promtool(['check', 'config', join(dir.path, 'prometheus.yml')])
    expect(check.code, check.output).toBe(0)
  })

  it('has a dashboard whose queries are valid PromQL over metrics the relay serves', async () => {
    const dashboard = JSON.parse(
      await readFile(join(DEPLOY, 'grafana', 'dashboards', 'tokenim-relay.json'), 'utf8'),
    ) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> }
    const queries = dashboard.panels.flatMap((panel) => panel.targets.map((t) => t.expr))
    expect(queries.length).toBeGreaterThan(10)

    // Each query as a recording rule: `promtool check rules` parses its PromQL.
    const rules = join(dir.path, 'dashboard-rules.yml')
    await writeFile(
      rules,
      JSON.stringify({
        groups: [
          {
            name: 'dashboard',
            rules: queries.map((expr, i) => ({ record: `dashboard:query${i}`, expr })),
          },
        ],
      }),
    )
    const check = await promtool(['check', 'rules', rules])
    expect(check.code, check.output).toBe(0)

    const served = new Set([...exposition.matchAll(/^# TYPE (\S+) /gm)].map(([, name]) => name))
    const read = new Set(
      queries.flatMap((expr) =>
        [...expr.matchAll(/\b((?:tokenim|libp2p|process|nodejs)_[a-z0-9_]+)\b/g)].map(([, name]) =>
          name.replace(/_(bucket|count|sum)$/, (suffix) => (served.has(name) ? suffix : '')),
        ),
      ),
    )
    expect([...read].filter((name) => !served.has(name))).toEqual([])
  })

  it('ships container files that agree with the relay defaults', async () => {
    const dockerfile = await readFile(join(DEPLOY, 'Dockerfile'), 'utf8')
    const exposed = /^EXPOSE (.+)$/m.exec(dockerfile)?.[1].split(/\s+/) ?? []
    const { listen, metrics } = parseRelayConfig({}, '/data')
    const ports = listen.map((addr) => {
      const [, , , proto, port] = addr.split('/')
      return `${port}/${proto === 'udp' ? 'udp' : 'tcp'}`
    })
    expect(exposed.sort()).toEqual([...ports, `${metrics.port}/tcp`].sort())
    expect(dockerfile).toMatch(/^USER node$/m)
    expect(dockerfile).toContain(`http://127.0.0.1:${metrics.port}/health`)

    const compose = parseYaml(await readFile(join(DEPLOY, 'compose.yaml'), 'utf8')) as {
      services: Record<string, { ports?: string[] }>
    }
    const published = (compose.services.relay.ports ?? []).map((p) => p.split(':').at(-1))
    expect(published.sort()).toEqual(ports.sort())
    const prometheus = parseYaml(await readFile(join(DEPLOY, 'prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ static_configs: Array<{ targets: string[] }> }>
    }
    expect(prometheus.scrape_configs[0].static_configs[0].targets).toEqual([
      `relay:${metrics.port}`,
    ])
  })
})
