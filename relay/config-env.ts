/**
 * Relay settings from the environment, as containers and service managers set them: every
 * field of relay.yaml has a variable, `TOKENIM_RELAY__` followed by the field's path with
 * each name in UPPER_SNAKE_CASE and nested names joined by a double underscore
 * (`circuitRelay.maxReservations` is `TOKENIM_RELAY__CIRCUIT_RELAY__MAX_RESERVATIONS`).
 * A value is read as YAML (`2048`, `5m`, `true`, `[/ip4/0.0.0.0/tcp/4001]`) and wins over
 * the file; the schema then checks it like the file's own, so a misspelt variable is an
 * unknown field, not a silent default.
 */
import { parse as parseYaml } from 'yaml'

export const RELAY_ENV_PREFIX = 'TOKENIM_RELAY__'

/** The variable that sets the field at `path`, e.g. ['metrics', 'port']. */
export function relayEnvName(path: string[]): string {
  return (
    RELAY_ENV_PREFIX +
    path.map((name) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('__')
  )
}

export interface EnvOverrides {
  /** The file's settings with the environment's on top. */
  config: Record<string, unknown>
  /** The variables applied, by name: for the error message and the start-up log. */
  applied: string[]
}

export function applyRelayEnv(fileConfig: unknown, env: NodeJS.ProcessEnv): EnvOverrides {
  const config = structuredClone(isObject(fileConfig) ? fileConfig : {})
  const applied: string[] = []
  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith(RELAY_ENV_PREFIX) || text === undefined) continue
    const path = name.slice(RELAY_ENV_PREFIX.length).split('__').map(camelCase)
    let parent = config
    for (const key of path.slice(0, -1)) {
      if (!isObject(parent[key])) parent[key] = {}
      parent = parent[key] as Record<string, unknown>
    }
    parent[path.at(-1)!] = yamlValue(text)
    applied.push(name)
  }
  return { config, applied: applied.sort() }
}

function camelCase(upperSnake: string): string {
  return upperSnake
    .toLowerCase()
    .replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase())
}

/** The value as YAML reads it; text that is not valid YAML stays text. */
function yamlValue(text: string): unknown {
  try {
    return parseYaml(text)
  } catch {
    return text
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value != null && !Array.isArray(value)
}
