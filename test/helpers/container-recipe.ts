/**
 * What a container image recipe (deploy/Dockerfile) tells the runtime: the environment, the
 * user, the data volume, the entry point and the health check, read from the file so that
 * a test can carry out the same steps without a container engine.
 */
import { readFile } from 'node:fs/promises'

export interface ContainerRecipe {
  env: Record<string, string>
  user: string
  volume: string
  entrypoint: string[]
  healthcheck: string[]
}

export async function readContainerRecipe(path: string): Promise<ContainerRecipe> {
  // Continuation lines joined, comments dropped: one instruction per line.
  const lines = (await readFile(path, 'utf8'))
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  const argument = (instruction: string) => {
    const line = lines.find((one) => one.startsWith(`${instruction} `))
    if (line == null) throw new Error(`${path} has no ${instruction}`)
    return line.slice(instruction.length + 1).trim()
  }
  const env: Record<string, string> = {}
  for (const line of lines.filter((one) => one.startsWith('ENV '))) {
    for (const [, name, value] of line.slice(4).matchAll(/(\w+)=(\S+)/g)) env[name] = value
  }
  const healthcheck = /\bCMD (\[.*\])$/.exec(argument('HEALTHCHECK'))?.[1]
  if (healthcheck == null) throw new Error(`${path}: HEALTHCHECK has no CMD in exec form`)
  return {
    env,
    user: argument('USER'),
    volume: argument('VOLUME'),
    entrypoint: JSON.parse(argument('ENTRYPOINT')) as string[],
    healthcheck: JSON.parse(healthcheck) as string[],
  }
}
