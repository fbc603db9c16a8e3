import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { applyRelayEnv, relayEnvName } from '../../relay/config-env.ts'
import { loadRelayConfig, parseRelayConfig } from '../../relay/index.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

/** Every setting's path in a parsed config: the leaves (arrays count as one setting). */
function settingPaths(value: unknown, path: string[] = []): string[][] {
  if (typeof value !== 'object' || value == null || Array.isArray(value)) return [path]
  return Object.entries(value).flatMap(([key, inner]) => settingPaths(inner, [...path, key]))
}

function at(config: unknown, path: string[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], config)
}

describe('relay settings from the environment', () => {
  it('has a variable for every setting of relay.yaml, which lands on that setting', () => {
    const paths = settingPaths(parseRelayConfig({}, '/srv/relay'))
    expect(paths.length).toBeGreaterThan(30)
    for (const path of paths) {
      const name = relayEnvName(path)
      expect(name).toMatch(/^TOKENIM_RELAY__[A-Z0-9_]+$/)
      const { config } = applyRelayEnv({}, { [name]: 'marker' })
      expect(at(config, path), name).toBe('marker')
    }
    expect(relayEnvName(['circuitRelay', 'maxReservations'])).toBe(
      'TOKENIM_RELAY__CIRCUIT_RELAY__MAX_RESERVATIONS',
    )
  })

  it('wins over the file, read as YAML, and names a misspelt variable', async () => {
    const dir = await makeTempDir()
    try {
      const path = join(dir.path, 'relay.yaml')
      await writeFile(path, 'metrics:\n  port: 9464\ncircuitRelay:\n  maxReservations: 10\n')
      const config = await loadRelayConfig(path, {
        TOKENIM_RELAY__METRICS__PORT: '9500',
        TOKENIM_RELAY__CIRCUIT_RELAY__DURATION_LIMIT: '10m',
        TOKENIM_RELAY__ALLOW_PRIVATE_ADDRESSES: 'true',
        TOKENIM_RELAY__LISTEN: '[/ip4/0.0.0.0/tcp/5001, /ip4/0.0.0.0/tcp/5002/ws]',
        TOKENIM_RELAY_DATA_DIR: '/elsewhere',
      })
      expect(config.metrics.port).toBe(9500)
      expect(config.circuitRelay).toMatchObject({ maxReservations: 10, durationLimit: 600_000 })
      expect(config.allowPrivateAddresses).toBe(true)
      expect(config.listen).toEqual(['/ip4/0.0.0.0/tcp/5001', '/ip4/0.0.0.0/tcp/5002/ws'])
      // Not a setting's variable (one underscore): the CLI's data-dir default, left alone.
      expect(config.dataDir).toBe(dir.path)

      await expect(
        loadRelayConfig(path, { TOKENIM_RELAY__CIRCUIT_RELAY__MAX_RESERVATONS: '5' }),
      ).rejects.toThrow(
        /circuitRelay\.maxReservatons: unknown field .*TOKENIM_RELAY__CIRCUIT_RELAY__MAX_RESERVATONS/,
      )
    } finally {
      await dir.remove()
    }
  })
})
